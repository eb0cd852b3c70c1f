// One pull of one repository: the skip ladder of docs/behavior.md#pull on top of the git layer, the
// same code for the ledger and for team contexts (docs/behavior.md#pull); what differs comes in as
// options.
//
//   not cloned / corrupt (moved aside)  → kNeedsClone (the caller starts a background clone)
//   rebase in progress                  → rebase_stuck issue, skipped
//   lock files                          → stale ones removed and logged; others: git_lock issue
//   remote head equals ours             → skipped "Remote unchanged", nothing fetched
//   FETCH_HEAD recent (background only) → skipped "Recently fetched"
//   fetch, integrate (fast-forward or in-memory rebase with autostash)
//   conflict no manifest rule settles   → merge_conflict issue (requires confirm), tree untouched
//
// Backoff, history, events and errors are the caller's (SyncEngine): this job only talks to
// git and keeps the per-repository git issues (git_lock, rebase_stuck, merge_conflict) current.
#pragma once

#include <oxd/sinks.h>

#include <Poco/Logger.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "RepoSet.h"
#include "git/GitError.h"
#include "git/NetworkOptions.h"
#include "git/Pull.h"

namespace oxd::sync {

enum class SyncMode {
  kBackground,  // a scheduler tick: honours backoff and the FETCH_HEAD age
  kManual,      // a user asked (`sync`, `team_sync`): clears backoff, always fetches
};

using StageSink = std::function<void(std::string_view stage, std::string_view message)>;

struct PullResult {
  enum class Status { kPulled, kSkipped, kNeedsClone, kFailed };
  Status status = Status::kSkipped;
  std::string message;   // why skipped, or the error
  bool in_sync = false;  // a skip that proved the checkout matches the remote
  bool fetched = false;  // the remote was contacted successfully for a fetch
  std::optional<git::GitErrorKind> error_kind;
  git::PullReport report;                // kPulled only
  std::chrono::nanoseconds duration{0};  // fetch + integrate
};

struct PullOptions {
  SyncMode mode = SyncMode::kBackground;
  std::chrono::milliseconds min_fetch_age{std::chrono::minutes(2)};
  git::NetworkOptions network;
};

class PullJob {
 public:
  PullJob(const Repo& repo, PullOptions options, sdk::IssueSink& issues, Poco::Logger& logger,
          StageSink stages);
  PullResult Run();

 private:
  std::optional<PullResult> CheckLocalState();
  std::optional<PullResult> CheckRemote();
  bool RecentlyFetched() const;
  PullResult FetchAndIntegrate();
  void Stage(std::string_view stage, std::string_view message) const;

  const Repo& repo_;
  PullOptions options_;
  sdk::IssueSink& issues_;
  Poco::Logger& logger_;
  StageSink stages_;
  bool remote_listed_ = false;  // the ref listing answered
};

}  // namespace oxd::sync
