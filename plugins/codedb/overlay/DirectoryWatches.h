// The inotify watches of one LiveOverlay: which watch descriptor is which directory, the
// watch limit, and the directories left unwatched by it. Two trees are watched: the working
// tree (files) and the git directory (HEAD, index, refs/heads), told apart by `git`.
//
// Threading: used by the watcher thread only (and by Start before that thread exists).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>

namespace oxd::codedb {

class DirectoryWatches {
 public:
  struct Watched {
    std::string path;  // relative to the working tree (or the git directory); "" the root
    bool git = false;
  };

  // `inotify_fd` stays owned by the caller. `max_watches` counts both trees; past it (or when
  // the kernel says ENOSPC) a directory is recorded as unwatched instead.
  DirectoryWatches(int inotify_fd, std::string worktree, std::string git_directory,
                   std::size_t max_watches);

  enum class AddResult { kAdded, kAlreadyWatched, kLimit, kFailed };
  AddResult Add(const std::string& path, bool git);

  // Adds `path` and every directory below it that `should_watch` accepts (its subtree is not
  // entered when it refuses), without following symlinks; in the working tree `.git` and
  // nested repositories are left out. The watch is added before a directory is listed, so a
  // file created meanwhile is either listed or reported.
  using Filter = std::function<bool(const std::string& path)>;
  void AddTree(const std::string& path, bool git, const Filter& should_watch);

  const Watched* Find(int wd) const;
  bool IsWatched(const std::string& path) const { return by_path_.contains(path); }
  // IN_IGNORED: the kernel dropped the watch (directory deleted, or removed by us).
  void Forget(int wd);
  // A working-tree directory moved away: its watches (and those below) would report under a
  // stale name. The move's destination, if inside the tree, is watched afresh.
  void RemoveTree(const std::string& path);

  std::size_t size() const { return by_wd_.size(); }
  // Directories the limit left out since the last ClearUnwatched (a rewalk recounts them).
  std::size_t unwatched() const { return unwatched_; }
  void ClearUnwatched() { unwatched_ = 0; }
  bool hit_kernel_limit() const { return hit_kernel_limit_; }

 private:
  int fd_;
  std::string worktree_;
  std::string git_directory_;
  std::size_t max_watches_;
  std::unordered_map<int, Watched> by_wd_;
  std::map<std::string, int> by_path_;  // working-tree watches only, ordered for RemoveTree
  std::size_t unwatched_ = 0;
  bool hit_kernel_limit_ = false;
};

}  // namespace oxd::codedb
