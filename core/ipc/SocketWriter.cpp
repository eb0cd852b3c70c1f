#include "ipc/SocketWriter.h"

#include "ipc/Protocol.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

namespace oxd::core {

namespace {

int millisecondsUntil(SteadyClock::time_point deadline) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

WriteResult writeUntil(int fd, std::string_view bytes, SteadyClock::time_point deadline) {
  WriteResult result;
  while (result.written < bytes.size()) {
    ssize_t sent = ::send(fd, bytes.data() + result.written, bytes.size() - result.written,
                          MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent > 0) {
      result.written += static_cast<std::size_t>(sent);
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      int wait = millisecondsUntil(deadline);
      if (wait == 0) {
        result.status = WriteResult::Status::TimedOut;
        return result;
      }
      pollfd watch{fd, POLLOUT, 0};
      int ready = ::poll(&watch, 1, wait);
      if (ready < 0 && errno != EINTR) return result;  // Failed
      if (ready > 0 && (watch.revents & (POLLERR | POLLHUP | POLLNVAL))) return result;
      continue;
    }
    return result;  // EPIPE, ECONNRESET, …: the peer is gone
  }
  result.status = WriteResult::Status::Complete;
  return result;
}

bool peerHungUp(int fd) {
  pollfd watch{fd, 0, 0};
  if (::poll(&watch, 1, 0) <= 0) return false;
  return (watch.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

SocketProgress::SocketProgress(int fd, const std::atomic<bool>& server_stopping,
                               Deadlines deadlines)
    : fd_(fd), server_stopping_(server_stopping), deadlines_(deadlines) {}

void SocketProgress::stage(std::string_view stage, std::string_view message) {
  send(encodeProgress(stage, std::nullopt, message));
}

void SocketProgress::percent(std::string_view stage, int percent, std::string_view message) {
  send(encodeProgress(stage, percent, message));
}

bool SocketProgress::cancelled() const {
  return broken_ || server_stopping_.load(std::memory_order_relaxed) || peerHungUp(fd_);
}

void SocketProgress::send(std::string_view line) {
  if (broken_) return;
  auto started = SteadyClock::now();
  // Once a line was dropped, later ones get no wait until one goes through again: a stalled
  // client must not slow a chatty handler down to ten lines a second.
  WriteResult result = writeUntil(fd_, line, stalled_ ? started : started + deadlines_.line);
  if (result.status == WriteResult::Status::Complete) {
    stalled_ = false;
    return;
  }
  if (result.status == WriteResult::Status::Failed) {
    broken_ = true;
    return;
  }
  if (result.written == 0) {  // slow reader: this line is skipped, the stream stays whole
    stalled_ = true;
    return;
  }
  stalled_ = false;
  // Dropping the rest of a half-written line would glue garbage onto the next one; finish it.
  WriteResult rest = writeUntil(fd_, line.substr(result.written), started + deadlines_.finish);
  if (rest.status != WriteResult::Status::Complete) broken_ = true;
}

}  // namespace oxd::core
