#pragma once
// Writing to a client socket from a worker thread: bounded in time, never blocking forever on a
// client that does not read, never raising SIGPIPE. The socket stays non-blocking (the IO thread
// made it so); waits are poll()s with a deadline.
//
// Not thread-safe: a SocketProgress is used by the one handler call that owns the connection.

#include <oxd/message.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string_view>

namespace oxd::core {

using SteadyClock = std::chrono::steady_clock;

struct WriteResult {
  enum class Status { Complete, TimedOut, Failed };
  Status status = Status::Failed;
  std::size_t written = 0;
};

// Writes all of `bytes` unless the deadline passes or the peer is gone.
WriteResult writeUntil(int fd, std::string_view bytes, SteadyClock::time_point deadline);

// True when the peer has closed its end completely (or the socket is in error). A peer that only
// half-closed (shutdown(SHUT_WR), as `nc -N` does) still reads the reply, so that is not a hang-up.
bool peerHungUp(int fd);

// Streams progress lines for one handler call (docs/protocol.md#progress-lines: best effort, 100 ms
// write deadline).
class SocketProgress final : public sdk::Progress {
 public:
  struct Deadlines {
    std::chrono::milliseconds line{100};     // a progress line not started by then is dropped
    std::chrono::milliseconds finish{5000};  // a line already half-written must be completed
  };
  SocketProgress(int fd, const std::atomic<bool>& server_stopping, Deadlines deadlines);

  void stage(std::string_view stage, std::string_view message) override;
  void percent(std::string_view stage, int percent, std::string_view message) override;
  bool cancelled() const override;

  // A line was torn (partly written, then the peer stalled or left): the stream is unusable and
  // no further line, the final reply included, may be written.
  bool broken() const { return broken_; }

 private:
  void send(std::string_view line);

  const int fd_;
  const std::atomic<bool>& server_stopping_;
  const Deadlines deadlines_;
  bool broken_ = false;
  bool stalled_ = false;  // the last line was dropped for want of room
};

}  // namespace oxd::core
