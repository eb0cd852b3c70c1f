// The telemetry ring: the last `capacity` events (500), the oldest overwritten and counted as
// dropped. Each exporter is a consumer with its own cursor: an event leaves the ring once every
// consumer has delivered it (or given it up), so a batch that cannot be sent yet stays, and with
// two exporters each gets every event once. Without consumers the events stay, visible in
// `oxctl telemetry`. Not thread-safe (the collector guards it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "TelemetryEvent.h"

namespace oxd::telemetry {

class EventRing {
 public:
  explicit EventRing(std::size_t capacity = 500) : capacity_(capacity) {}

  // Adds a consumer; returns its index. Only before the first push.
  int addConsumer();
  // Stamps event.seq; overwrites the oldest when full (counted in dropped()).
  void push(TelemetryEvent event);
  // The oldest `max` events this consumer has not delivered yet.
  std::vector<TelemetryEvent> pendingFor(int consumer, std::size_t max) const;
  std::size_t pendingCount(int consumer) const;
  // This consumer is done with every event up to and including `seq`.
  void delivered(int consumer, std::uint64_t seq);

  std::size_t size() const { return events_.size(); }
  std::size_t capacity() const { return capacity_; }
  std::uint64_t dropped() const { return dropped_; }
  const std::deque<TelemetryEvent>& events() const { return events_; }

 private:
  void trim();

  std::size_t capacity_;
  std::deque<TelemetryEvent> events_;
  std::vector<std::uint64_t> next_;  // per consumer: the first seq not yet delivered
  std::uint64_t next_seq_ = 1;
  std::uint64_t dropped_ = 0;
};

}  // namespace oxd::telemetry
