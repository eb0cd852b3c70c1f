#include "Backoff.h"

#include <algorithm>

namespace oxd::sync {

std::chrono::minutes BackoffSchedule::DelayAfter(int failures) const {
  // The shift is capped so that a long outage cannot overflow the multiplication.
  int shift = std::clamp(failures - 1, 0, 10);
  return std::min(base * (1 << shift), std::chrono::duration_cast<std::chrono::minutes>(cap));
}

void Backoff::RecordFailure(Clock::time_point now, const BackoffSchedule& schedule) {
  ++failures_;
  next_attempt_ = now + schedule.DelayAfter(failures_);
}

void Backoff::Clear() {
  failures_ = 0;
  next_attempt_ = {};
}

}  // namespace oxd::sync
