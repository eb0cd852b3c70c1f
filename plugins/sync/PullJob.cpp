#include "PullJob.h"

#include <oxd/json.h>

#include <filesystem>
#include <system_error>

#include "git/Fetch.h"
#include "git/LockFiles.h"
#include "git/RemoteHead.h"
#include "git/RepoState.h"

namespace oxd::sync {

namespace fs = std::filesystem;

namespace {

std::string JoinPaths(const std::vector<std::string>& paths, std::size_t limit = 5) {
  std::string text;
  for (std::size_t i = 0; i < paths.size() && i < limit; ++i) {
    text += (i ? ", " : "") + paths[i];
  }
  if (paths.size() > limit) text += " and " + std::to_string(paths.size() - limit) + " more";
  return text;
}

PullResult Skipped(std::string message, bool in_sync = false) {
  PullResult result;
  result.status = PullResult::Status::kSkipped;
  result.message = std::move(message);
  result.in_sync = in_sync;
  return result;
}

PullResult Failed(std::string message, std::optional<git::GitErrorKind> kind) {
  PullResult result;
  result.status = PullResult::Status::kFailed;
  result.message = std::move(message);
  result.error_kind = kind;
  return result;
}

}  // namespace

PullJob::PullJob(const Repo& repo, PullOptions options, sdk::IssueSink& issues,
                 Poco::Logger& logger, StageSink stages)
    : repo_(repo),
      options_(std::move(options)),
      issues_(issues),
      logger_(logger),
      stages_(std::move(stages)) {}

void PullJob::Stage(std::string_view stage, std::string_view message) const {
  if (stages_) stages_(stage, message);
}

PullResult PullJob::Run() {
  if (auto stop = CheckLocalState()) return *stop;
  if (auto stop = CheckRemote()) return *stop;
  // Only when the ref listing worked and showed news: a failing remote goes on to the fetch, so
  // its error is reported and backed off instead of hidden behind an old FETCH_HEAD.
  if (options_.mode == SyncMode::kBackground && remote_listed_ && RecentlyFetched()) {
    Stage("skipped", "Recently fetched, skipping pull");
    return Skipped("recently fetched");
  }
  return FetchAndIntegrate();
}

std::optional<PullResult> PullJob::CheckLocalState() {
  git::RepoState state = git::InspectRepo(repo_.path);
  if (state.condition == git::RepoCondition::kLocked) {
    bool removed_any = false;
    for (const git::LockFile& lock : state.locks) {
      if (lock.stale && git::RemoveStaleLock(lock)) {
        logger_.warning("%s: removed stale lock %s (%?d s old, no process holds it open)",
                        repo_.name, lock.path.string(), static_cast<long>(lock.age.count()));
        removed_any = true;
      }
    }
    if (removed_any) state = git::InspectRepo(repo_.path);
  }
  switch (state.condition) {
    case git::RepoCondition::kNotCloned: {
      PullResult result;
      result.status = PullResult::Status::kNeedsClone;
      result.message = "not cloned";
      return result;
    }
    case git::RepoCondition::kCorrupt: {
      try {
        fs::path aside = git::MoveAside(repo_.path);
        logger_.warning("%s: checkout at %s is corrupt (%s); moved to %s, re-cloning", repo_.name,
                        repo_.path.string(), state.detail, aside.string());
      } catch (const std::exception& error) {
        return Failed("corrupt " + repo_.type + " at " + repo_.path.string() +
                          " but rename failed: " + error.what(),
                      git::GitErrorKind::kOther);
      }
      PullResult result;
      result.status = PullResult::Status::kNeedsClone;
      result.message = "corrupt checkout moved aside";
      return result;
    }
    case git::RepoCondition::kRebaseInProgress:
      issues_.set(sdk::Issue{"rebase_stuck",
                             sdk::Severity::Error,
                             repo_.id,
                             "A rebase is in progress in " + repo_.path.string() + " (" +
                                 state.detail + "): finish it or run 'git rebase --abort' there",
                             {},
                             true});
      Stage("skipped", "Rebase in progress, skipping pull");
      return Skipped("rebase in progress");
    case git::RepoCondition::kLocked: {
      std::vector<std::string> names;
      for (const git::LockFile& lock : state.locks) {
        names.push_back(lock.path.lexically_relative(state.git_dir).string());
      }
      std::string list = JoinPaths(names, names.size());
      std::string hint = names.size() == 1 ? names.front() : "{" + list + "}";
      issues_.set(sdk::Issue{"git_lock",
                             sdk::Severity::Warning,
                             repo_.id,
                             "Git lock files in " + state.git_dir.string() + ": " + list +
                                 " (another git process is running, or remove them: rm " +
                                 state.git_dir.string() + "/" + hint + ")",
                             {},
                             false});
      Stage("skipped", "Git lock files present, skipping pull");
      return Skipped("locked: " + list);
    }
    case git::RepoCondition::kReady:
      break;
  }
  issues_.clear("rebase_stuck", repo_.id);
  issues_.clear("git_lock", repo_.id);
  return std::nullopt;
}

std::optional<PullResult> PullJob::CheckRemote() {
  try {
    git::RemoteHeadCheck check = git::CheckRemoteHead(repo_.path, options_.network);
    remote_listed_ = true;
    if (check.remote_equals_head) {
      Stage("skipped", "Remote unchanged, skipping pull");
      return Skipped("remote unchanged", true);
    }
    if (check.nothing_to_pull) {
      Stage("skipped", "Remote unchanged (local commits not pushed yet), skipping pull");
      return Skipped("remote unchanged", true);
    }
    return std::nullopt;
  } catch (const git::GitError& error) {
    // A refused token or a dead remote will not do better on a fetch: stop here, once.
    switch (error.kind()) {
      case git::GitErrorKind::kAuthentication:
      case git::GitErrorKind::kTimeout:
      case git::GitErrorKind::kCancelled:
        return Failed(std::string("fetch failed: ") + error.what(), error.kind());
      default:
        // The ref listing is an optimisation: let the fetch try, and report its error.
        logger_.debug("%s: remote head check failed (%s); fetching", repo_.name,
                      std::string(error.what()));
        return std::nullopt;
    }
  }
}

bool PullJob::RecentlyFetched() const {
  std::error_code error;
  auto written = fs::last_write_time(repo_.path / ".git" / "FETCH_HEAD", error);
  if (error) return false;
  auto age = fs::file_time_type::clock::now() - written;
  return age >= fs::file_time_type::duration::zero() && age < options_.min_fetch_age;
}

PullResult PullJob::FetchAndIntegrate() {
  auto started = std::chrono::steady_clock::now();
  Stage("fetching", "Fetching from remote...");
  try {
    git::FetchUpstream(repo_.path, options_.network);
  } catch (const git::GitError& error) {
    return Failed(std::string("fetch failed: ") + error.what(), error.kind());
  }
  Stage("pulling", "Pulling changes...");
  PullResult result;
  result.fetched = true;
  try {
    result.report = git::IntegrateUpstream(repo_.path);
  } catch (const git::GitError& error) {
    PullResult failed = Failed(std::string("pull failed: ") + error.what(), error.kind());
    failed.fetched = true;
    return failed;
  }
  result.duration = std::chrono::steady_clock::now() - started;
  for (const std::string& path : result.report.interrupted_writes_removed) {
    logger_.information(
        "%s: replaced %s, a partial copy of the incoming file left by an "
        "interrupted pull",
        repo_.name, path);
  }
  if (result.report.outcome == git::PullOutcome::kMergeConflict) {
    std::string paths = JoinPaths(result.report.conflicted_paths);
    issues_.set(sdk::Issue{"merge_conflict",
                           sdk::Severity::Error,
                           repo_.id,
                           "Pull of " + repo_.name + " stopped on conflicting changes in " + paths +
                               " (no .oxd/sync.manifest rule settles them); nothing was changed: "
                               "reconcile them by hand in " +
                               repo_.path.string(),
                           {},
                           true});
    PullResult failed =
        Failed("merge conflict in " + paths + ": nothing changed", git::GitErrorKind::kConflict);
    failed.fetched = true;
    return failed;
  }
  issues_.clear("merge_conflict", repo_.id);
  result.status = PullResult::Status::kPulled;
  result.message = std::string(git::PullOutcomeName(result.report.outcome));
  return result;
}

}  // namespace oxd::sync
