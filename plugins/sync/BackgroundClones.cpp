#include "BackgroundClones.h"

#include <filesystem>
#include <system_error>

#include "AuthIssue.h"
#include "git/Clone.h"
#include "git/GitError.h"
#include "git/RepoState.h"

namespace oxd::sync {

namespace fs = std::filesystem;

namespace {

bool IsPermanent(git::GitErrorKind kind) {
  return kind == git::GitErrorKind::kAuthentication || kind == git::GitErrorKind::kNotFound;
}

std::string Hint(git::GitErrorKind kind, const std::string& message) {
  if (message.find("403") != std::string::npos) {
    return "access denied: you are not a member of this team";
  }
  if (IsPermanent(kind)) return "likely needs a new token or a permission fix";
  return "will retry";
}

// A directory there without .git (a half-made or foreign copy) would make the clone fail for
// ever; move it aside (never delete) so the clone can take its place.
void ClearDestination(const Repo& repo, Poco::Logger& logger) {
  std::error_code error;
  if (!fs::is_directory(repo.path, error) || fs::is_empty(repo.path, error)) return;
  fs::path aside = git::MoveAside(repo.path);
  logger.warning("%s: %s held files but no .git; moved to %s before cloning", repo.name,
                 repo.path.string(), aside.string());
}

}  // namespace

BackgroundClones::BackgroundClones(sdk::Reporting report, RepoSet& repos, CloneSlots& slots,
                                   EventPublisher& events, NetworkFactory network)
    : report_(report),
      repos_(repos),
      slots_(slots),
      events_(events),
      network_(std::move(network)) {}

BackgroundClones::~BackgroundClones() { StopAndJoin(); }

bool BackgroundClones::Start(const Repo& repo, bool honour_backoff) {
  if (stopping_.load() || repo.url.empty()) return false;
  std::error_code ignored;
  if (fs::exists(repo.path / ".git", ignored)) return false;
  RepoRuntime state = repos_.State(repo.id);
  if (honour_backoff && !state.clone_backoff.Allows(Clock::now())) return false;
  if (!repos_.TryBeginClone(repo.id)) return false;
  std::lock_guard lock(workers_mutex_);
  JoinFinished();
  Worker& worker = workers_.emplace_back();
  worker.thread = std::thread([this, repo, done = worker.done] {
    Clone(repo);
    repos_.EndClone(repo.id);
    done->store(true);
  });
  return true;
}

void BackgroundClones::Clone(const Repo& repo) {
  Poco::Logger& logger = report_.log;
  auto started = std::chrono::steady_clock::now();
  git::NetworkOptions options = network_();
  options.cancel = &stopping_;
  CloneSlots::Slot slot = slots_.Acquire(CloneSlots::kWait, &stopping_);
  if (!slot) {
    // Transient and not the repo's fault: no backoff, the next tick tries again.
    if (!stopping_.load()) {
      logger.warning("%s: clone semaphore timeout after 2m0s: all %d slots busy", repo.name,
                     CloneSlots::kSlots);
    }
    return;
  }
  try {
    logger.information("%s: cloning %s into %s", repo.name, git::SanitizeCredentials(repo.url),
                       repo.path.string());
    fs::create_directories(repo.path.parent_path());
    ClearDestination(repo, logger);
    git::CloneReport report = git::CloneRepository({repo.url, repo.path, ""}, options);
    auto duration = std::chrono::steady_clock::now() - started;
    repos_.Update(repo.id, [](RepoRuntime& state) {
      state.exists = true;
      state.last_error.clear();
      state.clone_backoff.Clear();
      if (state.last_sync == Clock::time_point{}) state.last_sync = Clock::now();
    });
    report_.issues.clear("clone_failed", repo.id);
    ClearAuthExpired(report_.issues, repo);
    logger.information("%s: cloned into %s at %s", repo.name, repo.path.string(), report.head);
    events_.RepoCloned(repo, report.head);
    events_.SyncComplete(repo, "clone", true, duration);
  } catch (const std::exception& exception) {
    if (stopping_.load()) return;  // cancelled by shutdown: not a failure of the repo
    auto kind = git::GitErrorKind::kOther;
    if (auto* error = dynamic_cast<const git::GitError*>(&exception)) kind = error->kind();
    std::string message = exception.what();
    int attempt = 0;
    repos_.Update(repo.id, [&](RepoRuntime& state) {
      state.clone_backoff.RecordFailure(Clock::now(),
                                        IsPermanent(kind) ? kPermanentCloneBackoff : kCloneBackoff);
      attempt = state.clone_backoff.failures();
      state.last_error = "clone failed (attempt " + std::to_string(attempt) + ", " +
                         Hint(kind, message) + "): " + message;
    });
    std::string summary = "Clone of " + repo.name + " failed (attempt " + std::to_string(attempt) +
                          ", " + Hint(kind, message) + "): " + message;
    report_.issues.set(
        sdk::Issue{"clone_failed", sdk::Severity::Error, repo.id, summary, {}, false});
    if (kind == git::GitErrorKind::kAuthentication) RaiseAuthExpired(report_.issues, repo, message);
    // One entry per repo in the error store, replaced on each attempt: offline does not flood.
    report_.errors.add("clone_failed", summary, sdk::Severity::Error);
    if (attempt == 1) {
      logger.warning("%s", summary);
    } else {
      logger.debug("%s", summary);
    }
    events_.SyncComplete(repo, "clone", false, std::chrono::steady_clock::now() - started);
  }
}

void BackgroundClones::JoinFinished() {
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
}

void BackgroundClones::StopAndJoin() {
  stopping_.store(true);
  std::list<Worker> workers;
  {
    std::lock_guard lock(workers_mutex_);
    workers.swap(workers_);
  }
  for (Worker& worker : workers) {
    if (worker.thread.joinable()) worker.thread.join();
  }
}

}  // namespace oxd::sync
