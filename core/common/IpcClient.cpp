#include "common/IpcClient.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <thread>
#include <utility>

namespace oxd::ipc {
namespace {

using Clock = std::chrono::steady_clock;
using Kind = ClientError::Kind;

// Every wait is bounded by one deadline, so a daemon that trickles bytes cannot hold the client
// longer than the caller allowed; only a progress line moves the deadline on.
class Deadline {
 public:
  explicit Deadline(std::chrono::milliseconds budget) : budget_(budget) { reset(); }
  void reset() { end_ = Clock::now() + budget_; }
  // Milliseconds left for poll(), rounded up so that a sub-millisecond rest still waits.
  int remainingMs() const {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(end_ - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
  }
  std::chrono::milliseconds budget() const { return budget_; }

 private:
  std::chrono::milliseconds budget_;
  Clock::time_point end_;
};

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

std::string errnoText(int error) { return std::strerror(error); }

[[noreturn]] void timedOut(const Deadline& deadline, std::string_view waiting_for) {
  throw ClientError(Kind::Unresponsive, "no " + std::string(waiting_for) + " from daemon within " +
                                            std::to_string(deadline.budget().count()) + " ms");
}

// Returns false when the deadline passed first.
bool waitFor(int fd, short events, const Deadline& deadline) {
  for (;;) {
    pollfd entry{fd, events, 0};
    int ready = ::poll(&entry, 1, deadline.remainingMs());
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR) throw ClientError(Kind::Unresponsive, "poll failed: " + errnoText(errno));
  }
}

Socket connectTo(const std::filesystem::path& path, const Deadline& deadline) {
  const std::string& text = path.native();
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (text.size() >= sizeof address.sun_path) {
    throw ClientError(Kind::NotRunning, "daemon not running (socket path too long: " + text + ")");
  }
  std::memcpy(address.sun_path, text.c_str(), text.size() + 1);

  Socket socket(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (socket.fd() < 0) {
    throw ClientError(Kind::Unresponsive, "cannot create socket: " + errnoText(errno));
  }
  for (;;) {
    if (::connect(socket.fd(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
      return socket;
    }
    int error = errno;
    if (error == EINTR) continue;
    if (error == ENOENT || error == ENOTDIR) {
      throw ClientError(Kind::NotRunning, "daemon not running (no socket at " + text + ")");
    }
    if (error == ECONNREFUSED) {
      throw ClientError(Kind::NotRunning,
                        "daemon not running (connection refused at " + text + ")");
    }
    // A non-blocking AF_UNIX connect reports a full accept backlog as EAGAIN instead of
    // waiting; the daemon is there but busy, so retry until the deadline.
    if (error == EAGAIN && deadline.remainingMs() > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    if (error == EAGAIN) timedOut(deadline, "accept");
    throw ClientError(Kind::Unresponsive, "cannot connect to " + text + ": " + errnoText(error));
  }
}

void writeAll(const Socket& socket, std::string_view bytes, const Deadline& deadline) {
  while (!bytes.empty()) {
    // MSG_NOSIGNAL: a daemon that hangs up must give us EPIPE, not kill oxctl with SIGPIPE.
    ssize_t sent = ::send(socket.fd(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent >= 0) {
      bytes.remove_prefix(static_cast<std::size_t>(sent));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!waitFor(socket.fd(), POLLOUT, deadline)) timedOut(deadline, "room for the request");
      continue;
    }
    if (errno == EPIPE || errno == ECONNRESET) {
      throw ClientError(Kind::Unresponsive,
                        "daemon closed the connection before reading the request");
    }
    throw ClientError(Kind::Unresponsive, "cannot send request: " + errnoText(errno));
  }
}

std::string requestLine(const nlohmann::json& message) {
  // dump() escapes every control character inside strings, so the only raw '\n' is the frame.
  std::string line = message.dump();
  line.push_back('\n');
  return line;
}

// Reads '\n'-framed lines, keeping what follows a line for the next call (a daemon may send
// several lines in one segment, or one line over many).
class LineReader {
 public:
  explicit LineReader(const Socket& socket) : socket_(socket) {}

  std::string next(const Deadline& deadline) {
    for (;;) {
      std::size_t newline = buffer_.find('\n', scanned_);
      if (newline != std::string::npos) {
        if (newline > IpcClient::kMaxLine) tooLarge();
        std::string line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        scanned_ = 0;
        return line;
      }
      scanned_ = buffer_.size();
      if (buffer_.size() > IpcClient::kMaxLine) tooLarge();
      fill(deadline);
    }
  }

 private:
  [[noreturn]] static void tooLarge() {
    throw ClientError(Kind::Unresponsive,
                      "reply too large (over " + std::to_string(IpcClient::kMaxLine) + " bytes)");
  }

  void fill(const Deadline& deadline) {
    char chunk[64 * 1024];
    for (;;) {
      ssize_t got = ::recv(socket_.fd(), chunk, sizeof chunk, 0);
      if (got > 0) {
        buffer_.append(chunk, static_cast<std::size_t>(got));
        return;
      }
      if (got == 0) {
        throw ClientError(Kind::Unresponsive, "daemon closed the connection without a reply");
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (!waitFor(socket_.fd(), POLLIN, deadline)) timedOut(deadline, "reply");
        continue;
      }
      if (errno == ECONNRESET) {
        throw ClientError(Kind::Unresponsive, "daemon closed the connection without a reply");
      }
      throw ClientError(Kind::Unresponsive, "cannot read reply: " + errnoText(errno));
    }
  }

  const Socket& socket_;
  std::string buffer_;
  std::size_t scanned_ = 0;  // bytes of buffer_ already known to hold no '\n'
};

// A short, printable excerpt of a bad line for the error message.
std::string excerpt(const std::string& line) {
  constexpr std::size_t kMax = 80;
  std::string out;
  for (char c : line.substr(0, kMax)) {
    auto byte = static_cast<unsigned char>(c);
    out.push_back(byte >= 0x20 && byte < 0x7f ? c : '?');
  }
  if (line.size() > kMax) out += "...";
  return out;
}

nlohmann::json parseReply(const std::string& line) {
  nlohmann::json reply = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (reply.is_discarded()) {
    throw ClientError(Kind::Unresponsive, "invalid reply from daemon: " + excerpt(line));
  }
  if (!reply.is_object()) {
    throw ClientError(Kind::Unresponsive,
                      "invalid reply from daemon (not an object): " + excerpt(line));
  }
  return reply;
}

}  // namespace

nlohmann::json IpcClient::request(const nlohmann::json& message,
                                  std::chrono::milliseconds idle_timeout,
                                  const ProgressCallback& on_progress) const {
  Deadline deadline(idle_timeout);
  Socket socket = connectTo(socket_, deadline);
  writeAll(socket, requestLine(message), deadline);
  LineReader reader(socket);
  for (;;) {
    nlohmann::json reply = parseReply(reader.next(deadline));
    if (!reply.contains("progress")) return reply;
    deadline.reset();
    if (on_progress) on_progress(reply);
  }
}

void IpcClient::sendOneWay(const nlohmann::json& message, std::chrono::milliseconds timeout) const {
  Deadline deadline(timeout);
  Socket socket = connectTo(socket_, deadline);
  writeAll(socket, requestLine(message), deadline);
}

}  // namespace oxd::ipc
