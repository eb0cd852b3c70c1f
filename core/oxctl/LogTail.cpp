#include "oxctl/LogTail.h"

#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "oxctl/Cli.h"
#include "oxctl/Output.h"

namespace oxd::cli {
namespace {

constexpr std::size_t kChunk = 64 * 1024;

std::string errnoText() { return std::strerror(errno); }

// Copies fd from its current position to EOF onto stdout; returns the new position.
off_t drain(int fd, off_t offset) {
  char buffer[kChunk];
  for (;;) {
    ssize_t got = ::pread(fd, buffer, sizeof buffer, offset);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    std::fwrite(buffer, 1, static_cast<std::size_t>(got), stdout);
    offset += got;
  }
  std::fflush(stdout);
  return offset;
}

}  // namespace

std::string lastLines(int fd, std::size_t count, off_t& end) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) throw CommandError("cannot stat the log: " + errnoText());
  end = info.st_size;
  if (count == 0 || end == 0) return "";
  off_t start = end;
  std::size_t newlines = 0;
  std::vector<char> buffer(kChunk);
  bool found = false;
  while (start > 0 && !found) {
    off_t chunk_start = start > static_cast<off_t>(kChunk) ? start - static_cast<off_t>(kChunk) : 0;
    auto size = static_cast<std::size_t>(start - chunk_start);
    ssize_t got = ::pread(fd, buffer.data(), size, chunk_start);
    if (got != static_cast<ssize_t>(size))
      throw CommandError("cannot read the log: " + errnoText());
    for (std::size_t i = size; i-- > 0;) {
      if (buffer[i] != '\n') continue;
      // The newline that ends the file closes the last line; it does not start one.
      if (chunk_start + static_cast<off_t>(i) == end - 1) continue;
      if (++newlines == count) {
        start = chunk_start + static_cast<off_t>(i) + 1;
        found = true;
        break;
      }
    }
    if (!found) start = chunk_start;
  }
  std::string text(static_cast<std::size_t>(end - start), '\0');
  ssize_t got = ::pread(fd, text.data(), text.size(), start);
  if (got < 0) throw CommandError("cannot read the log: " + errnoText());
  text.resize(static_cast<std::size_t>(got));
  return text;
}

void followFile(const std::filesystem::path& path, int fd, off_t offset) {
  int watcher = ::inotify_init1(IN_CLOEXEC);
  if (watcher < 0) throw CommandError("inotify_init1 failed: " + errnoText());
  std::string directory = path.parent_path().string();
  // The directory, not the file: a rotation replaces the file, and the new one must be seen.
  if (::inotify_add_watch(watcher, directory.c_str(),
                          IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                              IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF) < 0) {
    throw CommandError("cannot watch " + directory + ": " + errnoText());
  }
  alignas(inotify_event) char events[4096];
  for (;;) {
    offset = drain(fd, offset);
    struct stat open_file {};
    struct stat named_file {};
    ::fstat(fd, &open_file);
    if (::stat(path.c_str(), &named_file) == 0) {
      if (named_file.st_ino != open_file.st_ino || named_file.st_dev != open_file.st_dev) {
        int next = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (next >= 0) {
          ::close(fd);
          fd = next;
          offset = 0;
          printErr("oxctl: " + path.string() + " was rotated; following the new file");
          continue;
        }
      } else if (open_file.st_size < offset) {
        offset = 0;
        printErr("oxctl: " + path.string() + " was truncated; following from its start");
        continue;
      }
    }
    ssize_t got = ::read(watcher, events, sizeof events);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) throw CommandError("lost the watch on " + directory + ": " + errnoText());
    for (char* at = events; at < events + got;) {
      const auto* event = reinterpret_cast<const inotify_event*>(at);
      if (event->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
        drain(fd, offset);
        throw CommandError("the log directory " + directory + " was removed or moved");
      }
      at += sizeof(inotify_event) + event->len;
    }
  }
}

}  // namespace oxd::cli
