#pragma once
// Exponential backoff with full jitter, bounded: the n-th consecutive failure waits a uniform
// random time in [base * 2^n / 2, base * 2^n], capped at `cap`. Not thread-safe.

#include <chrono>
#include <random>

namespace oxd::http {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap);
  // The wait before the next attempt; counts a failure.
  std::chrono::milliseconds next();
  void reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  std::chrono::milliseconds base_;
  std::chrono::milliseconds cap_;
  int failures_ = 0;
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace oxd::http
