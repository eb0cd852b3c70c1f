// Heartbeat files (docs/behavior.md#heartbeat-files): at start and every 5 minutes, when the
// project has a repo_id, one JSON line {ts, pid, version, workspace, last_sync,
// status:"healthy"|"error", error_count?} is appended to
//   <workspace data dir>/heartbeat.jsonl          last_sync of the ledger, errors of every repo
//   <checkout>/.git/oxd-heartbeat.jsonl           each existing checkout: its own last_sync/error
// keeping the last 5 lines, written atomically. The checkout's file lives inside .git so it is
// never an untracked file (which would block GC and ride along in autostashes) and is shared by
// every daemon that uses that checkout. status is "error" while a repo's last sync failed;
// error_count counts those repos (the core's error store is not visible to plugins).
#pragma once

#include <oxd/host.h>

#include <filesystem>

#include "RepoSet.h"

namespace oxd::sync {

inline constexpr std::size_t kHeartbeatLines = 5;

class HeartbeatFiles {
 public:
  HeartbeatFiles(Poco::Logger& log, const sdk::Workspace& workspace, const RepoSet& repos);

  std::filesystem::path WorkspaceFile() const;
  static std::filesystem::path CheckoutFile(const std::filesystem::path& checkout);

  // Writes one line to every file; failures are logged, never thrown.
  void WriteAll();

 private:
  Poco::Logger& log_;
  const sdk::Workspace& workspace_;
  const RepoSet& repos_;
};

}  // namespace oxd::sync
