// Replays local commits onto upstream entirely in the object database (git_rebase with
// `inmemory`): the working tree, the index and every ref stay untouched, so giving up on a
// conflict leaves the checkout exactly as it was. Conflicts are settled with ConflictRules.
#pragma once

#include <git2.h>

#include <string>
#include <vector>

#include "git/ConflictRules.h"

namespace oxd::git {

struct RebaseOutcome {
  bool completed = false;
  git_oid new_head{};                      // last replayed commit (upstream when all were empty)
  std::size_t commits_replayed = 0;        // commits already upstream are dropped, not counted
  std::vector<std::string> auto_resolved;  // paths settled by a rule
  std::vector<std::string> unresolved;     // when !completed: conflicted paths no rule settles
};

// Replays the commits of `local` that `upstream` lacks. The "theirs" rule takes the upstream
// side, "ours" the side of the local commit being replayed (note: the reverse of git's own
// ours/theirs naming during a rebase). Throws GitError on failures other than conflicts.
RebaseOutcome RebaseInMemory(git_repository* repo, const git_oid& local, const git_oid& upstream,
                             const ConflictRules& rules, const git_signature* committer);

}  // namespace oxd::git
