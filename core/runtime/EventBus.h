#pragma once
// Topic → subscribers. publish() never blocks and never runs a subscriber on the publishing
// thread: each delivery is its own WorkerPool job, so a slow subscriber delays nobody. When the
// pool's queue is full the delivery is dropped and counted (on the bus and on the subscriber's
// gate). A subscriber that throws is caught, logged and counted.
//
// Events are shared, not copied, between the subscribers of one publish: treat them as
// read-only (a Poco::JSON::Object inside a Var is shared by every delivery).
//
// Thread-safe. Deliveries hold shared state, not the bus, so a delivery still queued when the
// bus is destroyed is harmless.

#include "common/Mutex.h"
#include "host/CallGate.h"

#include <oxd/host.h>

#include <Poco/Dynamic/Var.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace oxd::core {

class WorkerPool;

class EventBus {
 public:
  using SubscriptionId = std::uint64_t;

  // `workers` must outlive every publish().
  explicit EventBus(WorkerPool& workers);
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  // `gate` is the owner's (a plugin's) gate; null for core subscribers, which then get a
  // private one so that unsubscribing can still wait for their deliveries.
  SubscriptionId subscribe(const std::string& topic, const std::string& owner,
                           sdk::EventHandler handler, std::shared_ptr<CallGate> gate = nullptr);
  // Queues one delivery per subscriber of `topic`; returns how many were queued.
  std::size_t publish(const std::string& topic, const Poco::Dynamic::Var& event);
  // publish(), then waits up to `timeout` until every queued delivery has run (or was skipped).
  // For the few events whose subscribers must see them before something else happens, such as
  // `daemon.stopping` before the plugins stop. False on timeout. Must not be called from a job.
  bool publishAndWait(const std::string& topic, const Poco::Dynamic::Var& event,
                      std::chrono::milliseconds timeout);
  // Removes every subscription of `owner`; deliveries not yet started are skipped, and the call
  // waits (up to `timeout`) for those running through the owner's gate. Close a plugin's gate
  // first, or this also waits for the plugin's other calls in flight. False on timeout.
  bool unsubscribeOwner(const std::string& owner,
                        std::chrono::milliseconds timeout = std::chrono::seconds(5));

  std::size_t subscriberCount(const std::string& topic) const;
  std::uint64_t drops() const;
  std::uint64_t errors() const;

 private:
  struct Subscriber {
    SubscriptionId id = 0;
    std::string topic;
    std::string owner;
    sdk::EventHandler handler;
    std::shared_ptr<CallGate> gate;
    bool private_gate = false;
    std::atomic<bool> active{true};  // cleared before the gate is drained; see deliver()
  };
  struct Stats {
    std::atomic<std::uint64_t> drops{0};
    std::atomic<std::uint64_t> errors{0};
  };
  using SubscriberPtr = std::shared_ptr<Subscriber>;

  struct Completion;  // counts the deliveries of one publishAndWait
  static void deliver(const Subscriber& subscriber, const Poco::Dynamic::Var& event, Stats& stats);
  std::size_t publishTracked(const std::string& topic, const Poco::Dynamic::Var& event,
                             const std::shared_ptr<Completion>& completion);

  WorkerPool& workers_;
  std::shared_ptr<Stats> stats_ = std::make_shared<Stats>();
  mutable SharedMutex mutex_;
  std::unordered_map<std::string, std::vector<SubscriberPtr>> topics_ GUARDED_BY(mutex_);
  SubscriptionId next_id_ GUARDED_BY(mutex_) = 1;
};

}  // namespace oxd::core
