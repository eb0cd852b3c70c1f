#include "overlay/LiveOverlay.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "overlay/LiveOverlayWatcher.h"

namespace oxd::codedb {

LiveOverlay::LiveOverlay(std::string worktree, LiveOverlayOptions options,
                         SettledCallback on_settled)
    : worktree_(std::move(worktree)), options_(options), on_settled_(std::move(on_settled)) {}

LiveOverlay::LiveOverlay(std::string worktree, std::chrono::milliseconds settle,
                         SettledCallback on_settled, SkipOptions skip)
    : LiveOverlay(std::move(worktree), LiveOverlayOptions{.settle = settle, .skip = skip},
                  std::move(on_settled)) {}

LiveOverlay::~LiveOverlay() { Stop(); }

void LiveOverlay::Start() {
  if (thread_.joinable()) {
    return;
  }
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "eventfd");
  }
  stop_ = false;
  watcher_ = std::make_unique<Watcher>(*this);
  watcher_->Setup();
  thread_ = std::thread([this] { watcher_->Run(); });
}

void LiveOverlay::Stop() {
  if (thread_.joinable()) {
    stop_ = true;
    Wake();
    thread_.join();
  }
  watcher_.reset();
  if (wake_fd_ >= 0) {
    close(wake_fd_);
    wake_fd_ = -1;
  }
  std::lock_guard lock(mutex_);
  status_.running = false;
}

OverlaySnapshotPtr LiveOverlay::Snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

OverlayStatus LiveOverlay::Status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void LiveOverlay::RescanNow() {
  rescan_requested_ = true;
  Wake();
}

void LiveOverlay::SimulateOverflowForTest() {
  overflow_requested_ = true;
  Wake();
}

void LiveOverlay::Publish(OverlaySnapshotPtr snapshot) {
  std::lock_guard lock(mutex_);
  snapshot_ = std::move(snapshot);
}

void LiveOverlay::Wake() {
  if (wake_fd_ >= 0) {
    std::uint64_t one = 1;
    // The counter only grows; a full one (never in practice) still wakes the thread.
    [[maybe_unused]] ssize_t ignored = write(wake_fd_, &one, sizeof one);
  }
}

}  // namespace oxd::codedb
