#include "host/CallGate.h"

namespace oxd::core {

bool CallGate::enter() {
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  ++in_flight_;
  return true;
}

void CallGate::leave() {
  std::lock_guard lock(mutex_);
  if (--in_flight_ == 0) idle_.notify_all();
}

void CallGate::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
}

void CallGate::reopen() {
  std::lock_guard lock(mutex_);
  closed_ = false;
}

bool CallGate::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

bool CallGate::drain(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout, [this] { return in_flight_ == 0; });
}

void CallGate::record(Kind kind, std::chrono::nanoseconds duration, const std::string* error) {
  std::lock_guard lock(mutex_);
  switch (kind) {
    case Kind::Call:
      ++counters_.calls;
      break;
    case Kind::Task:
      ++counters_.task_runs;
      break;
    case Kind::Event:
      ++counters_.events;
      break;
  }
  counters_.last_duration_ns = duration.count();
  if (error) {
    ++counters_.errors;
    counters_.last_error = *error;
    if (sdk::Counter* series = error_series_[static_cast<int>(kind)]) series->increment();
  }
}

void CallGate::countErrorsIn(sdk::Counter* calls, sdk::Counter* tasks, sdk::Counter* events) {
  std::lock_guard lock(mutex_);
  error_series_[static_cast<int>(Kind::Call)] = calls;
  error_series_[static_cast<int>(Kind::Task)] = tasks;
  error_series_[static_cast<int>(Kind::Event)] = events;
}

void CallGate::recordDrop() {
  std::lock_guard lock(mutex_);
  ++counters_.drops;
}

PluginCounters CallGate::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

}  // namespace oxd::core
