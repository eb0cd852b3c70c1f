// Integrating fetched upstream commits into the checkout (docs/behavior.md#pull,
// docs/behavior.md#conflict-rules): fast- forward when there are no local commits, else replay the
// local commits onto upstream, always keeping uncommitted work. Network-free: run FetchUpstream()
// first.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "git/ConflictRules.h"

namespace oxd::git {

enum class PullOutcome {
  kUpToDate,       // upstream has nothing HEAD lacks (HEAD may be ahead)
  kFastForwarded,  // no local commits: HEAD moved to upstream
  kRebased,        // local commits replayed on top of upstream
  kMergeConflict,  // nothing changed: conflicting paths no rule settles, or local uncommitted
                   // changes that cannot be carried over; see conflicted_paths
};

struct PullReport {
  PullOutcome outcome = PullOutcome::kUpToDate;
  std::string old_head;
  std::string new_head;                    // == old_head unless fast-forwarded or rebased
  std::string upstream;                    // the remote-tracking commit integrated
  std::vector<std::string> files_changed;  // paths that differ between old and new HEAD
  std::vector<std::string> auto_resolved;  // conflicts settled by .oxd/sync.manifest rules
  std::vector<std::string> conflicted_paths;
  std::size_t local_commits_replayed = 0;
  bool local_changes_stashed = false;  // uncommitted work went through a stash and back
  // Untracked files removed before the move: each held a prefix of the incoming blob at its path
  // (a write a killed process left unfinished), so nothing of the user's was lost. For the log.
  std::vector<std::string> interrupted_writes_removed;
};

std::string_view PullOutcomeName(PullOutcome outcome);

// On kMergeConflict the working tree, index, HEAD and refs are as before the call. Conflict
// rules are read from .oxd/sync.manifest in the upstream commit (else in HEAD), so a rule change
// pushed by a teammate applies to the very pull that brings it; `default_rules` (a writer's own,
// e.g. `theirs data/github/`) apply where no manifest rule of the same prefix does. Throws
// GitError otherwise.
PullReport IntegrateUpstream(const std::filesystem::path& work_tree,
                             const std::vector<ResolveRule>& default_rules = {});

}  // namespace oxd::git
