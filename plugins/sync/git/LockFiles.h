// Git lock files left in a repository (spec §3.3 step 4).
//
// A git lock file does not name its owner, so "the owning process is gone" is judged by two
// signs: the file is older than the stale age (10 minutes by default; git holds its locks for
// milliseconds to seconds), and no process we can see has it open (a scan of /proc/*/fd, which
// sees our own user's processes — the only ones that can write this repository's locks in the
// usual setup). git itself closes some lock files before it commits them (e.g. index.lock while
// an editor is open), so the age rule is the main test and the /proc scan only a veto.
#pragma once

#include <chrono>
#include <filesystem>
#include <vector>

namespace oxd::sync::git {

inline constexpr std::chrono::minutes kStaleLockAge{10};

struct LockFile {
  std::filesystem::path path;  // absolute
  std::chrono::seconds age{0};
  bool held_open = false;  // some visible process has it open
  bool stale = false;      // older than the stale age and not held open: safe to remove
};

// index.lock, shallow.lock, config.lock, HEAD.lock, packed-refs.lock and any *.lock under
// refs/ in `git_dir`.
std::vector<LockFile> FindLockFiles(
    const std::filesystem::path& git_dir,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now(),
    std::chrono::seconds stale_age = kStaleLockAge);

// Removes `lock` if it is still there and still stale on a fresh look; true when removed.
bool RemoveStaleLock(const LockFile& lock, std::chrono::seconds stale_age = kStaleLockAge);

// True when a process visible in /proc has `path` open.
bool IsFileOpenByAnyProcess(const std::filesystem::path& path);

}  // namespace oxd::sync::git
