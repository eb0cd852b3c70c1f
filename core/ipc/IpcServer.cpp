#include "ipc/IpcServer.h"

#include "ipc/Protocol.h"
#include "ipc/SocketWriter.h"
#include "ipc/UnixListener.h"

#include <Poco/Logger.h>

#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <system_error>

// Why a raw epoll loop and not Poco::Net: SocketReactor polls with a timeout, so an idle daemon
// would still wake up (idle must mean no wake-ups), and TCPServer hands every accepted socket to
// a pool thread, which measured 2.5x the latency of a plain accept loop for `ping` — the request
// agent hooks send on every turn. One IO thread with accept4, an optimistic first read and inline
// core handlers keeps ping within ~1.15x the p50 of the C accept loop in tests/bench.

namespace oxd::core {

namespace {

using namespace std::chrono_literals;

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr int kMaxEvents = 64;
constexpr std::chrono::milliseconds kAcceptBackoffFirst = 100ms;
constexpr std::chrono::milliseconds kAcceptBackoffCap = 10s;
// A quick one-way handler records into memory in microseconds. One that waits past the budget
// this often blocks on something and would stall every client: it moves to the workers.
constexpr std::chrono::milliseconds kQuickOneWayBudget = 10ms;
constexpr int kQuickOneWaySlowCalls = 3;

Poco::Logger& logger() {
  static Poco::Logger& instance = Poco::Logger::get("oxd.ipc");
  return instance;
}

std::string errnoText(int error) { return std::system_category().message(error); }

// The calling thread's voluntary context switches: it went to sleep (a lock, I/O, a sleep) rather
// than being preempted, which on a loaded machine can stretch any handler past its budget.
long voluntaryContextSwitches() {
  rusage usage{};
  ::getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_nvcsw;
}

// Best effort, never blocks: used on the IO thread for short error replies.
void sendOnce(int fd, std::string_view bytes) {
  while (::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
         errno == EINTR) {
  }
}

}  // namespace

// An fd (or, for a one-way job, nothing but a place in the count) handed to a worker. stop()
// waits until every Ticket is gone; the destructor's last act is to release the server.
class IpcServer::Ticket {
 public:
  Ticket(IpcServer& server, int fd) : server_(server), fd_(fd) { server_.enterInflight(); }
  ~Ticket() {
    if (fd_ >= 0) {
      ::close(fd_);
      server_.open_.fetch_sub(1, std::memory_order_relaxed);
    }
    server_.leaveInflight();
  }
  Ticket(const Ticket&) = delete;
  Ticket& operator=(const Ticket&) = delete;
  int fd() const { return fd_; }

 private:
  IpcServer& server_;
  const int fd_;
};

IpcServer::IpcServer(IpcServerOptions options, Router& router, WorkerPool& workers,
                     MessageHook hook)
    : options_(std::move(options)),
      router_(router),
      workers_(workers),
      hook_(std::move(hook)),
      own_uid_(::geteuid()) {}

IpcServer::~IpcServer() { stop(); }

void IpcServer::start() {
  if (started_) throw std::logic_error("IpcServer::start called twice");
  const std::string where = " (IPC socket " + options_.socket_path.string() + ")";
  if (options_.inherited_listen_fd >= 0) {
    listener_ = adoptUnixListener(options_.socket_path, options_.inherited_listen_fd);
  } else {
    listener_ = listenOnUnixSocket(options_.socket_path);
  }
  listen_fd_ = listener_.fd;
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  bool registered = epoll_fd_ >= 0 && wake_fd_ >= 0;
  for (int fd : {listen_fd_, wake_fd_}) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    registered = registered && ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0;
  }
  if (!registered) {
    int error = errno;
    for (int* fd : {&listen_fd_, &epoll_fd_, &wake_fd_}) {
      if (*fd >= 0) ::close(*fd);
      *fd = -1;
    }
    removeSocketFileIfOurs(options_.socket_path, listener_);
    throw std::runtime_error("cannot set up the IPC event loop: " + errnoText(error) + where);
  }
  read_chunk_.resize(kReadChunk);
  io_thread_ = std::thread([this] { loop(); });
  started_ = true;
}

void IpcServer::stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  stopping_.store(true, std::memory_order_release);
  endLoop();
  removeSocketFileIfOurs(options_.socket_path, listener_);
}

int IpcServer::stopKeepingListener() {
  if (!started_ || stopped_) return -1;
  int listen_fd = listen_fd_;
  keep_listener_.store(true, std::memory_order_release);
  stopped_ = true;
  stopping_.store(true, std::memory_order_release);
  endLoop();
  return listen_fd;
}

void IpcServer::endLoop() {
  std::uint64_t one = 1;
  while (::write(wake_fd_, &one, sizeof one) < 0 && errno == EINTR) {
  }
  io_thread_.join();
  {
    MutexLock lock(inflight_mutex_);
    while (inflight_ != 0) inflight_idle_.wait(inflight_mutex_);
  }
  ::close(epoll_fd_);
  ::close(wake_fd_);
  epoll_fd_ = wake_fd_ = -1;
}

void IpcServer::enterInflight() {
  MutexLock lock(inflight_mutex_);
  ++inflight_;
}

void IpcServer::leaveInflight() {
  // Notify under the lock: once stop() sees zero it may destroy the server, condition included.
  MutexLock lock(inflight_mutex_);
  if (--inflight_ == 0) inflight_idle_.notifyAll();
}

void IpcServer::loop() {
  ::pthread_setname_np(::pthread_self(), "oxd-ipc");  // findable in top -H, perf and gdb
  epoll_event events[kMaxEvents];
  while (!stopping_.load(std::memory_order_acquire)) {
    int count = ::epoll_wait(epoll_fd_, events, kMaxEvents, waitTimeoutMs(SteadyClock::now()));
    if (count < 0) {
      if (errno == EINTR) continue;
      logger().critical("epoll_wait failed, IPC stops: %s", errnoText(errno));
      break;
    }
    for (int i = 0; i < count; ++i) {
      int fd = events[i].data.fd;
      try {
        if (fd == listen_fd_) {
          acceptOne();
        } else if (fd == wake_fd_) {
          std::uint64_t value;
          [[maybe_unused]] ssize_t ignored = ::read(wake_fd_, &value, sizeof value);
        } else {
          onReadable(fd);
        }
      } catch (const std::exception& exception) {
        // Only resource exhaustion (bad_alloc, thread creation) gets here; the loop must live on.
        logger().error("IPC event handling failed: %s", std::string(exception.what()));
      }
    }
    auto now = SteadyClock::now();
    expireDeadlines(now);
    if (!listener_armed_ && now >= accept_resume_) setListenerArmed(true);
  }
  if (keep_listener_.load(std::memory_order_acquire)) {
    // An exec follows: a client that connected and wrote its line is served now rather than
    // cut off (the next image serves only what is still in the backlog).
    std::vector<int> waiting;
    for (const auto& [fd, pending] : pending_) waiting.push_back(fd);
    for (int fd : waiting) {
      try {
        if (pending_.count(fd)) onReadable(fd);
      } catch (const std::exception& exception) {
        logger().error("IPC event handling failed: %s", std::string(exception.what()));
      }
    }
  } else {
    ::close(listen_fd_);
  }
  listen_fd_ = -1;
  for (auto& [fd, pending] : pending_) closeConnection(fd);
  pending_.clear();
  deadlines_.clear();
}

// One connection a wake-up rather than a loop until EAGAIN: connect-per-request clients rarely
// leave a second one queued, so the extra accept4 would mostly fail, and the listener is
// level-triggered, so epoll_wait reports it again at once when more are waiting.
void IpcServer::acceptOne() {
  int fd;
  do {
    fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  } while (fd < 0 && (errno == EINTR || errno == ECONNABORTED || errno == EPROTO));
  if (fd < 0) {
    int error = errno;
    if (error == EAGAIN || error == EWOULDBLOCK) return;
    // EMFILE, ENFILE, ENOBUFS, ENOMEM: the connection stays in the backlog and would wake epoll
    // again at once. Stop watching the listener for a while rather than spin
    // (docs/protocol.md#framing).
    accept_backoff_ = accept_backoff_.count() == 0
                          ? kAcceptBackoffFirst
                          : std::min(accept_backoff_ * 2, kAcceptBackoffCap);
    accept_resume_ = SteadyClock::now() + accept_backoff_;
    setListenerArmed(false);
    logger().warning("accept failed (%s), retrying in %ld ms", errnoText(error),
                     static_cast<long>(accept_backoff_.count()));
    return;
  }
  accept_backoff_ = std::chrono::milliseconds{0};
  if (open_.load(std::memory_order_relaxed) >= options_.max_connections) {
    ::close(fd);  // over the cap (docs/protocol.md#transport): closed at once without a reply
    return;
  }
  open_.fetch_add(1, std::memory_order_relaxed);
  serveAccepted(fd);
}

void IpcServer::serveAccepted(int fd) {
  ucred peer{};
  socklen_t length = sizeof peer;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0) {
    closeConnection(fd);
    return;
  }
  if (peer.uid != own_uid_) {
    refuseWrongUser(fd, peer.uid);
    return;
  }
  // Clients write their line right after connect(), and a Unix socket queues it before accept,
  // so it is usually here already: reading now saves an epoll round trip on the hot path.
  std::string buffer;
  std::string_view line;
  ReadResult result = readFirstLine(fd, buffer, line);
  if (result == ReadResult::Waiting && pending_.empty()) {
    // Not there yet: our wake-up has most likely preempted the client on this CPU between its
    // connect() and its write(). Yielding once lets it write and saves the registration, sleep
    // and wake-up that waiting in epoll costs (ping p50 went from 1.25x to 1.12x the C loop's
    // in tests/bench). Only when no other client waits on us: a busy loop keeps its CPU.
    ::sched_yield();
    result = readFirstLine(fd, buffer, line);
  }
  switch (result) {
    case ReadResult::Line:
      dispatch(fd, false, line);
      return;
    case ReadResult::Close:
      closeConnection(fd);
      return;
    case ReadResult::Waiting:
      break;
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = fd;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    closeConnection(fd);
    return;
  }
  Pending pending;
  pending.serial = next_serial_++;
  pending.buffer = std::move(buffer);
  auto deadline = SteadyClock::now() + options_.first_line_deadline;
  deadlines_.push_back({deadline, fd, pending.serial});
  pending_.insert_or_assign(fd, std::move(pending));
}

void IpcServer::onReadable(int fd) {
  auto it = pending_.find(fd);
  if (it == pending_.end()) return;  // an event for an fd closed earlier in this batch
  std::string_view line;
  switch (readFirstLine(fd, it->second.buffer, line)) {
    case ReadResult::Waiting:
      return;
    case ReadResult::Close:
      closePending(fd);
      return;
    case ReadResult::Line:
      dispatch(fd, true, line);  // dispatch never touches pending_, so `it` and `line` hold
      pending_.erase(it);
      return;
  }
}

IpcServer::ReadResult IpcServer::readFirstLine(int fd, std::string& buffer,
                                               std::string_view& line) {
  for (;;) {
    ssize_t received = ::recv(fd, read_chunk_.data(), read_chunk_.size(), 0);
    if (received > 0) {
      const char* chunk = read_chunk_.data();
      const auto* newline = static_cast<const char*>(std::memchr(chunk, '\n', received));
      std::size_t take = newline ? static_cast<std::size_t>(newline - chunk) : received;
      if (buffer.size() + take > options_.max_line) return ReadResult::Close;
      if (!newline) {
        buffer.append(chunk, take);
        continue;
      }
      if (buffer.empty()) {
        line = std::string_view(chunk, take);
      } else {
        buffer.append(chunk, take);
        line = buffer;
      }
      return ReadResult::Line;
    }
    if (received == 0) return ReadResult::Close;  // EOF before a full line: close silently
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return ReadResult::Waiting;
    return ReadResult::Close;
  }
}

void IpcServer::dispatch(int fd, bool registered, std::string_view line) {
  DecodedRequest decoded = decodeRequest(line);
  if (!decoded.ok) {
    if (RequestMetrics* metrics = router_.metrics()) metrics->invalidLine();
    replyAndClose(fd, registered, encodeReply(sdk::Reply::fail(decoded.error)));
    return;
  }
  if (hook_) {
    try {
      hook_(decoded.request);
    } catch (const std::exception& exception) {
      logger().error("message hook failed: %s", std::string(exception.what()));
    } catch (...) {
      logger().error("message hook failed");
    }
  }
  RoutePtr route = router_.find(decoded.request.type);
  if (!route) {
    if (RequestMetrics* metrics = router_.metrics()) metrics->unknownType();
    replyAndClose(fd, registered, encodeReply(sdk::Reply::fail(std::string(kUnknownMessageType))));
  } else if (route->kind == Route::Kind::OneWay) {
    dispatchOneWay(fd, registered, std::move(route), std::move(decoded));
  } else if (route->run_inline) {
    NullProgress progress;
    // Inline routes are the core's, whose replies carry no on_sent hook.
    replyAndClose(fd, registered, encodeReply(invokeRequest(*route, decoded.request, progress)));
  } else {
    dispatchToWorker(fd, registered, std::move(route), std::move(decoded.request));
  }
}

void IpcServer::dispatchOneWay(int fd, bool registered, RoutePtr route, DecodedRequest decoded) {
  if (route->quick && route->quick->on_ipc_thread.load(std::memory_order_relaxed)) {
    runQuickOneWay(fd, registered, *route, decoded);
    return;
  }
  std::string type = decoded.request.type;
  const std::string& owner = route->owner;
  if (!decoded.confirm) {
    closeConnection(fd);  // the client never reads: free it before the handler runs
    auto ticket = std::make_shared<Ticket>(*this, -1);
    bool submitted = workers_.submit(owner, [ticket, route, request = std::move(decoded.request)] {
      invokeOneWay(*route, request);
    });
    if (!submitted) logger().warning("one-way message %s dropped: the worker queue is full", type);
    return;
  }
  // "confirm": the client waits for the handler to return and reads its outcome as a reply
  // (docs/protocol.md#one-way-messages): for a murmur, that it is on disk.
  if (registered) unregister(fd);
  auto ticket = std::make_shared<Ticket>(*this, fd);
  bool submitted =
      workers_.submit(owner, [this, ticket, route, request = std::move(decoded.request)] {
        writeUntil(ticket->fd(), encodeReply(invokeOneWay(*route, request)),
                   SteadyClock::now() + options_.reply_write_deadline);
      });
  if (!submitted) {
    logger().warning("one-way message %s dropped: the worker queue is full", type);
    static const std::string busy = encodeReply(sdk::Reply::fail(std::string(kDaemonBusy)));
    sendOnce(fd, busy);  // the ticket, now ours alone, closes fd as it goes
  }
}

void IpcServer::runQuickOneWay(int fd, bool registered, const Route& route,
                               const DecodedRequest& decoded) {
  if (!decoded.confirm) closeConnection(fd);
  long waits_before = voluntaryContextSwitches();
  auto started = SteadyClock::now();
  sdk::Reply reply = invokeOneWay(route, decoded.request);
  // Slow and it waited (slept, blocked on a lock or on I/O): preemption alone does not count.
  if (SteadyClock::now() - started > kQuickOneWayBudget &&
      voluntaryContextSwitches() != waits_before &&
      route.quick->slow_calls.fetch_add(1, std::memory_order_relaxed) + 1 ==
          kQuickOneWaySlowCalls) {
    route.quick->on_ipc_thread.store(false, std::memory_order_relaxed);
    logger().warning(
        "one-way %s (plugin %s) waited over %d ms %d times on the IPC thread: it runs on the "
        "workers from now on",
        decoded.request.type, route.owner,
        static_cast<int>(
            std::chrono::duration_cast<std::chrono::milliseconds>(kQuickOneWayBudget).count()),
        kQuickOneWaySlowCalls);
  }
  if (decoded.confirm) replyAndClose(fd, registered, encodeReply(reply));
}

void IpcServer::dispatchToWorker(int fd, bool registered, RoutePtr route, sdk::Request request) {
  if (registered) unregister(fd);
  auto ticket = std::make_shared<Ticket>(*this, fd);
  const std::string& owner = route->owner;  // the plugin's lane, or the core's for built-ins
  bool submitted = workers_.submit(owner, [this, ticket, route, request = std::move(request)] {
    // The reply may carry plugin code (its on_sent hook): the plugin is not stopped until the
    // hook has run and is gone.
    GateEntry plugin_running(route->gate.get());
    SocketProgress progress(ticket->fd(), stopping_,
                            {options_.progress_write_deadline, options_.reply_write_deadline});
    sdk::Reply reply = invokeRequest(*route, request, progress);
    bool written = false;
    if (!progress.broken()) {
      WriteResult result = writeUntil(ticket->fd(), encodeReply(reply),
                                      SteadyClock::now() + options_.reply_write_deadline);
      written = result.status == WriteResult::Status::Complete;
    }
    replySent(*route, reply, written);
  });
  if (!submitted) {
    static const std::string busy = encodeReply(sdk::Reply::fail(std::string(kDaemonBusy)));
    sendOnce(fd, busy);  // the ticket, now ours alone, closes fd as it goes
  }
}

void IpcServer::replyAndClose(int fd, bool registered, std::string bytes) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    ssize_t sent =
        ::send(fd, bytes.data() + written, bytes.size() - written, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent > 0) {
      written += static_cast<std::size_t>(sent);
    } else if (!(sent < 0 && errno == EINTR)) {
      break;
    }
  }
  if (written == bytes.size() || !(errno == EAGAIN || errno == EWOULDBLOCK)) {
    closeConnection(fd);
    return;
  }
  // The client is not reading fast enough: the rest goes to a worker, the loop moves on.
  if (registered) unregister(fd);
  auto ticket = std::make_shared<Ticket>(*this, fd);
  workers_.submit([this, ticket, rest = bytes.substr(written)] {
    writeUntil(ticket->fd(), rest, SteadyClock::now() + options_.reply_write_deadline);
  });  // refused: the ticket closes fd and the reply is lost, but the loop never blocks
}

void IpcServer::refuseWrongUser(int fd, uid_t uid) {
  std::string error =
      "permission denied: peer uid " + std::to_string(uid) + " is not the daemon's user";
  logger().warning("IPC connection refused: %s", error);
  sendOnce(fd, encodeReply(sdk::Reply::fail(error)));
  closeConnection(fd);
}

void IpcServer::closeConnection(int fd) {
  ::close(fd);  // also leaves the epoll set: nothing else holds this open file description
  open_.fetch_sub(1, std::memory_order_relaxed);
}

void IpcServer::closePending(int fd) {
  pending_.erase(fd);
  closeConnection(fd);
}

void IpcServer::unregister(int fd) { ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

void IpcServer::setListenerArmed(bool armed) {
  epoll_event event{};
  event.events = armed ? static_cast<std::uint32_t>(EPOLLIN) : 0u;
  event.data.fd = listen_fd_;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &event);
  listener_armed_ = armed;
}

void IpcServer::expireDeadlines(SteadyClock::time_point now) {
  while (!deadlines_.empty() && deadlines_.front().when <= now) {
    Deadline due = deadlines_.front();
    deadlines_.pop_front();
    auto it = pending_.find(due.fd);
    if (it != pending_.end() && it->second.serial == due.serial) {
      pending_.erase(it);
      closeConnection(due.fd);  // no first line in 5 s: closed silently, docs/protocol.md#framing
    }
  }
}

int IpcServer::waitTimeoutMs(SteadyClock::time_point now) {
  // Entries of connections already served are dropped here so the front is a live deadline.
  while (!deadlines_.empty()) {
    auto it = pending_.find(deadlines_.front().fd);
    if (it != pending_.end() && it->second.serial == deadlines_.front().serial) break;
    deadlines_.pop_front();
  }
  std::optional<SteadyClock::time_point> next;
  if (!deadlines_.empty()) next = deadlines_.front().when;
  if (!listener_armed_) next = next ? std::min(*next, accept_resume_) : accept_resume_;
  if (!next) return -1;  // idle: sleep until a client or stop() wakes us
  auto wait = std::chrono::ceil<std::chrono::milliseconds>(*next - now);
  return static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(wait.count(), 0, 1 << 30));
}

}  // namespace oxd::core
