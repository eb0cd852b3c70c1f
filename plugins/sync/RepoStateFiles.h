// Per-repository state that must survive a restart (docs/behavior.md#sync-history-and-state):
//   <workspace data>/repos/<repo id>/sync-state.json  {"last_sync","last_sync_commit",
//                                                       "consecutive_failures"}
//   <workspace data>/repos/<repo id>/gc-state.json    {"last_gc"}
// last_sync is read back at start so `status` shows it without a new sync; last_gc so a restart
// does not make every team context "due" (0.3 kept it in memory only). Both files are JSON with
// a 2-space indent, times in UTC, written atomically; a missing or corrupt file is a zero state.
// Thread-safe: one mutex around every load-modify-save.
#pragma once

#include <filesystem>
#include <mutex>
#include <string>

#include "Backoff.h"

namespace oxd::sync {

struct SyncStateFile {
  Clock::time_point last_sync{};
  std::string last_sync_commit;
  int consecutive_failures = 0;
};

class RepoStateFiles {
 public:
  explicit RepoStateFiles(std::filesystem::path workspace_data_dir);

  std::filesystem::path SyncStatePath(const std::string& repo_id) const;
  std::filesystem::path GcStatePath(const std::string& repo_id) const;

  SyncStateFile LoadSync(const std::string& repo_id) const;
  // Success: last_sync = now, the commit (may be ""), failures = 0. Failure: failures + 1, the
  // rest kept. Write errors are returned as text (the sync itself went fine), "" when written.
  std::string RecordSyncSuccess(const std::string& repo_id, const std::string& commit);
  std::string RecordSyncFailure(const std::string& repo_id);

  Clock::time_point LoadLastGc(const std::string& repo_id) const;
  std::string SaveLastGc(const std::string& repo_id, Clock::time_point when);

 private:
  SyncStateFile LoadSyncLocked(const std::string& repo_id) const;  // callers hold mutex_
  std::string SaveSync(const std::string& repo_id, const SyncStateFile& state);

  std::filesystem::path root_;
  mutable std::mutex mutex_;
};

// RFC 3339 in UTC ("2026-03-12T18:09:05.120431Z"), what the state and heartbeat files hold.
std::string FormatUtc(Clock::time_point time);

}  // namespace oxd::sync
