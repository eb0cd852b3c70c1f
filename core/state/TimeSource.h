#pragma once
// The wall clock the state components read, injectable so tests move time instead of sleeping.

#include <oxd/json.h>

#include <chrono>
#include <functional>

namespace oxd::core {

// Empty means the system clock.
using TimeSource = std::function<sdk::Time()>;

inline sdk::Time currentTime(const TimeSource& source) {
  return source ? source() : std::chrono::system_clock::now();
}

}  // namespace oxd::core
