// The daemon's own writes (murmurs, finished sessions): commit a set of files on the current
// branch and push it, fetching and rebasing onto a teammate's concurrent push and retrying.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "git/ConflictRules.h"
#include "git/NetworkOptions.h"

namespace oxd::git {

struct CommitRequest {
  // Relative to the work tree; deleted files are staged as such. Empty: commit nothing, only
  // push the local commits already there (with the same fetch-rebase-retry).
  std::vector<std::string> paths;
  std::string message;
  std::string author_name;
  std::string author_email;
  int max_push_attempts = 3;  // each failed non-fast-forward push costs one fetch + rebase
  // Conflict rules of the writer's own (the github mirror: `theirs data/github/`), used on a
  // rebase after a lost push race; a rule of .oxd/sync.manifest for the same prefix wins.
  std::vector<ResolveRule> default_rules{};
};

struct CommitReport {
  bool committed = false;  // false when the paths held no change (an earlier commit may still
                           // have been pushed)
  std::string commit;      // HEAD after the push (after any rebase)
  int push_attempts = 0;
};

// Throws GitError: kConflict when a rebase onto the teammate's work conflicts (the local commit
// stays, unpushed), kNonFastForward when every attempt lost the race, or the network kinds.
CommitReport CommitAndPush(const std::filesystem::path& work_tree, const CommitRequest& request,
                           const NetworkOptions& options);

}  // namespace oxd::git
