#include "git/LockFiles.h"

#include <sys/stat.h>

#include <system_error>

namespace oxd::sync::git {
namespace fs = std::filesystem;

namespace {

bool DescribeLock(const fs::path& path, std::chrono::system_clock::time_point now,
                  std::chrono::seconds stale_age, LockFile* out) {
  struct stat info {};
  if (lstat(path.c_str(), &info) != 0) {
    return false;
  }
  auto modified = std::chrono::system_clock::from_time_t(info.st_mtim.tv_sec);
  out->path = path;
  out->age = std::chrono::duration_cast<std::chrono::seconds>(now - modified);
  if (out->age.count() < 0) {
    out->age = std::chrono::seconds(0);
  }
  out->held_open = IsFileOpenByAnyProcess(path);
  out->stale = out->age >= stale_age && !out->held_open;
  return true;
}

}  // namespace

std::vector<LockFile> FindLockFiles(const fs::path& git_dir,
                                    std::chrono::system_clock::time_point now,
                                    std::chrono::seconds stale_age) {
  std::vector<fs::path> candidates;
  for (const char* name :
       {"index.lock", "shallow.lock", "config.lock", "HEAD.lock", "packed-refs.lock"}) {
    candidates.push_back(git_dir / name);
  }
  std::error_code error;
  for (fs::recursive_directory_iterator it(git_dir / "refs", error), end; !error && it != end;
       it.increment(error)) {
    if (it->path().extension() == ".lock") {
      candidates.push_back(it->path());
    }
  }
  std::vector<LockFile> locks;
  for (const fs::path& candidate : candidates) {
    LockFile lock;
    if (DescribeLock(fs::absolute(candidate), now, stale_age, &lock)) {
      locks.push_back(lock);
    }
  }
  return locks;
}

bool RemoveStaleLock(const LockFile& lock, std::chrono::seconds stale_age) {
  LockFile fresh;
  if (!DescribeLock(lock.path, std::chrono::system_clock::now(), stale_age, &fresh) ||
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
    const std::string pid = process->path().filename().string();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) {
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

}  // namespace oxd::sync::git
