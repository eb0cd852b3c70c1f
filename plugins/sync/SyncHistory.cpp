#include "SyncHistory.h"

#include <algorithm>

namespace oxd::sync {

void SyncHistory::Record(SyncEvent event) {
  std::lock_guard lock(mutex_);
  events_.push_back(std::move(event));
  while (events_.size() > kCapacity) events_.pop_front();
}

std::vector<SyncEvent> SyncHistory::Events() const {
  std::lock_guard lock(mutex_);
  return {events_.begin(), events_.end()};
}

SyncStats SyncHistory::Stats(std::chrono::system_clock::time_point now) const {
  std::vector<SyncEvent> events = Events();
  SyncStats stats;
  stats.total = events.size();
  if (events.empty()) return stats;
  std::vector<std::chrono::nanoseconds> durations;
  std::chrono::nanoseconds sum{0};
  for (const SyncEvent& event : events) {
    if (now - event.time <= std::chrono::hours(1)) ++stats.last_hour;
    durations.push_back(event.duration);
    sum += event.duration;
  }
  stats.average = sum / static_cast<long>(durations.size());
  std::sort(durations.begin(), durations.end());
  std::size_t index = std::min(durations.size() * 95 / 100, durations.size() - 1);
  stats.p95 = durations[index];
  return stats;
}

}  // namespace oxd::sync
