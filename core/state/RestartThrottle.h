#pragma once
// Restart-loop protection (docs/behavior.md#restart-throttle). A daemon that crashes at startup and
// is restarted by a hook or a service manager would otherwise spin; each start is recorded in a
// small history file, and the third start within 5 minutes begins to wait:
//   starts in the last 5 min before this one:  <3 → 0, 3 → 5 s, 4 → 10 s, 5 → 20 s, 6 → 40 s,
//                                              7 → 80 s, ≥8 → 120 s (5 s × 2^(n−3), capped)
// The history file ({"restarts":[time…]}, 0600, missing directory made 0700) keeps only the
// last 5 minutes; an unreadable or corrupt file starts a fresh history.
//
// Use at startup:  auto wait = throttle.recordStart();  sleep(wait);
// The daemon does the sleeping (so it can stay interruptible by SIGTERM) and reports the wait
// as status `throttle_duration_ms`. The start is recorded before the wait rather than after it
// (as Go did), so a daemon killed while it waits still counts as a start.
//
// Thread-safe, but meant for one call sequence at startup. Separate daemons use separate files
// (<stateDir>/restarts-<wsid>.json), so no cross-process lock is needed.

#include "state/TimeSource.h"

#include <chrono>
#include <filesystem>
#include <mutex>
#include <vector>

namespace oxd::core {

class RestartThrottle {
 public:
  static constexpr std::chrono::minutes kWindow{5};
  static constexpr std::chrono::seconds kBase{5};
  static constexpr std::chrono::seconds kCap{120};

  explicit RestartThrottle(std::filesystem::path history_file, TimeSource clock = {});

  // Returns how long to wait before starting, from the starts recorded within the last 5
  // minutes, then appends now to the history and saves it pruned to the window. A write
  // failure is logged ("oxd.restarts") and swallowed: throttling is a safety net, never a
  // reason not to start.
  std::chrono::milliseconds recordStart();
  // What recordStart() would return now, without recording anything.
  std::chrono::milliseconds delay() const;

  // The delay for `recent_starts` earlier starts within the window (the table above).
  static std::chrono::milliseconds delayFor(int recent_starts);
  // Stamps within the window, oldest first, as read from the file now.
  std::vector<sdk::Time> recentStarts() const;

 private:
  const std::filesystem::path file_;
  const TimeSource clock_;
  mutable std::mutex mutex_;  // serializes read-modify-write of the file
};

}  // namespace oxd::core
