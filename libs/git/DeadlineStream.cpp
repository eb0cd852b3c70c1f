#include "git/DeadlineStream.h"

#include <fcntl.h>
#include <git2.h>
#include <git2/sys/stream.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "git/GitError.h"

namespace oxd::git {
namespace {

thread_local NetworkDeadlineScope* current_scope = nullptr;

constexpr int kPollSliceMs = 100;

struct DeadlineSocketStream {
  git_stream parent;  // must be first: libgit2 casts between the two
  std::string host;
  std::string port;
  int fd = -1;
};

DeadlineSocketStream* Self(git_stream* stream) {
  return reinterpret_cast<DeadlineSocketStream*>(stream);
}

// Waits until `fd` is ready for `events`; false (with a libgit2 error set) when the thread's
// deadline passes, its cancel flag is set, or poll fails.
bool WaitReady(int fd, short events, const char* what) {
  for (;;) {
    int timeout_ms = -1;
    if (NetworkDeadlineScope* scope = current_scope) {
      if (scope->CancelRequested()) {
        scope->MarkCancelled();
        git_error_set(GIT_ERROR_NET, "%s cancelled", what);
        return false;
      }
      auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
          scope->deadline() - std::chrono::steady_clock::now());
      if (remaining.count() <= 0) {
        scope->MarkDeadlineHit();
        git_error_set(GIT_ERROR_NET, "%s: network deadline exceeded", what);
        return false;
      }
      timeout_ms = static_cast<int>(std::min<long long>(remaining.count(), kPollSliceMs));
    }
    pollfd poll_fd{fd, events, 0};
    int ready = poll(&poll_fd, 1, timeout_ms);
    if (ready > 0) {
      return true;
    }
    if (ready < 0 && errno != EINTR) {
      git_error_set(GIT_ERROR_OS, "%s: poll failed: %s", what, std::strerror(errno));
      return false;
    }
  }
}

int ConnectOne(const addrinfo* address, int* out_fd, int* out_errno) {
  int fd = socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                  address->ai_protocol);
  if (fd < 0) {
    *out_errno = errno;
    return -1;
  }
  if (connect(fd, address->ai_addr, address->ai_addrlen) != 0) {
    if (errno != EINPROGRESS) {
      *out_errno = errno;
      close(fd);
      return -1;
    }
    if (!WaitReady(fd, POLLOUT, "connect")) {
      close(fd);
      return -2;  // deadline or cancel: do not try further addresses
    }
    int socket_error = 0;
    socklen_t length = sizeof(socket_error);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &socket_error, &length);
    if (socket_error != 0) {
      *out_errno = socket_error;
      close(fd);
      return -1;
    }
  }
  *out_fd = fd;
  return 0;
}

int StreamConnect(git_stream* stream) {
  DeadlineSocketStream* self = Self(stream);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  int rc = getaddrinfo(self->host.c_str(), self->port.c_str(), &hints, &addresses);
  if (rc != 0) {
    git_error_set(GIT_ERROR_NET, "failed to resolve address for %s: %s", self->host.c_str(),
                  gai_strerror(rc));
    return -1;
  }
  int last_errno = ECONNREFUSED;
  int result = -1;
  for (addrinfo* address = addresses; address != nullptr; address = address->ai_next) {
    result = ConnectOne(address, &self->fd, &last_errno);
    if (result != -1) {
      break;
    }
  }
  freeaddrinfo(addresses);
  if (result == -1) {
    git_error_set(GIT_ERROR_NET, "failed to connect to %s:%s: %s", self->host.c_str(),
                  self->port.c_str(), std::strerror(last_errno));
  }
  return result == 0 ? 0 : -1;
}

ssize_t StreamRead(git_stream* stream, void* data, size_t length) {
  DeadlineSocketStream* self = Self(stream);
  for (;;) {
    if (!WaitReady(self->fd, POLLIN, "read")) {
      return -1;
    }
    ssize_t got = recv(self->fd, data, length, 0);
    if (got >= 0) {
      return got;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      git_error_set(GIT_ERROR_NET, "read from %s failed: %s", self->host.c_str(),
                    std::strerror(errno));
      return -1;
    }
  }
}

ssize_t StreamWrite(git_stream* stream, const char* data, size_t length, int /*flags*/) {
  DeadlineSocketStream* self = Self(stream);
  size_t written = 0;
  while (written < length) {
    if (!WaitReady(self->fd, POLLOUT, "write")) {
      return -1;
    }
    ssize_t sent = send(self->fd, data + written, length - written, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        continue;
      }
      git_error_set(GIT_ERROR_NET, "write to %s failed: %s", self->host.c_str(),
                    std::strerror(errno));
      return -1;
    }
    written += static_cast<size_t>(sent);
  }
  return static_cast<ssize_t>(written);
}

int StreamClose(git_stream* stream) {
  DeadlineSocketStream* self = Self(stream);
  if (self->fd >= 0) {
    close(self->fd);
    self->fd = -1;
  }
  return 0;
}

void StreamFree(git_stream* stream) {
  StreamClose(stream);
  delete Self(stream);
}

int StreamInit(git_stream** out, const char* host, const char* port) {
  auto* self = new DeadlineSocketStream{};
  self->parent.version = GIT_STREAM_VERSION;
  self->parent.connect = StreamConnect;
  self->parent.read = StreamRead;
  self->parent.write = StreamWrite;
  self->parent.close = StreamClose;
  self->parent.free = StreamFree;
  self->host = host;
  self->port = port;
  *out = &self->parent;
  return 0;
}

}  // namespace

void RegisterDeadlineStream() {
  static git_stream_registration registration{GIT_STREAM_VERSION, StreamInit, nullptr};
  ThrowIfFailed(git_stream_register(GIT_STREAM_STANDARD, &registration),
                "register deadline socket stream");
}

NetworkDeadlineScope::NetworkDeadlineScope(SteadyTime deadline, const std::atomic<bool>* cancel)
    : deadline_(deadline), cancel_(cancel) {
  current_scope = this;
}

NetworkDeadlineScope::~NetworkDeadlineScope() { current_scope = nullptr; }

bool NetworkDeadlineScope::CancelRequested() const {
  return cancel_ != nullptr && cancel_->load(std::memory_order_relaxed);
}

NetworkDeadlineScope* NetworkDeadlineScope::Current() { return current_scope; }

}  // namespace oxd::git
