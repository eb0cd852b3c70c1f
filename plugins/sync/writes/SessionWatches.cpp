#include "writes/SessionWatches.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <thread>

#include "writes/SessionTail.h"
#include "writes/WritePaths.h"

namespace oxd::sync {

namespace fs = std::filesystem;

class SessionWatches::Watch {
 public:
  Watch(sdk::Reporting report, sdk::KeepAlive& keep_alive, std::string name,
        std::unique_ptr<SessionTail> tail)
      : report_(report), keep_alive_(keep_alive), name_(std::move(name)), tail_(std::move(tail)) {
    fs::path file(tail_->state().session_file);
    basename_ = file.filename().string();
    inotify_ = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    stop_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (inotify_ < 0 || stop_ < 0) {
      int saved = errno;
      Close();
      throw std::system_error(saved, std::generic_category(), "inotify");
    }
    // The directory, not the file: a rotation replaces the file, the directory stays.
    if (::inotify_add_watch(inotify_, file.parent_path().c_str(),
                            IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM |
                                IN_DELETE | IN_ATTRIB) < 0) {
      int saved = errno;
      Close();
      throw std::system_error(saved, std::generic_category(),
                              "watch " + file.parent_path().string());
    }
    hold_ = keep_alive_.keepAlive("session watch " + name_);
  }

  ~Watch() { Close(); }

  // Catches up once (what was written before the watch began) and starts following.
  void Begin(bool resume) {
    Copy(resume ? &SessionTail::Resume : &SessionTail::CatchUp);
    thread_ = std::thread([this] { Run(); });
  }

  // Ends the thread, copies what is left, records whether the watch goes on after a restart.
  void End(bool active) {
    std::uint64_t one = 1;
    if (::write(stop_, &one, sizeof one) < 0) {
      report_.log.warning("session %s: cannot signal the watch thread", name_);
    }
    if (thread_.joinable()) thread_.join();
    Copy(&SessionTail::CatchUp);
    try {
      tail_->Persist(active);
    } catch (const std::exception& error) {
      report_.log.error("session %s: cannot save the watch state: %s", name_,
                        std::string(error.what()));
    }
    hold_.release();
  }

  const std::string& file() const { return tail_->state().session_file; }

 private:
  void Close() {
    if (inotify_ >= 0) ::close(inotify_);
    if (stop_ >= 0) ::close(stop_);
    inotify_ = stop_ = -1;
  }

  void Copy(std::size_t (SessionTail::*step)()) {
    try {
      std::size_t lines = ((*tail_).*step)();
      if (lines > 0) {
        report_.log.debug("session %s: %?d line(s) copied", name_, static_cast<long>(lines));
      }
    } catch (const std::exception& error) {
      // Logged once per failure kind would be nicer; a failing disk fails every event anyway.
      report_.log.error("session %s: copying %s failed: %s", name_, file(),
                        std::string(error.what()));
      report_.errors.add("session_watch_failed",
                         "session " + name_ + ": copying " + file() + " failed: " + error.what(),
                         sdk::Severity::Error);
    }
  }

  void Run() {
    alignas(inotify_event) char buffer[16 * 1024];
    pollfd fds[2] = {{inotify_, POLLIN, 0}, {stop_, POLLIN, 0}};
    while (true) {
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        report_.log.error("session %s: poll failed, watch ended", name_);
        return;
      }
      if (fds[1].revents != 0) return;
      bool relevant = false;
      while (true) {
        ssize_t n = ::read(inotify_, buffer, sizeof buffer);
        if (n <= 0) break;
        for (char* at = buffer; at < buffer + n;) {
          auto* event = reinterpret_cast<inotify_event*>(at);
          if (event->mask & IN_Q_OVERFLOW) relevant = true;
          if (event->len > 0 && basename_ == event->name) relevant = true;
          if (event->mask & IN_IGNORED) {
            report_.log.warning("session %s: the directory of %s is gone, watch ended", name_,
                                file());
            return;
          }
          at += sizeof(inotify_event) + event->len;
        }
      }
      if (relevant) Copy(&SessionTail::CatchUp);
    }
  }

  sdk::Reporting report_;
  sdk::KeepAlive& keep_alive_;
  std::string name_;
  std::unique_ptr<SessionTail> tail_;
  std::string basename_;
  int inotify_ = -1;
  int stop_ = -1;
  std::thread thread_;
  sdk::PendingWork hold_;
};

SessionWatches::SessionWatches(sdk::Reporting report, sdk::KeepAlive& keep_alive,
                               fs::path sessions_root)
    : report_(report), keep_alive_(keep_alive), root_(std::move(sessions_root)) {}

SessionWatches::~SessionWatches() { StopAll(); }

void SessionWatches::Start(const std::string& name, const std::string& session_file,
                           const std::string& adapter_name) {
  CheckSessionName(name);
  fs::path file = CheckSessionFile(session_file);
  std::lock_guard lock(mutex_);
  auto found = watches_.find(name);
  if (found != watches_.end()) {
    if (found->second->file() == file.string()) return;  // already followed
    found->second->End(false);
    watches_.erase(found);
  }
  fs::path dir = root_ / name;
  std::optional<TailState> saved = SessionTail::Load(dir);
  bool resume = saved && saved->session_file == file.string();
  TailState state = resume ? *saved : TailState{};
  if (!resume) {
    // Another file for this session: raw.jsonl goes on where it is, the new file from its start.
    state.session_file = file.string();
    std::error_code ignored;
    state.raw_size =
        fs::exists(dir / kRawFile, ignored) ? fs::file_size(dir / kRawFile, ignored) : 0;
  }
  state.adapter_name = adapter_name;
  state.active = true;
  auto watch = std::make_unique<Watch>(report_, keep_alive_, name,
                                       std::make_unique<SessionTail>(dir, state));
  watch->Begin(resume);
  report_.log.information("session %s: watching %s (%s)%s", name, file.string(), adapter_name,
                          std::string(resume ? ", resumed" : ""));
  watches_.emplace(name, std::move(watch));
}

bool SessionWatches::Stop(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto found = watches_.find(name);
  if (found == watches_.end()) return false;
  found->second->End(false);
  watches_.erase(found);
  report_.log.information("session %s: watch stopped", name);
  return true;
}

void SessionWatches::ResumeAll() {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(root_, error)) {
    std::optional<TailState> state = SessionTail::Load(entry.path());
    if (!state || !state->active) continue;
    std::string name = entry.path().filename().string();
    try {
      Start(name, state->session_file, state->adapter_name);
    } catch (const std::exception& failure) {
      report_.log.warning("session %s: watch not resumed: %s", name, std::string(failure.what()));
    }
  }
}

void SessionWatches::StopAll() {
  std::lock_guard lock(mutex_);
  for (auto& [name, watch] : watches_) watch->End(true);
  watches_.clear();
}

}  // namespace oxd::sync
