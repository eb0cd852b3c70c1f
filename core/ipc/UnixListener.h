#pragma once
// The listening Unix socket file: created 0600 from its first instant, removed only while it is
// still ours. Linux only (relies on the socket inode's mode being the bound file's mode).

#include <sys/types.h>

#include <filesystem>

namespace oxd::core {

struct UnixListener {
  int fd = -1;  // non-blocking, close-on-exec, listening
  dev_t device = 0;
  ino_t inode = 0;
};

// Replaces any file at `path`, binds, listens. The parent directory must exist. Throws
// std::runtime_error naming the path and the failing step.
UnixListener listenOnUnixSocket(const std::filesystem::path& path);

// Takes over `fd`, a listening socket already bound to `path` (inherited across exec). Throws
// std::runtime_error when `path` is gone.
UnixListener adoptUnixListener(const std::filesystem::path& path, int fd);

// Unlinks `path` if it is still the file `listener` created: a successor daemon may have put its
// own socket there meanwhile (docs/behavior.md#one-daemon-per-workspace), and that one must survive
// our shutdown.
void removeSocketFileIfOurs(const std::filesystem::path& path, const UnixListener& listener);

}  // namespace oxd::core
