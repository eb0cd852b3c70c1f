// Clones of missing repositories on the plugin's own threads (docs/behavior.md#checkout-and-clone,
// docs/behavior.md#anti-entropy), so neither the IPC thread nor the host's small worker pool waits
// on a transfer. At most one clone per repository is in flight; each waits for one of the 3 clone
// slots. Failures follow the clone backoff (1 min doubling to 1 h; 5 min cap when permanent:
// authentication, not found) and raise `clone_failed`; success publishes `repo.cloned`.
#pragma once

#include <oxd/host.h>

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

#include "CloneSlots.h"
#include "Events.h"
#include "RepoSet.h"
#include "git/NetworkOptions.h"

namespace oxd::sync {

class BackgroundClones {
 public:
  using NetworkFactory = std::function<git::NetworkOptions()>;

  BackgroundClones(sdk::Reporting report, RepoSet& repos, CloneSlots& slots, EventPublisher& events,
                   NetworkFactory network);
  ~BackgroundClones();

  // Starts a clone of `repo` unless it has no URL, is already there, is being cloned, or (when
  // `honour_backoff`) its clone backoff has not expired. True when a clone was started.
  bool Start(const Repo& repo, bool honour_backoff);
  // Cancels clones in flight (they stop within ~100 ms) and joins their threads.
  void StopAndJoin();

 private:
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done = std::make_shared<std::atomic<bool>>(false);
  };

  void Clone(const Repo& repo);
  void JoinFinished();  // callers hold workers_mutex_

  sdk::Reporting report_;
  RepoSet& repos_;
  CloneSlots& slots_;
  EventPublisher& events_;
  NetworkFactory network_;
  std::atomic<bool> stopping_{false};
  std::mutex workers_mutex_;
  std::list<Worker> workers_;  // guarded by workers_mutex_
};

}  // namespace oxd::sync
