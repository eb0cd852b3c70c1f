#include "common/Spool.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "common/AtomicFile.h"

namespace oxd::spool {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what, const fs::path& file, int error) {
  throw std::runtime_error(what + " " + file.string() + ": " + std::strerror(error));
}

// Closes the fd (and so drops its flock) on every path out.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

void lockExclusive(int fd, const fs::path& file) {
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) fail("cannot lock", file, errno);
  }
}

// The locked fd must be the file the path names now: the daemon may have renamed it aside
// between our open and our lock.
bool isCurrent(int fd, const fs::path& file) {
  struct stat held {
  }, current{};
  return ::fstat(fd, &held) == 0 && ::stat(file.c_str(), &current) == 0 &&
         held.st_ino == current.st_ino && held.st_dev == current.st_dev;
}

void syncDirectory(const fs::path& dir) {
  Fd handle{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (handle.fd >= 0) ::fsync(handle.fd);
}

void writeAll(int fd, const std::string& bytes, const fs::path& file) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t wrote = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (wrote < 0) {
      if (errno == EINTR) continue;
      fail("cannot append to", file, errno);
    }
    done += static_cast<std::size_t>(wrote);
  }
}

// Reads `file` (already claimed: no new appender can open it by its old name) under its lock,
// after every appender that opened it before the claim has finished.
std::vector<std::string> readClaimed(const fs::path& file) {
  std::vector<std::string> lines;
  Fd handle{::open(file.c_str(), O_RDONLY | O_CLOEXEC)};
  if (handle.fd < 0) {
    if (errno == ENOENT) return lines;
    fail("cannot open", file, errno);
  }
  lockExclusive(handle.fd, file);
  std::string text;
  char chunk[64 * 1024];
  for (;;) {
    ssize_t got = ::read(handle.fd, chunk, sizeof chunk);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      fail("cannot read", file, errno);
    }
    text.append(chunk, static_cast<std::size_t>(got));
  }
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  // Removed before anything is replayed: a crash from here on loses lines, never repeats them.
  if (::unlink(file.c_str()) != 0 && errno != ENOENT) fail("cannot remove", file, errno);
  syncDirectory(file.parent_path());
  return lines;
}

}  // namespace

fs::path claimedPath(const fs::path& file) {
  fs::path claimed = file;
  claimed += ".replaying";
  return claimed;
}

AppendOutcome append(const fs::path& file, const std::string& line,
                     const std::function<bool()>& daemon_serving) {
  files::makeMissingDirs(file.parent_path());
  // Each retry means the file was claimed meanwhile, which a daemon does once per start: the
  // bound only guards against a loop that something else causes.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    Fd handle{::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)};
    if (handle.fd < 0) fail("cannot open", file, errno);
    lockExclusive(handle.fd, file);
    if (!isCurrent(handle.fd, file)) continue;
    if (daemon_serving && daemon_serving()) return AppendOutcome::DaemonServing;
    struct stat info {};
    if (::fstat(handle.fd, &info) != 0) fail("cannot stat", file, errno);
    if (static_cast<std::size_t>(info.st_size) + line.size() + 1 > kMaxSpoolBytes) {
      throw std::runtime_error("the spool " + file.string() + " is full (" +
                               std::to_string(kMaxSpoolBytes >> 20) +
                               " MiB): oxd has not started to replay it; see oxctl logs");
    }
    try {
      writeAll(handle.fd, line + "\n", file);
      if (::fsync(handle.fd) != 0) fail("cannot sync", file, errno);
    } catch (...) {
      // A torn line would be rejected at replay; cutting it off keeps the next append whole.
      [[maybe_unused]] int ignored = ::ftruncate(handle.fd, info.st_size);
      throw;
    }
    if (info.st_size == 0) syncDirectory(file.parent_path());  // a new file's name is durable too
    return AppendOutcome::Spooled;
  }
  throw std::runtime_error("cannot append to " + file.string() +
                           ": it kept being replaced while locking it");
}

std::vector<std::string> takeAll(const fs::path& file) {
  const fs::path claimed = claimedPath(file);
  // Left by a daemon that crashed after claiming and before removing it: none of it was
  // replayed yet (replay starts after the removal), so all of it is due.
  std::vector<std::string> lines = readClaimed(claimed);
  if (::rename(file.c_str(), claimed.c_str()) != 0) {
    if (errno == ENOENT) return lines;
    fail("cannot claim", file, errno);
  }
  for (std::string& line : readClaimed(claimed)) lines.push_back(std::move(line));
  return lines;
}

}  // namespace oxd::spool
