#include "Events.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

namespace oxd::sync {

namespace {

Poco::JSON::Object::Ptr RepoFields(const Repo& repo) {
  Poco::JSON::Object::Ptr event = new Poco::JSON::Object(true);
  event->set("scope", repo.type);
  event->set("id", repo.id);
  event->set("path", repo.path.string());
  return event;
}

}  // namespace

void EventPublisher::RepoPulled(const Repo& repo, const git::PullReport& report) {
  Poco::JSON::Object::Ptr event = RepoFields(repo);
  event->set("old", report.old_head);
  event->set("new", report.new_head);
  event->set("files_changed", static_cast<int>(report.files_changed.size()));
  Poco::JSON::Array::Ptr paths = new Poco::JSON::Array;
  for (const std::string& path : report.files_changed) paths->add(path);
  event->set("paths", paths);
  Publish("repo.pulled", event);
}

void EventPublisher::RepoCloned(const Repo& repo, const std::string& head, bool gc) {
  Poco::JSON::Object::Ptr event = RepoFields(repo);
  event->set("head", head);
  if (gc) event->set("gc", true);
  Publish("repo.cloned", event);
}

void EventPublisher::SyncComplete(const Repo& repo, const std::string& op, bool ok,
                                  std::chrono::nanoseconds duration) {
  Poco::JSON::Object::Ptr event = new Poco::JSON::Object(true);
  event->set("type", repo.type);
  event->set("id", repo.id);
  event->set("op", op);
  event->set("status", std::string(ok ? "ok" : "error"));
  event->set("duration_ms",
             static_cast<Poco::Int64>(
                 std::chrono::duration_cast<std::chrono::milliseconds>(duration).count()));
  Publish("sync.complete", event);
}

void EventPublisher::Publish(const std::string& topic, Poco::JSON::Object::Ptr event) {
  std::ostringstream text;
  event->stringify(text);
  host_.logger().information("event %s %s", topic, text.str());
  host_.publish(topic, event);
}

}  // namespace oxd::sync
