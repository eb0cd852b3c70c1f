#pragma once
// The daemon's IPC server: NDJSON over a Unix socket, one request per connection
// (docs/protocol.md).
//
// Threads: one IO thread (started by start()) accepts, reads first lines, decodes, calls the
// message hook and runs `run_inline` routes. Every other handler, one-way handler and any reply
// too slow to write without blocking goes to the WorkerPool, as a job of the route's owner (a
// plugin's share of the workers, or the core's lane for built-ins). The IO thread never blocks on a
// client: a client that never finishes its line is closed at its first-line deadline, and one
// that does not read its reply costs a worker at most a bounded write deadline.
//
// Lifetime: the Router, the WorkerPool and the hook must outlive stop(). stop() must run before
// the WorkerPool stops (a handler still queued there is one stop() waits for).
//
// start() and stop() are called from one controlling thread; openConnections() from any.

#include "common/Mutex.h"
#include "host/Router.h"
#include "ipc/Protocol.h"
#include "ipc/UnixListener.h"
#include "runtime/WorkerPool.h"

#include <oxd/message.h>

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace oxd::core {

using SteadyClock = std::chrono::steady_clock;

struct IpcServerOptions {
  std::filesystem::path socket_path;
  std::size_t max_connections = 100;  // counting those whose handler still runs on a worker
  std::size_t max_line = 1 << 20;     // bytes, '\n' excluded; longer → closed without a reply
  std::chrono::milliseconds first_line_deadline{5000};
  std::chrono::milliseconds progress_write_deadline{100};
  std::chrono::milliseconds reply_write_deadline{5000};
  // A listening socket already bound to socket_path, inherited from the previous image of
  // this daemon across an upgrade's exec (daemon/Reexec.h); -1 to create the socket.
  int inherited_listen_fd = -1;
};

class IpcServer {
 public:
  // Called on the IO thread for every well-formed message, before routing (activity clock,
  // workspace-id warning). Must be cheap and must not block; exceptions are logged and ignored.
  using MessageHook = std::function<void(const sdk::Request&)>;

  IpcServer(IpcServerOptions options, Router& router, WorkerPool& workers, MessageHook hook);
  ~IpcServer();  // stop()
  IpcServer(const IpcServer&) = delete;
  IpcServer& operator=(const IpcServer&) = delete;

  // Creates the socket and starts serving. The parent directory must already exist (the daemon
  // makes it 0700). An existing file at the path is replaced. The socket is created 0600.
  // Throws std::runtime_error naming the path on failure; may be called once.
  void start();
  // Stops accepting, closes connections still waiting for their first line, waits for every
  // handler in flight (each finishes and writes its reply), then unlinks the socket file — unless
  // another process has replaced it meanwhile. Idempotent; no-op before start().
  void stop();
  // Like stop(), but for an exec into an upgraded binary: the listening socket stays open and
  // its file in place, so connections keep queueing in its backlog for the next image. Returns
  // the listening descriptor (the caller hands it over); -1 before start().
  int stopKeepingListener();

  std::size_t openConnections() const { return open_.load(std::memory_order_relaxed); }
  const std::filesystem::path& socketPath() const { return options_.socket_path; }

 private:
  // A connection in the epoll set, waiting for the rest of its first line. IO thread only.
  struct Pending {
    std::uint64_t serial = 0;  // tells a reused fd number from the connection it replaced
    std::string buffer;        // bytes of the first line received so far
  };
  struct Deadline {
    SteadyClock::time_point when;
    int fd;
    std::uint64_t serial;
  };
  class Ticket;  // an fd or a one-way job handed to a worker; counted until it is done

  void loop();
  void acceptOne();
  void serveAccepted(int fd);
  void onReadable(int fd);
  enum class ReadResult { Waiting, Line, Close };
  // Reads what is available into `buffer`. On Line, `line` views the first line ('\n'
  // excluded) inside read_chunk_ or `buffer`, valid until the next read. Close: EOF, error or
  // a line longer than max_line.
  ReadResult readFirstLine(int fd, std::string& buffer, std::string_view& line);
  // Wakes and joins the IO thread, waits for the replies in flight, closes epoll and the wake fd.
  void endLoop();
  void dispatch(int fd, bool registered, std::string_view line);
  void dispatchToWorker(int fd, bool registered, RoutePtr route, sdk::Request request);
  void dispatchOneWay(int fd, bool registered, RoutePtr route, DecodedRequest decoded);
  // A quick one-way route's handler, here on the IPC thread (Host::handleQuickOneWay).
  void runQuickOneWay(int fd, bool registered, const Route& route, const DecodedRequest& decoded);
  void replyAndClose(int fd, bool registered, std::string bytes);
  void refuseWrongUser(int fd, uid_t uid);
  void closeConnection(int fd);
  void closePending(int fd);
  void expireDeadlines(SteadyClock::time_point now);
  int waitTimeoutMs(SteadyClock::time_point now);
  void setListenerArmed(bool armed);
  void unregister(int fd);

  void enterInflight() EXCLUDES(inflight_mutex_);
  void leaveInflight() EXCLUDES(inflight_mutex_);

  const IpcServerOptions options_;
  Router& router_;
  WorkerPool& workers_;
  const MessageHook hook_;
  const uid_t own_uid_;

  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  UnixListener listener_;
  std::thread io_thread_;
  bool started_ = false;  // controlling thread only
  bool stopped_ = false;  // controlling thread only

  std::atomic<bool> stopping_{false};
  std::atomic<bool> keep_listener_{false};
  std::atomic<std::size_t> open_{0};

  Mutex inflight_mutex_;
  CondVar inflight_idle_;
  std::size_t inflight_ GUARDED_BY(inflight_mutex_) = 0;

  // IO thread only.
  std::unordered_map<int, Pending> pending_;
  std::deque<Deadline> deadlines_;  // in accept order, so sorted; stale entries popped lazily
  std::uint64_t next_serial_ = 1;
  std::vector<char> read_chunk_;
  bool listener_armed_ = true;
  std::chrono::milliseconds accept_backoff_{0};
  SteadyClock::time_point accept_resume_{};
};

}  // namespace oxd::core
