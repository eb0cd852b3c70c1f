// At most one early flush per cooldown (15 min): without it every event past the batch
// threshold would start another flush. tryFlush() claims the slot atomically (the first call
// wins, concurrent callers: exactly one); recordFlush() stamps a flush that did not ask (the
// periodic one, when it sent something). Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>

namespace oxd::telemetry {

class FlushThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit FlushThrottle(std::chrono::milliseconds cooldown) : cooldown_(cooldown) {}

  bool tryFlush(Clock::time_point now = Clock::now()) {
    std::lock_guard lock(mutex_);
    if (last_ && now - *last_ < cooldown_) return false;
    last_ = now;
    return true;
  }
  void recordFlush(Clock::time_point now = Clock::now()) {
    std::lock_guard lock(mutex_);
    last_ = now;
  }

 private:
  std::chrono::milliseconds cooldown_;
  std::mutex mutex_;
  std::optional<Clock::time_point> last_;  // guarded by mutex_
};

}  // namespace oxd::telemetry
