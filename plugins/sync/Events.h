// What the plugin publishes on the event bus: repo.pulled, repo.cloned and sync.complete, whose
// fields are the structs of <oxd/events.h>. Each event is also logged at information level
// ("event <topic> <json>"), which is how an operator (and the integration tests) can see what
// other plugins were told.
#pragma once

#include <oxd/events.h>
#include <oxd/host.h>

#include <chrono>
#include <string>

#include "RepoSet.h"
#include "git/Pull.h"

namespace oxd::sync {

class EventPublisher {
 public:
  EventPublisher(Poco::Logger& log, sdk::Publisher& bus) : log_(log), bus_(bus) {}

  void RepoPulled(const Repo& repo, const git::PullReport& report);
  // gc: a GC swapped in a fresh clone.
  void RepoCloned(const Repo& repo, const std::string& head, bool gc = false);
  // op: "pull" or "clone".
  void SyncComplete(const Repo& repo, const std::string& op, bool ok,
                    std::chrono::nanoseconds duration);

 private:
  template <sdk::BusEvent Event>
  void Publish(const Event& event);

  Poco::Logger& log_;
  sdk::Publisher& bus_;
};

}  // namespace oxd::sync
