// Moves the current branch and the working tree from one commit to another without losing
// uncommitted work (modified, staged and untracked files).
//
// First a safe checkout: libgit2 decides every file action up front and refuses, touching
// nothing, when a local change sits on a file the move would rewrite. Only then are local
// changes stashed (untracked included); a dry-run merge of the stash onto the target decides
// whether they would come back cleanly, and if not, the stash is put straight back onto the
// untouched HEAD and the overlapping paths are reported. Otherwise: checkout, move the branch,
// pop the stash with its index.
//
// Before all that, leftovers of an interrupted checkout are cleared: a process killed while
// writing the files of a move leaves, at a path the target adds, an untracked file holding the
// first bytes (possibly none) of the incoming blob while HEAD has not moved. Such a file would
// block every later move as "local changes in the way" although it holds nothing but a prefix of
// what the move writes there, so it is removed; any other untracked file keeps blocking.
#pragma once

#include <git2.h>

#include <string>
#include <vector>

namespace oxd::git {

struct AutostashOutcome {
  bool moved = false;
  bool stashed = false;                  // local changes went through a stash
  std::vector<std::string> overlapping;  // when !moved: local changes in the way
  // Untracked files removed before the move because their bytes were a prefix of (or equal to)
  // the blob the move writes at that path: an interrupted earlier write, no user data.
  std::vector<std::string> interrupted_writes_removed;
};

// `branch_ref` (e.g. refs/heads/main) must point at `from`; it is moved to `to` only if it still
// does. Throws GitError on failures other than overlapping changes.
AutostashOutcome MoveBranchKeepingLocalChanges(git_repository* repo, const std::string& branch_ref,
                                               const git_oid& from, const git_oid& to,
                                               const git_signature* stasher,
                                               const std::string& reflog_message);

}  // namespace oxd::git
