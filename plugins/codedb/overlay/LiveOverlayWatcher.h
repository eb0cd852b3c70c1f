// The state of LiveOverlay's thread (private to LiveOverlay): the inotify descriptor, the
// watches, the scanner and what is pending. Everything here is touched by that thread only,
// except during Start, before the thread exists.
#pragma once

#include <sys/inotify.h>

#include <optional>
#include <set>
#include <string>
#include <unordered_set>

#include "overlay/DirectoryWatches.h"
#include "overlay/DirtyScanner.h"
#include "overlay/LiveOverlay.h"
#include "overlay/SettleTimer.h"

namespace oxd::codedb {

class LiveOverlay::Watcher {
 public:
  explicit Watcher(LiveOverlay& owner);
  ~Watcher();
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  // On the caller of Start: watches, then the first snapshot.
  void Setup();
  // The thread's body; returns when owner.stop_ is set.
  void Run();

 private:
  using Clock = SettleTimer::Clock;

  void ReadEvents(Clock::time_point now);
  void OnTreeEvent(const std::string& directory, const inotify_event& event);
  void OnGitEvent(const std::string& directory, const inotify_event& event);
  void OnOverflow();
  void OnWake(Clock::time_point now);
  void Settle();

  bool ShouldWatch(const std::string& path);
  void WatchGitDirectory();
  void WatchTrackedDirectories();
  void RewalkTree();
  std::optional<Clock::time_point> WakeAt() const;
  bool degraded() const { return overflowed_ || watches_.unwatched() > 0; }
  // Degradation and watch counts always; the refresh figures when `took_ns` is given (a
  // refresh just completed), the error when `error` is (empty: the refresh worked).
  void PublishStatus(std::optional<std::int64_t> took_ns, std::optional<std::string> error);

  LiveOverlay& owner_;
  int inotify_fd_ = -1;
  DirtyScanner scanner_;
  DirectoryWatches watches_;
  SettleTimer timer_;

  std::set<std::string> pending_paths_;
  bool pending_full_ = false;   // HEAD, index, .gitignore, overflow, or a request
  bool index_changed_ = false;  // the tracked directories may have changed
  bool rewalk_ = false;         // re-add every missing watch (after an overflow or a limit)
  bool overflowed_ = false;     // until the rescan after it completes
  std::unordered_set<std::string> tracked_directories_;
  Clock::time_point next_periodic_{};          // degraded by the watch limit: the next full rescan
  std::optional<Clock::time_point> retry_at_;  // after a failed refresh
  std::uint64_t overflows_ = 0;
  std::uint64_t refreshes_ = 0;
};

}  // namespace oxd::codedb
