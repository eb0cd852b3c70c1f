#pragma once
// Tracks calls into one plugin's code so that the plugin can be drained: once closed, no new
// call enters, and drain() waits for the ones in flight. Also keeps the plugin's counters.
// Thread-safe.

#include "common/Mutex.h"

#include <oxd/metrics.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace oxd::core {

struct PluginCounters {
  std::uint64_t calls = 0;   // handler and one-way invocations
  std::uint64_t errors = 0;  // handler/one-way/task/subscriber exceptions and failed replies
  std::uint64_t task_runs = 0;
  std::uint64_t events = 0;  // event deliveries to the plugin's subscribers
  std::uint64_t drops = 0;   // work refused because the worker queue was full
  std::int64_t last_duration_ns = 0;
  std::string last_error;
};

class CallGate {
 public:
  // False once closed: the caller must not run plugin code.
  bool enter();
  void leave();
  void close();
  void reopen();
  // Waits until no call is in flight; false on timeout. Call after close().
  bool drain(std::chrono::milliseconds timeout);
  bool closed() const;

  enum class Kind { Call, Task, Event };
  void record(Kind kind, std::chrono::nanoseconds duration, const std::string* error);
  void recordDrop();
  PluginCounters counters() const;
  // Errors recorded from now on also count in these series (the plugin-errors metric, by kind
  // of call); null leaves a kind uncounted. The series must outlive the gate.
  void countErrorsIn(sdk::Counter* calls, sdk::Counter* tasks, sdk::Counter* events);

 private:
  mutable Mutex mutex_;
  CondVar idle_;
  int in_flight_ GUARDED_BY(mutex_) = 0;
  bool closed_ GUARDED_BY(mutex_) = false;
  PluginCounters counters_ GUARDED_BY(mutex_);
  sdk::Counter* error_series_[3] GUARDED_BY(mutex_) = {nullptr, nullptr, nullptr};  // by Kind
};

// Enters a gate for a scope. Check entered() before running plugin code.
class GateEntry {
 public:
  explicit GateEntry(CallGate* gate)
      : gate_(gate && gate->enter() ? gate : nullptr), open_(!gate || gate_) {}
  ~GateEntry() {
    if (gate_) gate_->leave();
  }
  GateEntry(const GateEntry&) = delete;
  GateEntry& operator=(const GateEntry&) = delete;
  bool entered() const { return open_; }

 private:
  CallGate* gate_;
  bool open_;
};

}  // namespace oxd::core
