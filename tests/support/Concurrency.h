#pragma once
// Waiting helpers for tests of threaded parts (the scheduler, the bus, the plugin host, plugins).

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace oxd::testing {

// Polls a condition, for tests only (the code under test never polls).
template <typename Predicate>
bool eventually(Predicate predicate,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(1500)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return predicate();
}

// A one-shot gate: wait() blocks until open().
class Latch {
 public:
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    wake_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [this] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool open_ = false;
};

}  // namespace oxd::testing
