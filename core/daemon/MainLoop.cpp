#include "daemon/MainLoop.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace oxd::core {

namespace {

sigset_t handledSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, signal);
  return set;
}

void addToEpoll(int epoll_fd, int fd) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = fd;
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_ctl");
  }
}

}  // namespace

void MainLoop::blockSignals() {
  sigset_t set = handledSignals();
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the daemon
}

MainLoop::MainLoop() {
  sigset_t set = handledSignals();
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  signal_fd_ = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  event_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_fd_ < 0 || signal_fd_ < 0 || event_fd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "main loop setup");
  }
  addToEpoll(epoll_fd_, signal_fd_);
  addToEpoll(epoll_fd_, event_fd_);
}

MainLoop::~MainLoop() {
  for (int fd : {parent_fd_, event_fd_, signal_fd_, epoll_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

void MainLoop::watchParent(int pid) {
  parent_pid_ = pid;
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd >= 0) {
    parent_fd_ = fd;
    addToEpoll(epoll_fd_, parent_fd_);
  }
}

bool MainLoop::parentAlive() const {
  return parent_pid_ <= 0 || ::kill(parent_pid_, 0) == 0 || errno == EPERM;
}

MainLoop::Event MainLoop::wait(std::optional<std::chrono::steady_clock::time_point> deadline) {
  if (parent_pid_ > 0 && parent_fd_ < 0) {
    // No pidfd: fall back to a once-a-second check, only while a parent is watched.
    auto poll_at = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    deadline = deadline ? std::min(*deadline, poll_at) : poll_at;
  }
  for (;;) {
    if (parent_pid_ > 0 && !parentAlive()) {
      parent_pid_ = 0;
      return Event::ParentGone;
    }
    int timeout = -1;
    if (deadline) {
      auto remaining = std::chrono::ceil<std::chrono::milliseconds>(
          *deadline - std::chrono::steady_clock::now());
      timeout = static_cast<int>(std::clamp<long long>(remaining.count(), 0, 24LL * 3600 * 1000));
    }
    epoll_event events[4];
    int count = ::epoll_wait(epoll_fd_, events, 4, timeout);
    if (count < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "epoll_wait");
    }
    if (count == 0) return Event::Timer;
    for (int i = 0; i < count; ++i) {
      int fd = events[i].data.fd;
      if (fd == signal_fd_) {
        signalfd_siginfo info{};
        if (::read(signal_fd_, &info, sizeof info) != sizeof info) continue;
        return info.ssi_signo == SIGHUP ? Event::Reload : Event::Terminate;
      }
      if (fd == event_fd_) {
        std::uint64_t value;
        [[maybe_unused]] auto ignored = ::read(event_fd_, &value, sizeof value);
        return Event::Woken;
      }
      if (fd == parent_fd_) {
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, parent_fd_, nullptr);
        ::close(parent_fd_);
        parent_fd_ = -1;
        parent_pid_ = 0;
        return Event::ParentGone;
      }
    }
  }
}

void MainLoop::wake() {
  std::uint64_t one = 1;
  [[maybe_unused]] auto ignored = ::write(event_fd_, &one, sizeof one);
}

}  // namespace oxd::core
