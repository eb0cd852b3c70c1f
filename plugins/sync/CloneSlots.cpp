#include "CloneSlots.h"

#include <algorithm>

namespace oxd::sync {

CloneSlots::Slot CloneSlots::Acquire(std::chrono::milliseconds wait,
                                     const std::atomic<bool>* cancel) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  std::unique_lock lock(mutex_);
  while (free_ == 0) {
    if (cancel && cancel->load()) return Slot();
    // Wake at least every 200 ms to notice a cancel (daemon shutdown) while waiting.
    auto until =
        std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(200));
    freed_.wait_until(lock, until);
    if (free_ == 0 && std::chrono::steady_clock::now() >= deadline) return Slot();
  }
  --free_;
  return Slot(this);
}

void CloneSlots::Release() {
  {
    std::lock_guard lock(mutex_);
    ++free_;
  }
  freed_.notify_one();
}

}  // namespace oxd::sync
