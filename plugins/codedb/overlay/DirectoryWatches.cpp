#include "overlay/DirectoryWatches.h"

#include <dirent.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include <cerrno>
#include <vector>

namespace oxd::codedb {
namespace {

// Working tree: anything that changes a file's content, existence or mode.
constexpr std::uint32_t kTreeMask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE |
                                    IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF |
                                    IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK;
// Git directory: git replaces HEAD, index and refs by renaming a lock file over them.
constexpr std::uint32_t kGitMask = IN_CREATE | IN_DELETE | IN_CLOSE_WRITE | IN_MOVED_FROM |
                                   IN_MOVED_TO | IN_DELETE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW;

std::string Join(const std::string& directory, const std::string& name) {
  return directory.empty() ? name : directory + "/" + name;
}

bool IsDirectory(const std::string& absolute) {
  struct stat info {};
  return lstat(absolute.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

}  // namespace

DirectoryWatches::DirectoryWatches(int inotify_fd, std::string worktree, std::string git_directory,
                                   std::size_t max_watches)
    : fd_(inotify_fd),
      worktree_(std::move(worktree)),
      git_directory_(std::move(git_directory)),
      max_watches_(max_watches) {
  while (git_directory_.size() > 1 && git_directory_.ends_with('/')) {
    git_directory_.pop_back();
  }
}

DirectoryWatches::AddResult DirectoryWatches::Add(const std::string& path, bool git) {
  if (!git && by_path_.contains(path)) {
    return AddResult::kAlreadyWatched;
  }
  if (by_wd_.size() >= max_watches_) {
    ++unwatched_;
    return AddResult::kLimit;
  }
  const std::string& root = git ? git_directory_ : worktree_;
  std::string absolute = path.empty() ? root : root + "/" + path;
  int wd = inotify_add_watch(fd_, absolute.c_str(), git ? kGitMask : kTreeMask);
  if (wd < 0) {
    if (errno == ENOSPC) {
      hit_kernel_limit_ = true;
      ++unwatched_;
      return AddResult::kLimit;
    }
    return AddResult::kFailed;  // gone already, or not readable: nothing to watch
  }
  auto [at, inserted] = by_wd_.try_emplace(wd, Watched{path, git});
  if (!inserted) {
    // The same inode under another name (a hard-linked or re-added directory): the newer name
    // is the one the kernel reports under from now on.
    if (!at->second.git) {
      by_path_.erase(at->second.path);
    }
    at->second = Watched{path, git};
  }
  if (!git) {
    by_path_[path] = wd;
  }
  return inserted ? AddResult::kAdded : AddResult::kAlreadyWatched;
}

void DirectoryWatches::AddTree(const std::string& path, bool git, const Filter& should_watch) {
  std::vector<std::string> stack = {path};
  while (!stack.empty()) {
    std::string directory = std::move(stack.back());
    stack.pop_back();
    if (!should_watch(directory)) {
      continue;
    }
    // Past the limit the walk goes on: it counts what is left unwatched.
    if (Add(directory, git) == AddResult::kFailed) {
      continue;
    }
    const std::string& root = git ? git_directory_ : worktree_;
    std::string absolute = directory.empty() ? root : root + "/" + directory;
    DIR* listing = opendir(absolute.c_str());
    if (listing == nullptr) {
      continue;
    }
    while (dirent* entry = readdir(listing)) {
      std::string name = entry->d_name;
      if (name == "." || name == "..") {
        continue;
      }
      std::string child = Join(directory, name);
      bool is_directory = entry->d_type == DT_DIR ||
                          (entry->d_type == DT_UNKNOWN && IsDirectory(absolute + "/" + name));
      if (!is_directory) {
        continue;
      }
      // A nested repository is one untracked entry for git status, not files to watch.
      if (!git && (name == ".git" || IsDirectory(absolute + "/" + name + "/.git"))) {
        continue;
      }
      stack.push_back(std::move(child));
    }
    closedir(listing);
  }
}

const DirectoryWatches::Watched* DirectoryWatches::Find(int wd) const {
  auto at = by_wd_.find(wd);
  return at == by_wd_.end() ? nullptr : &at->second;
}

void DirectoryWatches::Forget(int wd) {
  auto at = by_wd_.find(wd);
  if (at == by_wd_.end()) {
    return;
  }
  if (!at->second.git) {
    auto named = by_path_.find(at->second.path);
    if (named != by_path_.end() && named->second == wd) {
      by_path_.erase(named);
    }
  }
  by_wd_.erase(at);
}

void DirectoryWatches::RemoveTree(const std::string& path) {
  for (auto at = by_path_.lower_bound(path); at != by_path_.end() && at->first.starts_with(path);) {
    const std::string& name = at->first;
    bool under = name == path || (name.size() > path.size() && name[path.size()] == '/');
    if (!under) {
      ++at;
      continue;
    }
    inotify_rm_watch(fd_, at->second);
    by_wd_.erase(at->second);
    at = by_path_.erase(at);
  }
}

}  // namespace oxd::codedb
