#include "ipc/UnixListener.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

namespace oxd::core {

UnixListener listenOnUnixSocket(const std::filesystem::path& path) {
  const std::string text = path.string();
  UnixListener listener;
  auto fail = [&](const std::string& what, int error) {
    if (listener.fd >= 0) ::close(listener.fd);
    throw std::runtime_error("cannot create IPC socket " + text + ": " + what +
                             (error ? ": " + std::system_category().message(error) : ""));
  };
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (text.empty() || text.size() >= sizeof address.sun_path) {
    fail("the path is " + std::to_string(text.size()) + " bytes, the limit is " +
             std::to_string(sizeof address.sun_path - 1),
         0);
  }
  std::memcpy(address.sun_path, text.data(), text.size());
  listener.fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listener.fd < 0) fail("socket", errno);
  // Linux gives the bound file the socket inode's mode less the umask. Setting that mode here
  // makes the socket 0600 from its first instant without changing the process-wide umask, which
  // file creations on other threads would race with.
  if (::fchmod(listener.fd, 0600) != 0) fail("fchmod", errno);
  if (::unlink(text.c_str()) != 0 && errno != ENOENT)
    fail("cannot remove the existing file", errno);
  if (::bind(listener.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    fail("bind", errno);
  }
  struct stat info {};
  if (::chmod(text.c_str(), 0600) != 0 || ::stat(text.c_str(), &info) != 0) fail("chmod", errno);
  listener.device = info.st_dev;
  listener.inode = info.st_ino;
  if (::listen(listener.fd, SOMAXCONN) != 0) {
    ::unlink(text.c_str());
    fail("listen", errno);
  }
  return listener;
}

UnixListener adoptUnixListener(const std::filesystem::path& path, int fd) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    int error = errno;
    ::close(fd);
    throw std::runtime_error("inherited IPC socket " + path.string() +
                             " is gone: " + std::system_category().message(error));
  }
  UnixListener listener;
  listener.fd = fd;
  listener.device = info.st_dev;
  listener.inode = info.st_ino;
  return listener;
}

void removeSocketFileIfOurs(const std::filesystem::path& path, const UnixListener& listener) {
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && info.st_dev == listener.device &&
      info.st_ino == listener.inode) {
    ::unlink(path.c_str());
  }
}

}  // namespace oxd::core
