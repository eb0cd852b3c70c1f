// What the plugin publishes on the event bus (DESIGN §4), one function a topic so every field is
// named in one place. Each event is also logged at information level ("event <topic> <json>"),
// which is how an operator (and the integration tests) can see what other plugins were told.
//
//   repo.pulled    {scope, id, path, old, new, files_changed:int, paths:[str]}
//   repo.cloned    {scope, id, path, head, gc?:true}  (gc: a GC swapped in a fresh clone)
//   sync.complete  {type, id, op:"pull"|"clone", status:"ok"|"error", duration_ms}
#pragma once

#include <oxd/host.h>

#include <chrono>
#include <string>

#include "RepoSet.h"
#include "git/Pull.h"

namespace oxd::sync {

class EventPublisher {
 public:
  explicit EventPublisher(sdk::Host& host) : host_(host) {}

  void RepoPulled(const Repo& repo, const git::PullReport& report);
  void RepoCloned(const Repo& repo, const std::string& head, bool gc = false);
  void SyncComplete(const Repo& repo, const std::string& op, bool ok,
                    std::chrono::nanoseconds duration);

 private:
  void Publish(const std::string& topic, Poco::JSON::Object::Ptr event);

  sdk::Host& host_;
};

}  // namespace oxd::sync
