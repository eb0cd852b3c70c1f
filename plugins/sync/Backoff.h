// Retry schedules after consecutive failures (docs/behavior.md#backoff): delay = base × 2^(n−1),
// capped.
//
//   n               1    2    3    4    5     6     7    ≥8
//   sync            1m   2m   4m   8m   16m   30m   30m  30m
//   clone transient 1m   2m   4m   8m   16m   32m   1h   1h
//   clone permanent 1m   2m   4m   5m   5m    5m    5m   5m   (auth, permission, not found)
//
// A Backoff is a value owned by one repository's state; callers hold that state's lock.
#pragma once

#include <chrono>

namespace oxd::sync {

using Clock = std::chrono::system_clock;

struct BackoffSchedule {
  std::chrono::minutes base;
  std::chrono::minutes cap;

  // The delay after `failures` consecutive failures (n ≤ 0 ⇒ base).
  std::chrono::minutes DelayAfter(int failures) const;
};

inline constexpr BackoffSchedule kSyncBackoff{std::chrono::minutes(1), std::chrono::minutes(30)};
inline constexpr BackoffSchedule kCloneBackoff{std::chrono::minutes(1), std::chrono::hours(1)};
inline constexpr BackoffSchedule kPermanentCloneBackoff{std::chrono::minutes(1),
                                                        std::chrono::minutes(5)};

class Backoff {
 public:
  // A skipped attempt is not a failure: only RecordFailure moves the schedule on.
  void RecordFailure(Clock::time_point now, const BackoffSchedule& schedule);
  void Clear();

  bool Allows(Clock::time_point now) const { return failures_ == 0 || now >= next_attempt_; }
  int failures() const { return failures_; }
  Clock::time_point next_attempt() const { return next_attempt_; }

 private:
  int failures_ = 0;
  Clock::time_point next_attempt_{};
};

}  // namespace oxd::sync
