#include "overlay/SettleTimer.h"

#include <algorithm>
#include <limits>

namespace oxd::codedb {

void SettleTimer::Note(Clock::time_point now) {
  if (!pending_) {
    pending_ = true;
    first_ = now;
  }
  last_ = std::max(last_, now);
}

void SettleTimer::Expedite(Clock::time_point now) {
  Note(now);
  first_ = now - max_delay_;
}

SettleTimer::Clock::time_point SettleTimer::Deadline() const {
  return std::min(last_ + settle_, first_ + max_delay_);
}

int SettleTimer::PollTimeoutMs(Clock::time_point now,
                               std::optional<Clock::time_point> wake_at) const {
  std::optional<Clock::time_point> until = wake_at;
  if (pending_) {
    until = until ? std::min(*until, Deadline()) : Deadline();
  }
  if (!until) {
    return -1;
  }
  if (*until <= now) {
    return 0;
  }
  auto wait = std::chrono::ceil<std::chrono::milliseconds>(*until - now).count();
  return static_cast<int>(std::min<std::int64_t>(wait, std::numeric_limits<int>::max()));
}

}  // namespace oxd::codedb
