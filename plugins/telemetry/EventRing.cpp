#include "EventRing.h"

#include <algorithm>

namespace oxd::telemetry {

int EventRing::addConsumer() {
  next_.push_back(next_seq_);
  return static_cast<int>(next_.size()) - 1;
}

void EventRing::push(TelemetryEvent event) {
  event.seq = next_seq_++;
  if (events_.size() >= capacity_) {
    events_.pop_front();
    ++dropped_;
  }
  events_.push_back(std::move(event));
}

std::vector<TelemetryEvent> EventRing::pendingFor(int consumer, std::size_t max) const {
  std::vector<TelemetryEvent> out;
  std::uint64_t from = next_[static_cast<std::size_t>(consumer)];
  for (const TelemetryEvent& event : events_) {
    if (out.size() >= max) break;
    if (event.seq >= from) out.push_back(event);
  }
  return out;
}

std::size_t EventRing::pendingCount(int consumer) const {
  // The ring holds consecutive sequence numbers: counting needs only its ends.
  std::uint64_t from = next_[static_cast<std::size_t>(consumer)];
  if (events_.empty() || from > events_.back().seq) return 0;
  return static_cast<std::size_t>(events_.back().seq + 1 - std::max(from, events_.front().seq));
}

void EventRing::delivered(int consumer, std::uint64_t seq) {
  auto& next = next_[static_cast<std::size_t>(consumer)];
  next = std::max(next, seq + 1);
  trim();
}

void EventRing::trim() {
  if (next_.empty()) return;
  std::uint64_t all_done = *std::min_element(next_.begin(), next_.end());
  while (!events_.empty() && events_.front().seq < all_done) events_.pop_front();
}

}  // namespace oxd::telemetry
