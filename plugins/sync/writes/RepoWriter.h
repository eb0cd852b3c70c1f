// The daemon's own commits (murmurs, finished sessions): put files in a checkout, commit them and
// push with fetch-rebase-retry (git/CommitAndPush.h) — one repository at a time with its pulls.
// Serialising uses the same per-repo "syncing" mark as SyncEngine's pulls, so a write never
// touches the work tree while a pull stashes, rebases or checks out, and vice versa.
//
// Nothing is lost on failure: a write that cannot be pushed (offline, lost race, conflict) stays
// committed locally and the next sync pushes it (PendingPush.h). Failures are logged and go to
// the error store (`commit_failed`, `push_failed`): one-way messages have no reply to carry them.
#pragma once

#include <oxd/host.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "BackgroundClones.h"
#include "RepoSet.h"
#include "git/ConflictRules.h"

namespace oxd::sync {

struct WriteOutcome {
  bool committed = false;  // a new commit was made (false: the files were already committed)
  bool pushed = false;
  std::string commit;  // HEAD after the push
  std::string error;   // "" when committed and pushed
};

class RepoWriter {
 public:
  // Puts the files in place (inside the lock) and returns their repo-relative paths.
  using WriteFiles = std::function<std::vector<std::string>()>;

  RepoWriter(sdk::Reporting report, sdk::KeepAlive& keep_alive, RepoSet& repos,
             BackgroundClones::NetworkFactory network, const std::atomic<bool>& stopping);

  // `what` names the write in logs ("murmur notes/x.json"). Waits for a running pull of the repo
  // (at most the network timeout twice over). Never throws.
  // `default_rules` settle a rebase conflict where .oxd/sync.manifest has no rule of the same
  // prefix (ledger_write: the remote's side of data/github/).
  WriteOutcome Write(const Repo& repo, const std::string& what, const WriteFiles& write,
                     const std::string& message,
                     const std::vector<git::ResolveRule>& default_rules = {});

 private:
  sdk::Reporting report_;
  sdk::KeepAlive& keep_alive_;
  RepoSet& repos_;
  BackgroundClones::NetworkFactory network_;
  const std::atomic<bool>& stopping_;
};

}  // namespace oxd::sync
