// The local part of the pull skip ladder (docs/behavior.md#pull): is the checkout there, usable,
// free of a stuck rebase and of lock files? Reads only; never changes the repository.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "git/LockFiles.h"

namespace oxd::git {

enum class RepoCondition {
  kNotCloned,         // no .git: clone it
  kCorrupt,           // .git there but the repository or its HEAD cannot be read: MoveAside()
  kRebaseInProgress,  // .git/rebase-merge or rebase-apply: rebase_stuck issue, skip
  kLocked,            // lock files present: git_lock issue (remove only the stale ones)
  kReady,
};

struct RepoState {
  RepoCondition condition = RepoCondition::kReady;
  std::string detail;           // why corrupt, which rebase directory, ...
  std::vector<LockFile> locks;  // filled for kLocked
  std::filesystem::path git_dir;
};

RepoState InspectRepo(const std::filesystem::path& work_tree);

// Renames `work_tree` to `<work_tree>.bak.<unix seconds>`, or `.bak.<unix>.<n>` when that name
// is taken: an older backup is never replaced. Returns the new path; throws
// std::filesystem::filesystem_error when the rename fails.
std::filesystem::path MoveAside(
    const std::filesystem::path& work_tree,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace oxd::git
