// The daemon's own writes, as one part of the plugin: the one-way messages `murmur`,
// `session_finalize`, `session_watch_start` and `session_watch_stop`
// (docs/protocol.md#one-way-messages, docs/behavior.md#daemon-writes), registered by Messages.cpp.
// One-way handlers run on the host's worker pool; there is no reply to carry a failure, so each
// one is logged and put in the error store. A murmur's handler only puts it in the spool
// (MurmurSpool.h) and returns: a drain thread commits and pushes, so a murmur never waits in
// memory for its repository and a crash loses none that was accepted.
#pragma once

#include <oxd/calls.h>
#include <oxd/host.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "BackgroundClones.h"
#include "RepoSet.h"
#include "writes/LedgerWrite.h"
#include "writes/MurmurSpool.h"
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
  ~DaemonWrites();
  // Ends the watch threads (they stay active on disk, resumed by the next start) and the murmur
  // drain (what it has not committed stays spooled, replayed by the next start).
  void Stop();

  // The handlers. Each reports its own refusals and failures (log and error store).
  void Murmur(const sdk::MurmurRequest& request);
  // ledger_write (a request, not one-way): throws RefusedWrite before writing anything.
  LedgerWriteOutcome WriteLedger(const sdk::LedgerWriteRequest& request) {
    return WriteLedgerFiles(repos_, writer_, request);
  }
  void Finalize(const SessionFinalizeRequest& request);
  void WatchStart(const SessionWatchStartRequest& request);
  void WatchStop(const SessionWatchStopRequest& request);
  // What a payload the handlers' Parse refused becomes, message by message.
  void RefuseMurmur(const sdk::BadPayload& invalid);
  void RefuseFinalize(const sdk::BadPayload& invalid);
  void RefuseWatchStart(const std::string& why);
  void RefuseWatchStop(const std::string& why);

 private:
  // Commits the spooled murmurs in order; true when one must be tried again later.
  bool DrainSpool();
  void DrainLoop();

  sdk::Reporting report_;
  const sdk::Workspace& workspace_;
  RepoSet& repos_;
  const std::atomic<bool>& stopping_;
  RepoWriter writer_;
  SessionWatches watches_;
  MurmurSpool spool_;
  std::mutex drain_mutex_;
  std::condition_variable drain_wake_;
  bool drain_pending_ = false;  // guarded by drain_mutex_: a murmur was spooled since the last look
  bool drain_stop_ = false;     // guarded by drain_mutex_
  std::thread drain_;
};

}  // namespace oxd::sync
