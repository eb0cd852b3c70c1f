// One index run at a time in the daemon (docs/behavior.md#code-index): a second `code_index` is
// refused at once, background runs wait their turn. Knows the active run for status, and stops it
// on shutdown.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "IndexStore.h"

namespace oxd::codedb {

struct ActiveRun {
  std::string target;  // IndexTarget::name
  std::string stage;   // IndexProgress::stage
  int percent = 0;
  bool full = false;
  std::int64_t started_ns = 0;  // system clock
};

class IndexRuns {
 public:
  // Without waiting: nullopt when another run is active.
  std::optional<IndexReport> TryRun(IndexStore& store, IndexOptions options);
  // Waits for the active run to end first (background triggers).
  IndexReport Run(IndexStore& store, IndexOptions options);

  std::optional<ActiveRun> Active() const;
  bool IsActive(const std::string& target) const;
  // Stops the active run between two commits (its open batch is kept); from any thread.
  void CancelActive() { cancel_ = true; }
  // Cancels the active run and every later one: the daemon is stopping.
  void Shutdown();

 private:
  IndexReport RunLocked(IndexStore& store, IndexOptions options);

  std::mutex run_mutex_;
  mutable std::mutex active_mutex_;
  std::optional<ActiveRun> active_;
  std::atomic<bool> cancel_{false};
  std::atomic<bool> shutdown_{false};
};

}  // namespace oxd::codedb
