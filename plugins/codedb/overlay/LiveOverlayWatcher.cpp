#include "overlay/LiveOverlayWatcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace oxd::codedb {
namespace {

// A file written without pause is still refreshed this often.
std::chrono::milliseconds MaxDelay(std::chrono::milliseconds settle) {
  return std::max(settle * 10, std::chrono::milliseconds(1000));
}

constexpr std::chrono::seconds kRetryAfterFailure{1};

std::string Join(const std::string& directory, const char* name) {
  return directory.empty() ? std::string(name) : directory + "/" + name;
}

std::int64_t WallClockNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

LiveOverlay::Watcher::Watcher(LiveOverlay& owner)
    : owner_(owner),
      inotify_fd_(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)),
      scanner_(owner.worktree_, owner.options_.skip),
      watches_(inotify_fd_, scanner_.worktree(), scanner_.GitDirectory(),
               owner.options_.max_watches),
      timer_(owner.options_.settle, MaxDelay(owner.options_.settle)) {
  if (inotify_fd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "inotify_init1");
  }
}

LiveOverlay::Watcher::~Watcher() {
  if (inotify_fd_ >= 0) {
    close(inotify_fd_);
  }
}

void LiveOverlay::Watcher::Setup() {
  WatchGitDirectory();
  for (const std::string& directory : scanner_.TrackedDirectories()) {
    tracked_directories_.insert(directory);
  }
  watches_.AddTree("", false, [this](const std::string& path) { return ShouldWatch(path); });
  auto start = Clock::now();
  OverlaySnapshotPtr snapshot = scanner_.Rescan();
  owner_.Publish(snapshot);
  next_periodic_ = Clock::now() + owner_.options_.degraded_rescan_period;
  PublishStatus((Clock::now() - start).count(), "");
}

bool LiveOverlay::Watcher::ShouldWatch(const std::string& path) {
  return path.empty() || tracked_directories_.contains(path) || !scanner_.IsIgnoredDirectory(path);
}

void LiveOverlay::Watcher::WatchGitDirectory() {
  watches_.Add("", true);
  watches_.Add("refs", true);
  watches_.AddTree("refs/heads", true, [](const std::string&) { return true; });
}

void LiveOverlay::Watcher::WatchTrackedDirectories() {
  tracked_directories_.clear();
  for (const std::string& directory : scanner_.TrackedDirectories()) {
    tracked_directories_.insert(directory);
  }
  for (const std::string& directory : tracked_directories_) {
    if (!watches_.IsWatched(directory)) {
      watches_.AddTree(directory, false,
                       [this](const std::string& path) { return ShouldWatch(path); });
    }
  }
}

void LiveOverlay::Watcher::RewalkTree() {
  watches_.ClearUnwatched();
  WatchGitDirectory();
  watches_.AddTree("", false, [this](const std::string& path) { return ShouldWatch(path); });
}

void LiveOverlay::Watcher::Run() {
  owner_.thread_id_.store(static_cast<int>(syscall(SYS_gettid)));
  pollfd fds[2] = {{owner_.wake_fd_, POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
  while (!owner_.stop_.load()) {
    int timeout = timer_.PollTimeoutMs(Clock::now(), WakeAt());
    if (poll(fds, 2, timeout) < 0 && errno != EINTR) {
      break;
    }
    auto now = Clock::now();
    if ((fds[0].revents & POLLIN) != 0) {
      OnWake(now);
    }
    if (owner_.stop_.load()) {
      break;
    }
    if ((fds[1].revents & POLLIN) != 0) {
      ReadEvents(now);
    }
    now = Clock::now();
    if (degraded() && !overflowed_ && now >= next_periodic_) {
      // Unwatched directories send nothing: look at everything, and try their watches again.
      pending_full_ = true;
      rewalk_ = true;
      timer_.Expedite(now);
    }
    if (retry_at_ && now >= *retry_at_) {
      retry_at_.reset();
      timer_.Expedite(now);
    }
    if (timer_.Due(now) && !retry_at_) {
      Settle();
    }
  }
}

void LiveOverlay::Watcher::OnWake(Clock::time_point now) {
  std::uint64_t count = 0;
  while (read(owner_.wake_fd_, &count, sizeof count) > 0) {
  }
  if (owner_.overflow_requested_.exchange(false)) {
    OnOverflow();
    timer_.Note(now);
  }
  if (owner_.rescan_requested_.exchange(false)) {
    pending_full_ = true;
    timer_.Expedite(now);
  }
}

std::optional<LiveOverlay::Watcher::Clock::time_point> LiveOverlay::Watcher::WakeAt() const {
  if (retry_at_) {
    return retry_at_;
  }
  if (degraded() && !overflowed_) {
    return next_periodic_;
  }
  return std::nullopt;
}

void LiveOverlay::Watcher::ReadEvents(Clock::time_point now) {
  alignas(inotify_event) char buffer[64 * 1024];
  while (true) {
    ssize_t got = read(inotify_fd_, buffer, sizeof buffer);
    if (got <= 0) {
      break;  // EAGAIN: drained
    }
    for (char* at = buffer; at < buffer + got;) {
      const auto& event = *reinterpret_cast<const inotify_event*>(at);
      at += sizeof(inotify_event) + event.len;
      if ((event.mask & IN_Q_OVERFLOW) != 0) {
        OnOverflow();
        timer_.Note(now);
        continue;
      }
      if ((event.mask & IN_IGNORED) != 0) {
        watches_.Forget(event.wd);
        continue;
      }
      const DirectoryWatches::Watched* watched = watches_.Find(event.wd);
      if (watched == nullptr || event.len == 0) {
        continue;  // a removed watch's late events, or an event on the directory itself
      }
      // Copied: the handlers may add or drop watches, moving the entry.
      std::string directory = watched->path;
      if (watched->git) {
        OnGitEvent(directory, event);
      } else {
        OnTreeEvent(directory, event);
      }
    }
  }
}

void LiveOverlay::Watcher::OnTreeEvent(const std::string& directory, const inotify_event& event) {
  if (directory.empty() && std::string_view(event.name) == ".git") {
    return;
  }
  std::string path = Join(directory, event.name);
  if ((event.mask & IN_ISDIR) != 0) {
    if ((event.mask & (IN_CREATE | IN_MOVED_TO)) != 0 && ShouldWatch(path)) {
      watches_.AddTree(path, false,
                       [this](const std::string& below) { return ShouldWatch(below); });
    } else if ((event.mask & IN_MOVED_FROM) != 0) {
      watches_.RemoveTree(path);
    } else if ((event.mask & IN_DELETE) == 0) {
      return;  // attributes of a directory: nothing git status shows
    }
  } else if (std::string_view(event.name) == ".gitignore") {
    // What is ignored below it changed: files may appear or vanish, directories too.
    pending_full_ = true;
    rewalk_ = true;
  }
  pending_paths_.insert(std::move(path));
  timer_.Note(Clock::now());
}

void LiveOverlay::Watcher::OnGitEvent(const std::string& directory, const inotify_event& event) {
  std::string_view name = event.name;
  if (name.ends_with(".lock")) {
    return;  // the rename that follows is the change
  }
  std::string path = Join(directory, event.name);
  bool in_heads = path.starts_with("refs/heads/");
  if ((event.mask & IN_ISDIR) != 0 && (event.mask & (IN_CREATE | IN_MOVED_TO)) != 0 &&
      (in_heads || path == "refs/heads" || path == "refs")) {
    watches_.AddTree(path, true, [](const std::string&) { return true; });
  }
  bool relevant = in_heads || (directory.empty() && (name == "HEAD" || name == "packed-refs"));
  if (directory.empty() && name == "index") {
    index_changed_ = true;
    relevant = true;
  }
  if (relevant) {
    pending_full_ = true;
    timer_.Note(Clock::now());
  }
}

void LiveOverlay::Watcher::OnOverflow() {
  overflowed_ = true;
  ++overflows_;
  pending_full_ = true;
  rewalk_ = true;
  index_changed_ = true;
  PublishStatus(std::nullopt, std::nullopt);
}

void LiveOverlay::Watcher::Settle() {
  timer_.Clear();
  auto start = Clock::now();
  OverlaySnapshotPtr before = scanner_.current();
  bool full = pending_full_ || degraded();
  try {
    if (index_changed_) {
      WatchTrackedDirectories();
    }
    if (rewalk_ || (full && watches_.unwatched() > 0)) {
      RewalkTree();
    }
    OverlaySnapshotPtr after;
    if (full) {
      after = scanner_.Rescan();
    } else {
      after =
          scanner_.Refresh(std::vector<std::string>(pending_paths_.begin(), pending_paths_.end()));
    }
    pending_paths_.clear();
    pending_full_ = index_changed_ = rewalk_ = false;
    overflowed_ = false;
    ++refreshes_;
    next_periodic_ = Clock::now() + owner_.options_.degraded_rescan_period;
    owner_.Publish(after);
    PublishStatus((Clock::now() - start).count(), "");
    std::vector<OverlayChange> changes = ChangesBetween(*before, *after, scanner_.worktree());
    if (owner_.on_settled_) {
      owner_.on_settled_(changes);
    }
  } catch (const std::exception& failure) {
    // Mid-checkout, a lock held…: keep the last snapshot, try a full rescan again shortly.
    pending_full_ = true;
    retry_at_ = Clock::now() + kRetryAfterFailure;
    PublishStatus(std::nullopt, std::string(failure.what()));
  }
}

void LiveOverlay::Watcher::PublishStatus(std::optional<std::int64_t> took_ns,
                                         std::optional<std::string> error) {
  std::lock_guard lock(owner_.mutex_);
  OverlayStatus& status = owner_.status_;
  status.running = true;
  status.degraded = degraded();
  status.degraded_reason.clear();
  if (overflowed_) {
    status.degraded_reason = "inotify event queue overflowed; rescanning";
  } else if (watches_.unwatched() > 0) {
    status.degraded_reason = std::to_string(watches_.unwatched()) + " directories unwatched: " +
                             (watches_.hit_kernel_limit() ? "inotify watch limit reached (raise "
                                                            "fs.inotify.max_user_watches)"
                                                          : "max_watches reached") +
                             "; full rescan every " +
                             std::to_string(owner_.options_.degraded_rescan_period.count()) + " ms";
  }
  status.watched_directories = watches_.size();
  status.unwatched_directories = watches_.unwatched();
  status.overflows = overflows_;
  status.rescans = scanner_.rescans();
  if (error) {
    status.last_error = std::move(*error);
  }
  if (took_ns) {
    status.refreshes = refreshes_;
    status.dirty_files = scanner_.current() ? scanner_.current()->files().size() : 0;
    status.last_refresh_ns = WallClockNs();
    status.last_refresh_took_ns = *took_ns;
  }
}

}  // namespace oxd::codedb
