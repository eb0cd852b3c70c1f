// Computes the dirty set of a working tree with libgit2 (no `git` subprocess) and loads the
// texts: what `git status --porcelain -uall --no-renames` lists, .gitignore respected, a rename
// being a deletion plus an addition (or an untracked file).
//
// Threading: thread-compatible; one thread uses it at a time (LiveOverlay's watcher thread,
// after Start's initial Rescan on the caller's). The snapshots it returns are immutable and
// may go to any thread.
#pragma once

#include <git2.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "extract/SkipRules.h"
#include "index/GitHandles.h"
#include "overlay/OverlaySnapshot.h"

namespace oxd::codedb {

class DirtyScanner {
 public:
  // `worktree`: the repository's working-tree root. Throws std::runtime_error when it is not
  // one (or has no working tree).
  explicit DirtyScanner(std::string worktree, SkipOptions skip = {});

  // Every status entry. Files whose stamp (size, mtime, ctime, inode, mode) is unchanged
  // since the last snapshot keep their content: a rescan after one edit reads one file.
  OverlaySnapshotPtr Rescan();
  // Only `paths` (files or directories, repository-relative; a directory stands for
  // everything below it), one pathspec status each. Falls back to Rescan when HEAD or the
  // index file changed since the last snapshot, when there is none yet, when a path holds a
  // pathspec wildcard character, or when there are more than kMaxRefreshPaths of them.
  OverlaySnapshotPtr Refresh(const std::vector<std::string>& paths);
  static constexpr std::size_t kMaxRefreshPaths = 64;

  OverlaySnapshotPtr current() const { return current_; }
  std::uint64_t rescans() const { return rescans_; }
  const std::string& worktree() const { return worktree_; }

  // For the watcher: whether a repository-relative directory is ignored by .gitignore (and
  // info/exclude, core.excludesFile), and the directories of every index entry (with their
  // parents), which are watched even when ignored.
  bool IsIgnoredDirectory(const std::string& path);
  std::vector<std::string> TrackedDirectories();
  // The repository's git directory ("<worktree>/.git/" for a plain checkout).
  std::string GitDirectory() const;

 private:
  // What makes an incremental refresh unsafe when it changes: HEAD's commit and the index.
  struct RepositoryState {
    std::string head;  // commit id, or "unborn"
    std::optional<FileStamp> index;
    bool operator==(const RepositoryState&) const = default;
  };
  RepositoryState ReadRepositoryState();
  // Status entries for one pathspec (nullptr: all), contents reused from current_.
  std::vector<DirtyFile> StatusEntries(const std::string* pathspec);
  DirtyFile MakeEntry(std::string path, unsigned int flags);

  std::string worktree_;
  SkipOptions skip_;
  RepositoryPtr repo_;
  RepositoryState state_;
  OverlaySnapshotPtr current_;
  std::uint64_t rescans_ = 0;
};

}  // namespace oxd::codedb
