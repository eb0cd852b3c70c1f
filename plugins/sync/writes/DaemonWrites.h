// The daemon's own writes, wired as one part of the plugin: the one-way messages `murmur`,
// `session_finalize`, `session_watch_start` and `session_watch_stop` (spec §1.5, §7.3, §7.6).
// One-way handlers run on the host's worker pool after the client's connection closed, so the
// commits and pushes never hold up a client or the IPC thread; there is no reply to carry a
// failure, so each one is logged and put in the error store.
#pragma once

#include <oxd/host.h>

#include <atomic>

#include "BackgroundClones.h"
#include "RepoSet.h"
#include "writes/RepoWriter.h"
#include "writes/SessionWatches.h"

namespace oxd::sync {

class DaemonWrites {
 public:
  // Registers the four handlers and resumes the session watches left active by the last run.
  DaemonWrites(sdk::Host& host, RepoSet& repos, BackgroundClones::NetworkFactory network,
               const std::atomic<bool>& stopping);
  // Ends the watch threads (they stay active on disk, resumed by the next start).
  void Stop();

 private:
  sdk::Host& host_;
  RepoSet& repos_;
  RepoWriter writer_;
  SessionWatches watches_;
};

}  // namespace oxd::sync
