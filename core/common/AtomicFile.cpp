#include "common/AtomicFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <system_error>

namespace oxd::files {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& step, const fs::path& path, int error) {
  throw std::system_error(error, std::generic_category(), step + " " + path.string());
}

// Unique per process and per call, so concurrent writers never share (and clobber) a temp file.
fs::path tempSibling(const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  return path.parent_path() / (path.filename().string() + "." + std::to_string(::getpid()) + "." +
                               std::to_string(counter++) + ".tmp");
}

void writeAll(int fd, std::string_view contents, const fs::path& temp) {
  while (!contents.empty()) {
    ssize_t written = ::write(fd, contents.data(), contents.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", temp, errno);
    }
    contents.remove_prefix(static_cast<std::size_t>(written));
  }
}

// The rename is only durable once the directory entry is on disk too. Best effort: some file
// systems refuse fsync on a directory, and the data itself is already safe.
void syncDirectory(const fs::path& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

// Made with 0700 here rather than by fs::create_directories, which would use 0777 minus the
// umask: state directories must never be group- or world-readable.
void makeMissingDirs(const fs::path& dir) {
  if (dir.empty()) return;
  struct stat info {};
  if (::stat(dir.c_str(), &info) == 0) return;
  makeMissingDirs(dir.parent_path());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    fail("cannot create directory", dir, errno);
}

void writeAtomically(const fs::path& path, std::string_view contents, mode_t mode) {
  makeMissingDirs(path.parent_path());
  fs::path temp = tempSibling(path);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) fail("cannot create", temp, errno);
  try {
    // The umask may have stripped bits from `mode`; the file must have exactly `mode`.
    if (::fchmod(fd, mode) != 0) fail("cannot set mode of", temp, errno);
    writeAll(fd, contents, temp);
    if (::fsync(fd) != 0) fail("cannot sync", temp, errno);
    int closed = ::close(fd);
    fd = -1;
    if (closed != 0) fail("cannot close", temp, errno);
    if (::rename(temp.c_str(), path.c_str()) != 0) fail("cannot rename onto", path, errno);
  } catch (...) {
    if (fd >= 0) ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  syncDirectory(path.parent_path());
}

std::optional<std::string> readWhole(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail("cannot open", path, errno);
  }
  std::string out;
  try {
    struct stat info {};
    if (::fstat(fd, &info) != 0) fail("cannot stat", path, errno);
    if (!S_ISREG(info.st_mode)) fail("not a regular file:", path, EINVAL);
    char buffer[16384];
    for (;;) {
      ssize_t got = ::read(fd, buffer, sizeof buffer);
      if (got < 0) {
        if (errno == EINTR) continue;
        fail("cannot read", path, errno);
      }
      if (got == 0) break;
      out.append(buffer, static_cast<std::size_t>(got));
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return out;
}

}  // namespace oxd::files
