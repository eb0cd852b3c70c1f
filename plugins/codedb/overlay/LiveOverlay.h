// The dirty overlay kept current: inotify on the working tree's directories (every one that
// is not ignored, plus ignored ones holding tracked files) and on the git directory (HEAD,
// index, refs/heads), events collapsed for `settle`, then one incremental Refresh (or a full
// Rescan when HEAD, the index or a .gitignore changed) and one callback with what changed.
// README.md ("Dirty overlay") explains the degraded mode and the figures.
//
// Threading: Start, Stop and the destructor from one owning thread; Snapshot, Status,
// RescanNow and SimulateOverflowForTest from any thread. The callback runs on the overlay's
// own thread: it must return quickly and must not call Stop (that would wait for itself).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "extract/SkipRules.h"
#include "overlay/OverlayChanges.h"
#include "overlay/OverlaySnapshot.h"

namespace oxd::codedb {

struct LiveOverlayOptions {
  std::chrono::milliseconds settle{100};
  SkipOptions skip;
  // Past this many inotify watches the overlay behaves as when the kernel refuses more
  // (ENOSPC, fs.inotify.max_user_watches): degraded. For tests; the kernel's limit applies
  // anyway.
  std::size_t max_watches = std::numeric_limits<std::size_t>::max();
  // While directories are unwatched (watch limit), changes there bring no event: a full
  // rescan (and a retry of the missing watches) runs this often. Only then; otherwise an idle
  // overlay sleeps.
  std::chrono::milliseconds degraded_rescan_period{5000};
};

struct OverlayStatus {
  bool running = false;
  bool degraded = false;
  std::string degraded_reason;  // empty when not degraded
  std::size_t watched_directories = 0;
  std::size_t unwatched_directories = 0;  // left out by the watch limit
  std::size_t dirty_files = 0;
  std::int64_t last_refresh_ns = 0;  // system clock, ns since the epoch; 0: none yet
  std::int64_t last_refresh_took_ns = 0;
  std::uint64_t refreshes = 0;  // incremental and full
  std::uint64_t rescans = 0;    // full ones among them
  std::uint64_t overflows = 0;
  std::string last_error;  // the last failed refresh (retried), empty when the last one worked
};

class LiveOverlay {
 public:
  using SettledCallback = std::function<void(const std::vector<OverlayChange>&)>;

  // `on_settled` is called after each settled batch (not for the initial scan), with what
  // changed in the working tree — possibly nothing: a commit or checkout that only moved HEAD
  // or the index, ignored files. Snapshot() already returns the new state when it runs. The
  // callback itself may be empty.
  LiveOverlay(std::string worktree, LiveOverlayOptions options, SettledCallback on_settled);
  LiveOverlay(std::string worktree, std::chrono::milliseconds settle, SettledCallback on_settled,
              SkipOptions skip = {});
  ~LiveOverlay();
  LiveOverlay(const LiveOverlay&) = delete;
  LiveOverlay& operator=(const LiveOverlay&) = delete;

  // Sets up the watches, runs the initial Rescan on the calling thread, then starts the
  // thread. Throws std::runtime_error (not a repository) or std::system_error (inotify).
  void Start();
  // Wakes and joins the thread; idempotent.
  void Stop();

  // The latest published snapshot (never null after Start).
  OverlaySnapshotPtr Snapshot() const;
  OverlayStatus Status() const;
  // A full rescan at once (no settle wait): after HEAD moved under the overlay, on doctor.
  void RescanNow();

  // Test hooks: behave as if IN_Q_OVERFLOW had been read; the watcher thread's kernel id.
  void SimulateOverflowForTest();
  int WatcherThreadIdForTest() const { return thread_id_.load(); }

 private:
  class Watcher;

  void Publish(OverlaySnapshotPtr snapshot);
  void Wake();

  std::string worktree_;
  LiveOverlayOptions options_;
  SettledCallback on_settled_;

  std::unique_ptr<Watcher> watcher_;  // the thread's state; built in Start
  std::thread thread_;
  std::atomic<int> thread_id_{0};
  int wake_fd_ = -1;  // eventfd: stop, rescan and overflow requests
  std::atomic<bool> stop_{false};
  std::atomic<bool> rescan_requested_{false};
  std::atomic<bool> overflow_requested_{false};

  mutable std::mutex mutex_;
  OverlaySnapshotPtr snapshot_;  // guarded by mutex_
  OverlayStatus status_;         // guarded by mutex_
};

}  // namespace oxd::codedb
