#include "overlay/DirtyScanner.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "overlay/ContentLoader.h"

namespace oxd::codedb {
namespace {

using StatusListPtr = GitHandle<git_status_list, git_status_list_free>;

constexpr unsigned int kIndexFlags = GIT_STATUS_INDEX_NEW | GIT_STATUS_INDEX_MODIFIED |
                                     GIT_STATUS_INDEX_DELETED | GIT_STATUS_INDEX_RENAMED |
                                     GIT_STATUS_INDEX_TYPECHANGE;

// libgit2 reads a pathspec as fnmatch patterns: such a path would not stand for itself.
bool HasWildcard(const std::string& path) {
  return path.find_first_of("*?[]\\") != std::string::npos;
}

bool IsUnder(const std::string& path, const std::string& prefix) {
  return path == prefix ||
         (path.size() > prefix.size() && path.starts_with(prefix) && path[prefix.size()] == '/');
}

}  // namespace

DirtyScanner::DirtyScanner(std::string worktree, SkipOptions skip)
    : worktree_(std::move(worktree)), skip_(skip) {
  while (worktree_.size() > 1 && worktree_.ends_with('/')) {
    worktree_.pop_back();
  }
  git::EnsureLibgit2();
  git_repository* repo = nullptr;
  if (git_repository_open(&repo, worktree_.c_str()) != 0) {
    throw std::runtime_error(GitErrorText("opening " + worktree_));
  }
  repo_.reset(repo);
  if (git_repository_is_bare(repo)) {
    throw std::runtime_error(worktree_ + " has no working tree");
  }
}

std::string DirtyScanner::GitDirectory() const { return git_repository_path(repo_.get()); }

DirtyScanner::RepositoryState DirtyScanner::ReadRepositoryState() {
  RepositoryState state;
  git_oid head;
  state.head = git_reference_name_to_id(&head, repo_.get(), "HEAD") == 0
                   ? std::string(git_oid_tostr_s(&head))
                   : "unborn";
  git_error_clear();
  state.index = ReadFileStamp(GitDirectory() + "index");
  return state;
}

DirtyFile DirtyScanner::MakeEntry(std::string path, unsigned int flags) {
  DirtyFile file;
  std::string absolute = worktree_ + "/" + path;
  std::optional<FileStamp> stamp = ReadFileStamp(absolute);
  if (!stamp) {
    file.change = DirtyChange::kDeleted;
  } else if ((flags & GIT_STATUS_WT_NEW) != 0 && (flags & kIndexFlags) == 0) {
    file.change = DirtyChange::kUntracked;
  } else if ((flags & GIT_STATUS_INDEX_NEW) != 0) {
    file.change = DirtyChange::kAdded;
  } else {
    // Also "deleted from the index but still on disk" (INDEX_DELETED | WT_NEW): it is in HEAD
    // and its working-tree text is what a search must see.
    file.change = DirtyChange::kModified;
  }
  if (stamp) {
    const DirtyFile* previous = current_ ? current_->Find(path) : nullptr;
    if (previous != nullptr && previous->content != nullptr && previous->content->stamp == *stamp) {
      file.content = previous->content;
    } else {
      file.content = LoadContent(absolute, path, *stamp, skip_);
    }
  }
  file.path = std::move(path);
  return file;
}

std::vector<DirtyFile> DirtyScanner::StatusEntries(const std::string* pathspec) {
  git_status_options options = GIT_STATUS_OPTIONS_INIT;
  options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
  char* spec = pathspec != nullptr ? const_cast<char*>(pathspec->c_str()) : nullptr;
  if (pathspec != nullptr) {
    options.pathspec.strings = &spec;
    options.pathspec.count = 1;
  }
  git_status_list* list = nullptr;
  if (git_status_list_new(&list, repo_.get(), &options) != 0) {
    throw std::runtime_error(GitErrorText("git status of " + worktree_));
  }
  StatusListPtr owned(list);
  std::vector<DirtyFile> files;
  std::size_t count = git_status_list_entrycount(list);
  files.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const git_status_entry* entry = git_status_byindex(list, i);
    const git_diff_delta* delta =
        entry->head_to_index != nullptr ? entry->head_to_index : entry->index_to_workdir;
    if (entry->status == GIT_STATUS_CURRENT || (entry->status & GIT_STATUS_IGNORED) != 0 ||
        delta == nullptr) {
      continue;
    }
    const char* path =
        delta->new_file.path != nullptr ? delta->new_file.path : delta->old_file.path;
    files.push_back(MakeEntry(path, entry->status));
  }
  return files;
}

OverlaySnapshotPtr DirtyScanner::Rescan() {
  state_ = ReadRepositoryState();
  std::vector<DirtyFile> files = StatusEntries(nullptr);
  std::sort(files.begin(), files.end(),
            [](const DirtyFile& a, const DirtyFile& b) { return a.path < b.path; });
  files.erase(std::unique(files.begin(), files.end(),
                          [](const DirtyFile& a, const DirtyFile& b) { return a.path == b.path; }),
              files.end());
  current_ = std::make_shared<const OverlaySnapshot>(std::move(files), state_.head);
  ++rescans_;
  return current_;
}

OverlaySnapshotPtr DirtyScanner::Refresh(const std::vector<std::string>& paths) {
  if (current_ == nullptr || paths.size() > kMaxRefreshPaths ||
      std::any_of(paths.begin(), paths.end(),
                  [](const std::string& path) { return path.empty() || HasWildcard(path); }) ||
      ReadRepositoryState() != state_) {
    return Rescan();
  }
  std::map<std::string, DirtyFile> merged;
  for (const DirtyFile& file : current_->files()) {
    merged.emplace(file.path, file);
  }
  for (const std::string& path : paths) {
    for (auto at = merged.lower_bound(path); at != merged.end() && at->first.starts_with(path);) {
      at = IsUnder(at->first, path) ? merged.erase(at) : std::next(at);
    }
    for (DirtyFile& file : StatusEntries(&path)) {
      std::string key = file.path;
      merged.insert_or_assign(std::move(key), std::move(file));
    }
  }
  std::vector<DirtyFile> files;
  files.reserve(merged.size());
  for (auto& [path, file] : merged) {
    files.push_back(std::move(file));
  }
  current_ = std::make_shared<const OverlaySnapshot>(std::move(files), state_.head);
  return current_;
}

bool DirtyScanner::IsIgnoredDirectory(const std::string& path) {
  int ignored = 0;
  if (git_ignore_path_is_ignored(&ignored, repo_.get(), (path + "/").c_str()) != 0) {
    git_error_clear();
    return false;
  }
  return ignored != 0;
}

std::vector<std::string> DirtyScanner::TrackedDirectories() {
  git_index* raw = nullptr;
  std::vector<std::string> directories;
  if (git_repository_index(&raw, repo_.get()) != 0) {
    git_error_clear();
    return directories;
  }
  IndexPtr index(raw);
  git_index_read(raw, false);
  std::string last;
  std::size_t count = git_index_entrycount(raw);
  for (std::size_t i = 0; i < count; ++i) {
    std::string_view path = git_index_get_byindex(raw, i)->path;
    std::size_t slash = path.rfind('/');
    if (slash == std::string_view::npos) {
      continue;
    }
    // Entries are sorted, so a directory's files are adjacent (mostly; duplicates are cheap).
    std::string directory(path.substr(0, slash));
    if (directory == last) {
      continue;
    }
    last = directory;
    for (std::size_t cut = directory.find('/'); cut != std::string::npos;
         cut = directory.find('/', cut + 1)) {
      directories.push_back(directory.substr(0, cut));
    }
    directories.push_back(directory);
  }
  std::sort(directories.begin(), directories.end());
  directories.erase(std::unique(directories.begin(), directories.end()), directories.end());
  return directories;
}

}  // namespace oxd::codedb
