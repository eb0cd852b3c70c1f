#pragma once
// The daemon's main thread: waits on signals (via signalfd; they are blocked in every thread
// from main() on), wake-ups from other threads (eventfd), the exit of a watched parent process
// (pidfd) and the next timer deadline — nothing else. An idle daemon sleeps here in one
// epoll_wait with no timeout but its timers.
//
// Owned and run by the main thread; wake() may be called from any thread.

#include <chrono>
#include <functional>
#include <optional>

namespace oxd::core {

class MainLoop {
 public:
  enum class Event { Terminate, Reload, Woken, ParentGone, Timer };

  MainLoop();  // requires SIGINT, SIGTERM, SIGHUP and SIGQUIT blocked in the calling thread
  ~MainLoop();
  MainLoop(const MainLoop&) = delete;
  MainLoop& operator=(const MainLoop&) = delete;

  // Watches `pid`; ParentGone is reported once when it exits (or is found already gone).
  void watchParent(int pid);
  // Blocks until the next event, or until `deadline` has passed (Timer).
  Event wait(std::optional<std::chrono::steady_clock::time_point> deadline);
  void wake();

  // Blocks the signals the loop handles in the calling thread; call first thing in main(),
  // before any thread exists, so every thread inherits the mask.
  static void blockSignals();

 private:
  bool parentAlive() const;

  int epoll_fd_ = -1;
  int signal_fd_ = -1;
  int event_fd_ = -1;
  int parent_fd_ = -1;  // pidfd, when the kernel has pidfd_open
  int parent_pid_ = 0;  // polled once a second only when pidfd_open is missing
};

}  // namespace oxd::core
