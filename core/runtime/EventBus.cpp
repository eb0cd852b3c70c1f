#include "runtime/EventBus.h"

#include "runtime/WorkerPool.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace oxd::core {

namespace {

const std::string kCoreOwner;  // the WorkerPool's name for the core

}  // namespace

EventBus::EventBus(WorkerPool& workers) : workers_(workers) {}

EventBus::SubscriptionId EventBus::subscribe(const std::string& topic, const std::string& owner,
                                             sdk::EventHandler handler,
                                             std::shared_ptr<CallGate> gate) {
  auto subscriber = std::make_shared<Subscriber>();
  subscriber->topic = topic;
  subscriber->owner = owner;
  subscriber->handler = std::move(handler);
  subscriber->private_gate = gate == nullptr;
  subscriber->gate = gate ? std::move(gate) : std::make_shared<CallGate>();
  WriterLock lock(mutex_);
  subscriber->id = next_id_++;
  topics_[topic].push_back(std::move(subscriber));
  return next_id_ - 1;
}

struct EventBus::Completion {
  std::mutex mutex;
  std::condition_variable done;
  // Deliveries queued minus those finished. A delivery may finish before the publisher has
  // added the count, so it may go below zero for a while; guarded by mutex.
  std::ptrdiff_t left = 0;
  void finishOne() {
    std::lock_guard lock(mutex);
    if (--left == 0) done.notify_all();
  }
};

std::size_t EventBus::publish(const std::string& topic, const Poco::Dynamic::Var& event) {
  return publishTracked(topic, event, nullptr);
}

bool EventBus::publishAndWait(const std::string& topic, const Poco::Dynamic::Var& event,
                              std::chrono::milliseconds timeout) {
  auto completion = std::make_shared<Completion>();
  std::size_t queued = publishTracked(topic, event, completion);
  std::unique_lock lock(completion->mutex);
  completion->left += static_cast<std::ptrdiff_t>(queued);
  return completion->done.wait_for(lock, timeout, [&] { return completion->left == 0; });
}

std::size_t EventBus::publishTracked(const std::string& topic, const Poco::Dynamic::Var& event,
                                     const std::shared_ptr<Completion>& completion) {
  std::vector<SubscriberPtr> targets;
  {
    ReaderLock lock(mutex_);
    auto it = topics_.find(topic);
    if (it == topics_.end()) return 0;
    targets = it->second;
  }
  std::size_t queued = 0;
  for (auto& subscriber : targets) {
    // A plugin's deliveries count against its share of the workers; a core subscriber's
    // (private gate) run in the core's lane.
    const std::string& owner = subscriber->private_gate ? kCoreOwner : subscriber->owner;
    if (workers_.submit(owner, [subscriber, event, stats = stats_, completion] {
          deliver(*subscriber, event, *stats);
          if (completion) completion->finishOne();
        })) {
      ++queued;
      continue;
    }
    stats_->drops.fetch_add(1);
    subscriber->gate->recordDrop();
    Poco::Logger::get("oxd.events")
        .warning("event %s to %s dropped: worker queue full", topic, subscriber->owner);
  }
  return queued;
}

// Runs on a worker thread. The gate is entered before `active` is read, and unsubscribeOwner()
// clears `active` before it drains the gate: a delivery either sees the subscription gone or
// is counted in flight by the time the drain looks.
void EventBus::deliver(const Subscriber& subscriber, const Poco::Dynamic::Var& event,
                       Stats& stats) {
  GateEntry entry(subscriber.gate.get());
  if (!entry.entered() || !subscriber.active.load()) return;
  auto started = std::chrono::steady_clock::now();
  std::string error;
  try {
    subscriber.handler(event);
  } catch (const std::exception& exception) {
    error = exception.what();
  } catch (...) {
    error = "subscriber failed with an unknown exception";
  }
  subscriber.gate->record(CallGate::Kind::Event, std::chrono::steady_clock::now() - started,
                          error.empty() ? nullptr : &error);
  if (!error.empty()) {
    stats.errors.fetch_add(1);
    Poco::Logger::get("oxd.events")
        .warning("subscriber %s of %s failed: %s", subscriber.owner, subscriber.topic, error);
  }
}

bool EventBus::unsubscribeOwner(const std::string& owner, std::chrono::milliseconds timeout) {
  std::vector<SubscriberPtr> removed;
  {
    WriterLock lock(mutex_);
    for (auto topic = topics_.begin(); topic != topics_.end();) {
      auto& list = topic->second;
      for (auto it = list.begin(); it != list.end();) {
        if ((*it)->owner == owner) {
          removed.push_back(*it);
          it = list.erase(it);
        } else {
          ++it;
        }
      }
      topic = list.empty() ? topics_.erase(topic) : std::next(topic);
    }
  }
  std::vector<CallGate*> gates;
  for (auto& subscriber : removed) {
    subscriber->active.store(false);
    if (subscriber->private_gate) subscriber->gate->close();
    if (std::find(gates.begin(), gates.end(), subscriber->gate.get()) == gates.end()) {
      gates.push_back(subscriber->gate.get());
    }
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool drained = true;
  for (CallGate* gate : gates) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    drained = gate->drain(std::max(left, std::chrono::milliseconds{0})) && drained;
  }
  return drained;
}

std::size_t EventBus::subscriberCount(const std::string& topic) const {
  ReaderLock lock(mutex_);
  auto it = topics_.find(topic);
  return it == topics_.end() ? 0 : it->second.size();
}

std::uint64_t EventBus::drops() const { return stats_->drops.load(); }
std::uint64_t EventBus::errors() const { return stats_->errors.load(); }

}  // namespace oxd::core
