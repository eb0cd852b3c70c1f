#pragma once
// Test support for IPC server tests. A raw-socket client: every call is bounded in time, so a
// broken server fails a test instead of hanging it. Deliberately independent of
// core/common/IpcClient.

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace oxd::testing {

struct Transcript {
  enum class End { Closed, Reset, TimedOut, Failed };
  std::vector<std::string> lines;  // complete lines, '\n' stripped
  std::string tail;                // bytes after the last '\n'
  End end = End::Failed;
  bool closedCleanly() const { return end == End::Closed || end == End::Reset; }
};

// A connected stream socket, closed on destruction.
class TestConnection {
 public:
  explicit TestConnection(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    timeval two_seconds{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &two_seconds, sizeof two_seconds);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~TestConnection() { close(); }
  TestConnection(const TestConnection&) = delete;
  TestConnection& operator=(const TestConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  void shutdownWrite() { ::shutdown(fd_, SHUT_WR); }

  // False when the peer refused part of it (closed, reset, or 2 s without progress).
  bool send(std::string_view bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Reads until the server closes the connection or `timeout` passes.
  Transcript readAll(std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
    Transcript transcript;
    std::string data;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[65536];
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        transcript.end = Transcript::End::TimedOut;
        break;
      }
      pollfd watch{fd_, POLLIN, 0};
      int ready = ::poll(&watch, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) continue;  // loops to the timeout check
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n > 0) {
        data.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0) {
        transcript.end = Transcript::End::Closed;
      } else if (errno == EAGAIN || errno == EINTR) {
        continue;
      } else {
        transcript.end = errno == ECONNRESET ? Transcript::End::Reset : Transcript::End::Failed;
      }
      break;
    }
    std::size_t start = 0;
    for (std::size_t newline; (newline = data.find('\n', start)) != std::string::npos;) {
      transcript.lines.push_back(data.substr(start, newline - start));
      start = newline + 1;
    }
    transcript.tail = data.substr(start);
    return transcript;
  }

 private:
  int fd_ = -1;
};

// One request, one transcript: what most tests need.
inline Transcript roundTrip(const std::string& path, std::string_view bytes,
                            std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
  TestConnection connection(path);
  if (!connection.connected()) return Transcript{};
  connection.send(bytes);
  return connection.readAll(timeout);
}

// Context switches of this process's IO threads: an idle loop must not accumulate any.
inline long ioThreadSwitches() {
  long total = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (!std::getline(comm, name) || name != "oxd-ipc") continue;
    std::ifstream status(task.path() / "status");
    for (std::string line; std::getline(status, line);) {
      if (line.find("ctxt_switches:") != std::string::npos) {
        total += std::stol(line.substr(line.find(':') + 1));
      }
    }
  }
  return total;
}

}  // namespace oxd::testing
