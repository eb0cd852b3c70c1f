#include "git/LockFiles.h"

#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <system_error>

namespace oxd::git {
namespace fs = std::filesystem;

namespace {

bool IsPidName(const std::string& name) {
  return !name.empty() && name.find_first_not_of("0123456789") == std::string::npos;
}

// `path` is `dir` or below it (both absolute and canonical).
bool IsAtOrBelow(const fs::path& path, const fs::path& dir) {
  const std::string& candidate = path.native();
  const std::string& prefix = dir.native();
  if (candidate.compare(0, prefix.size(), prefix) != 0) {
    return false;
  }
  return candidate.size() == prefix.size() || prefix.ends_with('/') ||
         candidate[prefix.size()] == '/';
}

// Without our own /proc entry nothing about other processes can be trusted either.
bool ProcIsReadable() {
  std::error_code error;
  return !fs::read_symlink("/proc/self/cwd", error).empty() && !error;
}

// The repository a lock protects: the work tree for `<work tree>/.git`, else the git dir itself.
fs::path RepoRootOf(const fs::path& git_dir) {
  return git_dir.filename() == ".git" ? git_dir.parent_path() : git_dir;
}

fs::path Canonical(const fs::path& path) {
  std::error_code error;
  fs::path canonical = fs::weakly_canonical(fs::absolute(path), error);
  return error ? fs::absolute(path).lexically_normal() : canonical;
}

const std::chrono::system_clock::time_point kLoadedAt = std::chrono::system_clock::now();

bool DescribeLock(const fs::path& path, const fs::path& repo_root,
                  std::chrono::system_clock::time_point now, LockFile* out) {
  struct stat info {};
  if (lstat(path.c_str(), &info) != 0) {
    return false;
  }
  // Full precision: with a few seconds' threshold, truncating to whole seconds would matter.
  auto modified = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(info.st_mtim.tv_sec) +
          std::chrono::nanoseconds(info.st_mtim.tv_nsec)));
  auto age = now - modified;
  out->path = path;
  out->repo_root = repo_root;
  out->age = std::chrono::duration_cast<std::chrono::seconds>(age);
  if (age.count() < 0) {
    age = age.zero();
    out->age = std::chrono::seconds(0);
  }
  out->proc_readable = ProcIsReadable();
  if (!out->proc_readable) {
    out->held_open = false;
    out->process_in_repo = false;
    out->stale = age >= kBlindStaleLockAge;
    return true;
  }
  out->held_open = IsFileOpenByAnyProcess(path);
  out->process_in_repo = IsAnyOtherProcessInside(repo_root);
  // The old 10-minute rule still holds on its own: a user's shell sitting in the checkout must
  // not keep a dead fetch's lock forever.
  // Written before we were loaded and held by nobody: not the work of this daemon, so the
  // close-then-rename window does not apply (a restart right after a SIGKILL does not wait).
  bool quiet_long_enough = age >= kStaleLockAge || modified < kLoadedAt;
  out->stale = !out->held_open &&
               (age >= kBlindStaleLockAge || (quiet_long_enough && !out->process_in_repo));
  return true;
}

}  // namespace

std::vector<LockFile> FindLockFiles(const fs::path& git_dir,
                                    std::chrono::system_clock::time_point now) {
  // Canonical paths: /proc shows fd targets and cwds with symlinks resolved.
  const fs::path canonical_git_dir = Canonical(git_dir);
  const fs::path repo_root = RepoRootOf(canonical_git_dir);
  std::vector<fs::path> candidates;
  for (const char* name : {"index.lock", "shallow.lock", "config.lock", "HEAD.lock",
                           "packed-refs.lock", "FETCH_HEAD.lock", "ORIG_HEAD.lock"}) {
    candidates.push_back(canonical_git_dir / name);
  }
  std::error_code error;
  for (fs::recursive_directory_iterator it(canonical_git_dir / "refs", error), end;
       !error && it != end; it.increment(error)) {
    if (it->path().extension() == ".lock") {
      candidates.push_back(it->path());
    }
  }
  std::vector<LockFile> locks;
  for (const fs::path& candidate : candidates) {
    LockFile lock;
    if (DescribeLock(candidate, repo_root, now, &lock)) {
      locks.push_back(lock);
    }
  }
  return locks;
}

std::chrono::system_clock::time_point ModuleLoadTime() { return kLoadedAt; }

bool RemoveStaleLock(const LockFile& lock) {
  LockFile fresh;
  if (!DescribeLock(lock.path, lock.repo_root, std::chrono::system_clock::now(), &fresh) ||
      !fresh.stale) {
    return false;
  }
  std::error_code error;
  return fs::remove(lock.path, error);
}

bool IsFileOpenByAnyProcess(const fs::path& path) {
  std::error_code error;
  for (fs::directory_iterator process("/proc", error), end; !error && process != end;
       process.increment(error)) {
    if (!IsPidName(process->path().filename().string())) {
      continue;
    }
    std::error_code fd_error;
    for (fs::directory_iterator fd(process->path() / "fd", fd_error), fd_end;
         !fd_error && fd != fd_end; fd.increment(fd_error)) {
      std::error_code link_error;
      fs::path target = fs::read_symlink(fd->path(), link_error);
      if (!link_error && target == path) {
        return true;
      }
    }
  }
  return false;
}

bool IsAnyOtherProcessInside(const fs::path& dir) {
  const std::string self = std::to_string(getpid());
  std::error_code error;
  for (fs::directory_iterator process("/proc", error), end; !error && process != end;
       process.increment(error)) {
    const std::string pid = process->path().filename().string();
    if (!IsPidName(pid) || pid == self) {
      continue;
    }
    // A zombie's cwd link is unreadable: it runs nothing any more.
    std::error_code link_error;
    fs::path cwd = fs::read_symlink(process->path() / "cwd", link_error);
    if (!link_error && IsAtOrBelow(cwd, dir)) {
      return true;
    }
  }
  return false;
}

}  // namespace oxd::git
