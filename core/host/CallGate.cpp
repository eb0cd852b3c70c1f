#include "host/CallGate.h"

namespace oxd::core {

bool CallGate::enter() {
  MutexLock lock(mutex_);
  if (closed_) return false;
  ++in_flight_;
  return true;
}

void CallGate::leave() {
  MutexLock lock(mutex_);
  if (--in_flight_ == 0) idle_.notifyAll();
}

void CallGate::close() {
  MutexLock lock(mutex_);
  closed_ = true;
}

void CallGate::reopen() {
  MutexLock lock(mutex_);
  closed_ = false;
}

bool CallGate::closed() const {
  MutexLock lock(mutex_);
  return closed_;
}

bool CallGate::drain(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  MutexLock lock(mutex_);
  while (in_flight_ != 0) {
    if (!idle_.waitUntil(mutex_, deadline)) return in_flight_ == 0;
  }
  return true;
}

void CallGate::record(Kind kind, std::chrono::nanoseconds duration, const std::string* error) {
  MutexLock lock(mutex_);
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
  MutexLock lock(mutex_);
  error_series_[static_cast<int>(Kind::Call)] = calls;
  error_series_[static_cast<int>(Kind::Task)] = tasks;
  error_series_[static_cast<int>(Kind::Event)] = events;
}

void CallGate::recordDrop() {
  MutexLock lock(mutex_);
  ++counters_.drops;
}

PluginCounters CallGate::counters() const {
  MutexLock lock(mutex_);
  return counters_;
}

}  // namespace oxd::core
