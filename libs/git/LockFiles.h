// Git lock files left in a repository (docs/behavior.md#pull).
//
// A git lock file does not name its owner, so "the owning process is gone" is judged from
// /proc (our own user's processes — the only ones that can write this repository's locks in the
// usual setup). A lock is stale when:
//   - no process has it open (a scan of /proc/*/fd): git writes a lock through an open fd;
//   - no other live process has its working directory inside the repository (a scan of
//     /proc/*/cwd): git closes some locks before committing them (index.lock while a hook or an
//     editor runs, for minutes), and hooks and the git CLI run with their cwd in the work tree;
//   - it is older than kStaleLockAge, which covers the close-then-rename window of a git that
//     has just closed its lock (and the cwd of a process about to start), or it was last
//     written before this daemon started (a daemon killed a moment ago left it).
// A process killed with SIGKILL (our own daemon in a fetch) leaves locks matching all three,
// and they are cleared seconds later instead of blocking syncs. The old rule still applies on
// its own: not held open and older than kBlindStaleLockAge (git holds its locks milliseconds to
// seconds), so a shell left in the checkout does not keep a dead lock forever; when /proc cannot
// be read, the age alone decides.
// Our own process is left out of the cwd scan: it runs neither the git CLI nor hooks, and its
// own libgit2 writes hold their locks open (seen by the fd scan).
#pragma once

#include <chrono>
#include <filesystem>
#include <vector>

namespace oxd::git {

inline constexpr std::chrono::seconds kStaleLockAge{5};
inline constexpr std::chrono::minutes kBlindStaleLockAge{10};

struct LockFile {
  std::filesystem::path path;       // absolute
  std::filesystem::path repo_root;  // work tree (or the git dir of a bare repository)
  std::chrono::seconds age{0};
  bool held_open = false;        // some visible process has it open
  bool process_in_repo = false;  // some other live process has its cwd inside repo_root
  bool proc_readable = true;     // false: /proc could not be read, the age alone decided
  bool stale = false;            // the owner is gone by the rule above: safe to remove
};

// index.lock, shallow.lock, config.lock, HEAD.lock, packed-refs.lock, FETCH_HEAD.lock,
// ORIG_HEAD.lock and any *.lock under refs/ in `git_dir`.
std::vector<LockFile> FindLockFiles(
    const std::filesystem::path& git_dir,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// Removes `lock` if it is still there and still stale on a fresh look; true when removed.
bool RemoveStaleLock(const LockFile& lock);

// When the module holding this code was loaded: the daemon's start, for the rule above.
std::chrono::system_clock::time_point ModuleLoadTime();

// True when a process visible in /proc has `path` open.
bool IsFileOpenByAnyProcess(const std::filesystem::path& path);

// True when a live process other than this one has its working directory at or below `dir`.
bool IsAnyOtherProcessInside(const std::filesystem::path& dir);

}  // namespace oxd::git
