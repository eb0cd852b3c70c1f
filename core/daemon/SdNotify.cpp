#include "daemon/SdNotify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace oxd::core::sdnotify {

bool send(const std::string& state) {
  const char* target = std::getenv("NOTIFY_SOCKET");
  if (!target || !*target) return false;
  std::string path = target;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path || (path[0] != '/' && path[0] != '@')) return false;
  std::memcpy(address.sun_path, path.data(), path.size());
  if (path[0] == '@') address.sun_path[0] = '\0';
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  bool sent =
      ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&address),
               length) == static_cast<ssize_t>(state.size());
  ::close(fd);
  return sent;
}

bool ready(const std::string& status) { return send("READY=1\nSTATUS=" + status); }

bool reloading() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  long long usec = static_cast<long long>(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
  return send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

bool stopping() { return send("STOPPING=1"); }
bool watchdog() { return send("WATCHDOG=1"); }

std::optional<std::chrono::microseconds> watchdogInterval() {
  const char* usec = std::getenv("WATCHDOG_USEC");
  if (!usec || !*usec) return std::nullopt;
  const char* pid = std::getenv("WATCHDOG_PID");
  if (pid && *pid && std::atol(pid) != static_cast<long>(::getpid())) return std::nullopt;
  long long value = std::atoll(usec);
  if (value <= 0) return std::nullopt;
  return std::chrono::microseconds(value / 2);
}

}  // namespace oxd::core::sdnotify
