// When the watcher thread acts: events collapse until `settle` passes without a new one (but
// never longer than `max_delay` after the first, so a file written without pause still gets
// refreshed), and poll() sleeps without a timeout when nothing is pending: an idle overlay
// never wakes up. A pure value type, no clock of its own (tests pass the times).
#pragma once

#include <chrono>
#include <optional>

namespace oxd::codedb {

class SettleTimer {
 public:
  using Clock = std::chrono::steady_clock;

  SettleTimer(std::chrono::milliseconds settle, std::chrono::milliseconds max_delay)
      : settle_(settle), max_delay_(max_delay) {}

  // An event arrived at `now`.
  void Note(Clock::time_point now);
  // Act at the next chance, without waiting for the settle period (an explicit rescan).
  void Expedite(Clock::time_point now);
  bool pending() const { return pending_; }
  bool Due(Clock::time_point now) const { return pending_ && now >= Deadline(); }
  void Clear() { pending_ = false; }

  // What to pass to poll(): -1 (sleep until a descriptor is readable) when nothing is pending
  // and no `wake_at` is given; otherwise the milliseconds until the earlier of the settle
  // deadline and `wake_at`, rounded up (0 when already due).
  int PollTimeoutMs(Clock::time_point now, std::optional<Clock::time_point> wake_at) const;

 private:
  Clock::time_point Deadline() const;

  std::chrono::milliseconds settle_;
  std::chrono::milliseconds max_delay_;
  bool pending_ = false;
  Clock::time_point first_{};
  Clock::time_point last_{};
};

}  // namespace oxd::codedb
