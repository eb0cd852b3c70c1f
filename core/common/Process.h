#pragma once
// Process liveness, the way the Go daemon checks it (kill with signal 0). Header-only, no Poco;
// thread-safe.

#include <sys/types.h>

#include <cerrno>
#include <csignal>

namespace oxd::process {

// True unless the process is confirmed gone (ESRCH). EPERM means it exists but belongs to
// someone else, which still counts as alive. pid <= 0 is never a real single process (0 and
// negative values address process groups), so it is reported dead.
// A zombie (exited, not yet reaped) still counts as alive, as it does for the Go daemon.
inline bool isAlive(pid_t pid) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) == 0) return true;
  return errno != ESRCH;
}

}  // namespace oxd::process
