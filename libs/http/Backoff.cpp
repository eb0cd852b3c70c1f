#include "http/Backoff.h"

#include <algorithm>

namespace oxd::http {

Backoff::Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap)
    : base_(base), cap_(cap) {}

std::chrono::milliseconds Backoff::next() {
  int shift = std::min(failures_, 30);
  ++failures_;
  double full = static_cast<double>(base_.count()) * static_cast<double>(1LL << shift);
  full = std::min(full, static_cast<double>(cap_.count()));
  std::uniform_real_distribution<double> half_to_full(full / 2, full);
  return std::chrono::milliseconds(static_cast<std::int64_t>(half_to_full(random_)));
}

}  // namespace oxd::http
