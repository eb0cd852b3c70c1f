// The daemon's own writes, as one part of the plugin: the one-way messages `murmur`,
// `session_finalize`, `session_watch_start` and `session_watch_stop`
// (docs/protocol.md#one-way-messages, docs/behavior.md#daemon-writes), registered by Messages.cpp.
// One-way handlers run on the host's worker pool after the client's connection closed, so the
// commits and pushes never hold up a client or the IPC thread; there is no reply to carry a
// failure, so each one is logged and put in the error store.
#pragma once

#include <oxd/calls.h>
#include <oxd/host.h>

#include <atomic>
#include <string>

#include "BackgroundClones.h"
#include "RepoSet.h"
#include "writes/RepoWriter.h"
#include "writes/SessionFinalize.h"
#include "writes/SessionWatches.h"

namespace oxd::sync {

class DaemonWrites {
 public:
  // Resumes the session watches left active by the last run.
  DaemonWrites(sdk::Reporting report, sdk::KeepAlive& keep_alive, const sdk::Workspace& workspace,
               RepoSet& repos, BackgroundClones::NetworkFactory network,
               const std::atomic<bool>& stopping);
  // Ends the watch threads (they stay active on disk, resumed by the next start).
  void Stop();

  // The handlers. Each reports its own refusals and failures (log and error store).
  void Murmur(const sdk::MurmurRequest& request);
  void Finalize(const SessionFinalizeRequest& request);
  void WatchStart(const SessionWatchStartRequest& request);
  void WatchStop(const SessionWatchStopRequest& request);
  // What a payload the handlers' Parse refused becomes, message by message.
  void RefuseMurmur(const sdk::BadPayload& invalid);
  void RefuseFinalize(const sdk::BadPayload& invalid);
  void RefuseWatchStart(const std::string& why);
  void RefuseWatchStop(const std::string& why);

 private:
  sdk::Reporting report_;
  RepoSet& repos_;
  RepoWriter writer_;
  SessionWatches watches_;
};

}  // namespace oxd::sync
