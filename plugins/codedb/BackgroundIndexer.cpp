#include "BackgroundIndexer.h"

#include <algorithm>

namespace oxd::codedb {

BackgroundIndexer::BackgroundIndexer(RunIndex run)
    : run_(std::move(run)), thread_([this] { Loop(); }) {}

BackgroundIndexer::~BackgroundIndexer() { Stop(); }

void BackgroundIndexer::Request(IndexStore& store) {
  std::lock_guard lock(mutex_);
  if (stopping_ || std::find(pending_.begin(), pending_.end(), &store) != pending_.end()) return;
  pending_.push_back(&store);
  wake_.notify_one();
}

void BackgroundIndexer::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    pending_.clear();
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void BackgroundIndexer::Loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    if (stopping_) return;
    IndexStore* store = pending_.front();
    pending_.pop_front();
    lock.unlock();
    run_(*store);  // reports its own failures
    lock.lock();
  }
}

}  // namespace oxd::codedb
