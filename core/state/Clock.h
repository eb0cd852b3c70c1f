#pragma once
// The clock the state components read, injectable so tests move time instead of sleeping.

#include <oxd/json.h>

#include <chrono>
#include <functional>

namespace oxd::core {

// Empty means the system clock.
using Clock = std::function<sdk::Time()>;

inline sdk::Time readClock(const Clock& clock) {
  return clock ? clock() : std::chrono::system_clock::now();
}

}  // namespace oxd::core
