#include "git/RepoState.h"

#include <fcntl.h>
#include <git2.h>
#include <stdio.h>

#include <cerrno>
#include <system_error>

#include "git/Handles.h"
#include "git/Libgit2Runtime.h"

namespace oxd::git {
namespace fs = std::filesystem;

namespace {

// Empty when the repository opens and HEAD resolves (an unborn branch is fine); else why not.
std::string CorruptionReason(const fs::path& work_tree) {
  EnsureLibgit2();
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, work_tree.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) !=
      0) {
    const git_error* last = git_error_last();
    return std::string("cannot open repository: ") + (last ? last->message : "unknown error");
  }
  RepositoryPtr repo(raw);
  git_reference* head = nullptr;
  int rc = git_repository_head(&head, repo.get());
  ReferencePtr head_ref(head);
  if (rc != 0 && rc != GIT_EUNBORNBRANCH) {
    const git_error* last = git_error_last();
    return std::string("HEAD unreadable: ") + (last ? last->message : "unknown error");
  }
  git_error_clear();
  return "";
}

}  // namespace

RepoState InspectRepo(const fs::path& work_tree) {
  RepoState state;
  state.git_dir = work_tree / ".git";
  std::error_code error;
  if (!fs::exists(state.git_dir, error)) {
    state.condition = RepoCondition::kNotCloned;
    return state;
  }
  if (std::string reason = CorruptionReason(work_tree); !reason.empty()) {
    state.condition = RepoCondition::kCorrupt;
    state.detail = reason;
    return state;
  }
  for (const char* rebase_dir : {"rebase-merge", "rebase-apply"}) {
    if (fs::exists(state.git_dir / rebase_dir, error)) {
      state.condition = RepoCondition::kRebaseInProgress;
      state.detail = (state.git_dir / rebase_dir).string();
      return state;
    }
  }
  state.locks = FindLockFiles(state.git_dir);
  state.condition = state.locks.empty() ? RepoCondition::kReady : RepoCondition::kLocked;
  return state;
}

fs::path MoveAside(const fs::path& work_tree, std::chrono::system_clock::time_point now) {
  const std::string base =
      work_tree.string() + ".bak." + std::to_string(std::chrono::system_clock::to_time_t(now));
  for (int attempt = 0;; ++attempt) {
    fs::path target =
        attempt == 0 ? fs::path(base) : fs::path(base + "." + std::to_string(attempt));
    // RENAME_NOREPLACE makes "is the name free" and the rename one step.
    if (renameat2(AT_FDCWD, work_tree.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) == 0) {
      return target;
    }
    if (errno != EEXIST || attempt >= 1000) {
      throw fs::filesystem_error("move aside", work_tree, target,
                                 std::error_code(errno, std::generic_category()));
    }
  }
}

}  // namespace oxd::git
