#include "Events.h"

#include <Poco/JSON/Object.h>

#include <sstream>

namespace oxd::sync {

void EventPublisher::RepoPulled(const Repo& repo, const git::PullReport& report) {
  sdk::RepoPulledEvent event;
  event.scope = repo.type;
  event.id = repo.id;
  event.path = repo.path.string();
  event.old_head = report.old_head;
  event.new_head = report.new_head;
  event.files_changed = static_cast<std::int64_t>(report.files_changed.size());
  event.paths = report.files_changed;
  Publish(event);
}

void EventPublisher::RepoCloned(const Repo& repo, const std::string& head, bool gc) {
  Publish(sdk::RepoClonedEvent{repo.type, repo.id, repo.path.string(), head, gc});
}

void EventPublisher::SyncComplete(const Repo& repo, const std::string& op, bool ok,
                                  std::chrono::nanoseconds duration) {
  Publish(sdk::SyncCompleteEvent{
      repo.type, repo.id, op, ok ? "ok" : "error",
      std::chrono::duration_cast<std::chrono::milliseconds>(duration).count()});
}

template <sdk::BusEvent Event>
void EventPublisher::Publish(const Event& event) {
  Poco::Dynamic::Var var = event.toVar();
  std::ostringstream text;
  var.extract<Poco::JSON::Object::Ptr>()->stringify(text);
  log_.information("event %s %s", std::string(Event::kTopic), text.str());
  bus_.publish(Event::kTopic, var);
}

}  // namespace oxd::sync
