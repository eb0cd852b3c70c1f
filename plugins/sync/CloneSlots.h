// At most 3 clones at once per daemon (docs/behavior.md#clone-slots): a clone moves a whole
// repository over the network and the disk. A caller waits up to 2 minutes for a slot, in arrival
// order of the condition variable; it never fails with "busy" before that. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace oxd::sync {

class CloneSlots {
 public:
  static constexpr int kSlots = 3;
  static constexpr std::chrono::minutes kWait{2};

  class Slot {
   public:
    Slot() = default;
    explicit Slot(CloneSlots* owner) : owner_(owner) {}
    Slot(Slot&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (owner_) owner_->Release();
    }
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    CloneSlots* owner_ = nullptr;
  };

  explicit CloneSlots(int slots = kSlots) : free_(slots) {}

  // An empty Slot when none freed up within `wait` or `cancel` was set meanwhile.
  Slot Acquire(std::chrono::milliseconds wait = kWait, const std::atomic<bool>* cancel = nullptr);

 private:
  void Release();

  std::mutex mutex_;
  std::condition_variable freed_;
  int free_;  // guarded by mutex_
};

}  // namespace oxd::sync
