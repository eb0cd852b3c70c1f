// The last 100 syncs that did work (docs/behavior.md#sync-history-and-state), for `sync_history`
// and the status totals. Skips ("remote unchanged", "recently fetched") are not syncs and are not
// recorded. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace oxd::sync {

struct SyncEvent {
  std::chrono::system_clock::time_point time;  // when the sync finished
  std::string type;                            // "pull" (ledger) or "team_context"
  std::string workspace_id;                    // "ledger" or the team id
  std::chrono::nanoseconds duration{0};
  int files_changed = 0;
};

struct SyncStats {
  std::size_t total = 0;      // events held (≤ capacity)
  std::size_t last_hour = 0;  // events that finished within the hour before `now`
  std::chrono::nanoseconds average{0};
  std::chrono::nanoseconds p95{0};  // sorted[floor(n × 0.95)], clamped to n − 1
};

class SyncHistory {
 public:
  static constexpr std::size_t kCapacity = 100;

  void Record(SyncEvent event);
  std::vector<SyncEvent> Events() const;  // oldest first
  SyncStats Stats(std::chrono::system_clock::time_point now) const;

 private:
  mutable std::mutex mutex_;
  std::deque<SyncEvent> events_;  // guarded by mutex_
};

}  // namespace oxd::sync
