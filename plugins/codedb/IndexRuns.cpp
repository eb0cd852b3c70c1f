#include "IndexRuns.h"

#include <chrono>

namespace oxd::codedb {

std::optional<IndexReport> IndexRuns::TryRun(IndexStore& store, IndexOptions options) {
  std::unique_lock lock(run_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return std::nullopt;
  return RunLocked(store, std::move(options));
}

IndexReport IndexRuns::Run(IndexStore& store, IndexOptions options) {
  std::lock_guard lock(run_mutex_);
  return RunLocked(store, std::move(options));
}

IndexReport IndexRuns::RunLocked(IndexStore& store, IndexOptions options) {
  cancel_ = shutdown_.load();
  {
    std::lock_guard lock(active_mutex_);
    active_ = ActiveRun{store.target().name, "walk", 0, options.full,
                        std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count()};
  }
  auto forward = std::move(options.progress);
  options.progress = [this, &forward](const IndexProgress& step) {
    {
      std::lock_guard lock(active_mutex_);
      active_->stage = std::string(step.stage);
      active_->percent = step.percent;
    }
    if (forward) forward(step);
  };
  options.cancel = &cancel_;
  IndexReport report = store.Update(std::move(options));
  std::lock_guard lock(active_mutex_);
  active_.reset();
  return report;
}

std::optional<ActiveRun> IndexRuns::Active() const {
  std::lock_guard lock(active_mutex_);
  return active_;
}

bool IndexRuns::IsActive(const std::string& target) const {
  std::lock_guard lock(active_mutex_);
  return active_ && active_->target == target;
}

void IndexRuns::Shutdown() {
  shutdown_ = true;
  cancel_ = true;
}

}  // namespace oxd::codedb
