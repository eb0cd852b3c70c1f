#include "daemon/InstanceLock.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>
#include <thread>

namespace oxd::core {
namespace fs = std::filesystem;

bool processAlive(int pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

bool isOxdProcess(int pid) {
  std::ifstream input("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string first;
  std::getline(input, first, '\0');
  return fs::path(first).filename() == "oxd";
}

namespace {

int readPid(int fd) {
  char buffer[32] = {};
  ssize_t length = ::pread(fd, buffer, sizeof buffer - 1, 0);
  return length > 0 ? std::atoi(buffer) : 0;
}

bool tryLock(int fd) { return ::flock(fd, LOCK_EX | LOCK_NB) == 0; }

std::chrono::seconds fileAge(int fd) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return std::chrono::seconds(0);
  return std::chrono::seconds(::time(nullptr) - info.st_mtime);
}

// The lock must be on the file the path names now: a daemon that exits unlinks its pid file,
// and a starter that locked the unlinked inode would otherwise run beside a third one.
bool lockedFileIsCurrent(int fd, const fs::path& path) {
  struct stat held {
  }, current{};
  return ::fstat(fd, &held) == 0 && ::stat(path.c_str(), &current) == 0 &&
         held.st_ino == current.st_ino && held.st_dev == current.st_dev;
}

int acquireOnce(const InstanceLock::Options& options) {
  int fd = ::open(options.pid_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::system_error(errno, std::generic_category(),
                            "cannot open pid file " + options.pid_file.string());
  }
  if (!tryLock(fd)) {
    int holder = readPid(fd);
    std::string where =
        " (pid " + std::to_string(holder) + ", socket " + options.socket.string() + ")";
    if (options.holder_answers && options.holder_answers()) {
      ::close(fd);
      throw AlreadyRunning("oxd is already running for this workspace" + where);
    }
    if (fileAge(fd) < options.starting_grace) {
      ::close(fd);
      throw AlreadyRunning("oxd is already starting for this workspace" + where);
    }
    if (holder > 0 && isOxdProcess(holder)) {
      ::kill(holder, SIGTERM);
      ::kill(holder, SIGCONT);  // a stopped process cannot act on SIGTERM until continued
    }
    auto deadline = std::chrono::steady_clock::now() + options.term_wait;
    while (!tryLock(fd)) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::close(fd);
        throw std::runtime_error("stale daemon " + std::to_string(holder) +
                                 " did not exit after SIGTERM");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  if (!lockedFileIsCurrent(fd, options.pid_file)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

InstanceLock InstanceLock::acquire(const Options& options) {
  int fd = -1;
  for (int attempt = 0; attempt < 5 && fd < 0; ++attempt) fd = acquireOnce(options);
  if (fd < 0) throw std::runtime_error("cannot lock pid file " + options.pid_file.string());
  std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    int error = errno;
    ::close(fd);
    throw std::system_error(error, std::generic_category(),
                            "cannot write pid file " + options.pid_file.string());
  }
  return InstanceLock(fd, options.pid_file);
}

InstanceLock InstanceLock::adopt(int fd, const fs::path& pid_file) {
  // flock on the description we already hold succeeds at once; on any other it would fail.
  if (!tryLock(fd) || !lockedFileIsCurrent(fd, pid_file)) {
    ::close(fd);
    throw std::runtime_error("the inherited instance lock is not " + pid_file.string());
  }
  return InstanceLock(fd, pid_file);
}

InstanceLock::InstanceLock(InstanceLock&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

void InstanceLock::abandon() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

InstanceLock::~InstanceLock() {
  if (fd_ < 0) return;
  std::error_code ignored;
  fs::remove(path_, ignored);  // while still locked, so no newcomer's file is removed
  ::close(fd_);
}

}  // namespace oxd::core
