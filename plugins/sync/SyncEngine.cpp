#include "SyncEngine.h"

#include <oxd/disk_issue.h>

#include <ctime>
#include <filesystem>
#include <system_error>

#include "AuthIssue.h"
#include "git/GitError.h"
#include "git/Repository.h"
#include "writes/PendingPush.h"

namespace oxd::sync {

namespace {

std::string ClockTime(Clock::time_point when) {
  std::time_t seconds = Clock::to_time_t(when);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[16];
  std::strftime(text, sizeof text, "%H:%M", &local);
  return text;
}

// The error store's code for a failed pull: what the user has to do differs per kind.
std::string ErrorCode(std::optional<git::GitErrorKind> kind) {
  if (!kind) return "sync_failed";
  switch (*kind) {
    case git::GitErrorKind::kAuthentication:
      return "auth_expired";
    case git::GitErrorKind::kTimeout:
    case git::GitErrorKind::kNetwork:
    case git::GitErrorKind::kNotFound:
      return "network_error";
    case git::GitErrorKind::kConflict:
      return "git_conflict";
    default:
      return "sync_failed";
  }
}

bool IsNetworkKind(std::optional<git::GitErrorKind> kind) {
  return kind && (*kind == git::GitErrorKind::kTimeout || *kind == git::GitErrorKind::kNetwork ||
                  *kind == git::GitErrorKind::kNotFound);
}

std::string OutcomeText(git::PullOutcome outcome) {
  switch (outcome) {
    case git::PullOutcome::kFastForwarded:
      return "fast-forward";
    case git::PullOutcome::kRebased:
      return "rebased";
    case git::PullOutcome::kMergeConflict:
      return "merge conflict";
    case git::PullOutcome::kUpToDate:
      break;
  }
  return "already up to date";
}

std::string PullSummary(const git::PullReport& report) {
  std::size_t files = report.files_changed.size();
  std::string text = "Pulled " + std::to_string(files) + (files == 1 ? " file" : " files") + " (" +
                     OutcomeText(report.outcome);
  if (report.local_commits_replayed > 0) {
    text += ", " + std::to_string(report.local_commits_replayed) + " local commit(s) replayed";
  }
  if (!report.auto_resolved.empty()) {
    text += ", " + std::to_string(report.auto_resolved.size()) + " conflict(s) auto-resolved";
  }
  return text + ")";
}

// HEAD for sync-state.json after a skip that proved the checkout current; "" if unreadable.
std::string HeadOrEmpty(const std::filesystem::path& path) {
  try {
    return git::HeadId(git::OpenRepository(path).get());
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace

SyncEngine::SyncEngine(sdk::Reporting report, sdk::Metrics& metrics, TokenSource tokens,
                       const SyncSettings& settings, RepoSet& repos, SyncHistory& history,
                       EventPublisher& events, BackgroundClones& clones,
                       RepoStateFiles& state_files, const std::atomic<bool>& stopping)
    : report_(report),
      metrics_(metrics),
      settings_(settings),
      repos_(repos),
      history_(history),
      events_(events),
      clones_(clones),
      state_files_(state_files),
      tokens_(std::move(tokens)),
      stopping_(stopping) {}

git::NetworkOptions SyncEngine::Network() const {
  git::NetworkOptions options;
  options.timeout = settings_.network_timeout;
  options.credentials = tokens_.Current();
  options.cancel = &stopping_;
  return options;
}

PullResult SyncEngine::SyncRepo(const Repo& repo, SyncMode mode, const StageSink& stages) {
  auto stage = [&](std::string_view name, std::string_view message) {
    if (stages) stages(name, message);
  };
  RepoRuntime state = repos_.State(repo.id);
  if (mode == SyncMode::kManual) {
    repos_.Update(repo.id, [](RepoRuntime& runtime) { runtime.pull_backoff.Clear(); });
  } else if (!state.pull_backoff.Allows(Clock::now())) {
    int failures = state.pull_backoff.failures();
    std::string retry = ClockTime(state.pull_backoff.next_attempt());
    report_.issues.set(sdk::Issue{"sync_backoff",
                                  sdk::Severity::Warning,
                                  repo.id,
                                  "Sync of " + repo.name + " suspended after " +
                                      std::to_string(failures) +
                                      " consecutive failures (retrying at " + retry + ")",
                                  {},
                                  false});
    stage("skipped", "Backing off after " + std::to_string(failures) + " failures (retrying at " +
                         retry + ")");
    PullResult result;
    result.message = "backoff";
    CountSync(repo, result);
    return result;
  }

  SyncingMark mark(repos_, repo.id);
  if (!mark.held()) {
    stage("skipped", "Pull already in progress");
    PullResult result;
    result.message = "pull already in progress";
    CountSync(repo, result);
    return result;
  }

  PullOptions options;
  options.mode = mode;
  options.min_fetch_age =
      repo.is_ledger() ? settings_.LedgerMinFetchAge() : settings_.TeamMinFetchAge();
  options.network = Network();
  PullResult result;
  try {
    result = PullJob(repo, options, report_.issues, report_.log, stages).Run();
    // The daemon's own commits whose push failed ride on the next sync (RepoWriter.h).
    if (result.status == PullResult::Status::kPulled || result.in_sync) {
      PushLocalCommits(report_, repo, options.network, stages);
    }
  } catch (const git::GitError& error) {  // local git failures (open, inspect) land here
    result.status = PullResult::Status::kFailed;
    result.message = std::string("pull failed: ") + error.what();
    result.error_kind = error.kind();
  } catch (const std::exception& error) {  // file system errors
    result.status = PullResult::Status::kFailed;
    result.message = std::string("pull failed: ") + error.what();
  }

  switch (result.status) {
    case PullResult::Status::kNeedsClone:
      repos_.Update(repo.id, [](RepoRuntime& runtime) { runtime.exists = false; });
      if (repo.url.empty()) {
        result.message = "path does not exist and no clone URL available";
        repos_.Update(repo.id, [&](RepoRuntime& runtime) { runtime.last_error = result.message; });
        stage("skipped", "Not cloned, no clone URL");
      } else if (clones_.Start(repo, mode == SyncMode::kBackground) ||
                 repos_.State(repo.id).cloning) {
        stage("cloning",
              repo.is_ledger() ? "Cloning ledger in background..." : "Cloning in background...");
      } else {
        stage("skipped", "Not cloned, clone backing off after failures");
      }
      break;
    case PullResult::Status::kSkipped:
      if (result.in_sync) RecordSuccess(repo, result);
      break;
    case PullResult::Status::kPulled:
      RecordSuccess(repo, result);
      sdk::clearDiskIssues(report_.issues, repo.id);  // it wrote to the checkout
      break;
    case PullResult::Status::kFailed:
      if (result.error_kind != git::GitErrorKind::kCancelled) RecordFailure(repo, result);
      sdk::raiseDiskIssue(report_.issues, repo.id, sdk::diskProblemOf(result.message),
                          "the checkout of " + repo.name, result.message);
      break;
  }
  CountSync(repo, result);
  return result;
}

// oxd_sync_syncs_total{repo, outcome} and, when the remote was asked, the pull's duration.
// Looked up per sync: a pull costs far more than the lookup.
void SyncEngine::CountSync(const Repo& repo, const PullResult& result) {
  const char* outcome = "skipped";
  switch (result.status) {
    case PullResult::Status::kPulled:
      outcome = "pulled";
      break;
    case PullResult::Status::kSkipped:
      outcome = result.in_sync ? "up_to_date" : "skipped";
      break;
    case PullResult::Status::kNeedsClone:
      outcome = "not_cloned";
      break;
    case PullResult::Status::kFailed:
      outcome = result.error_kind == git::GitErrorKind::kCancelled ? "cancelled" : "failed";
      break;
  }
  sdk::Metrics& metrics = metrics_;
  metrics
      .counter("oxd_sync_syncs_total", "Syncs of each repository, by outcome.",
               {{"repo", repo.id}, {"outcome", outcome}})
      .increment();
  if (result.duration.count() > 0) {
    metrics
        .histogram("oxd_sync_pull_duration_seconds", "Duration of pulls (fetch and integrate).",
                   sdk::durationBuckets(), {{"repo", repo.id}})
        .observe(std::chrono::duration<double>(result.duration).count());
  }
}

void SyncEngine::RecordSuccess(const Repo& repo, const PullResult& result) {
  int failures_before = 0;
  repos_.Update(repo.id, [&](RepoRuntime& runtime) {
    failures_before = runtime.pull_backoff.failures();
    runtime.exists = true;
    runtime.last_sync = Clock::now();
    runtime.last_error.clear();
    runtime.pull_backoff.Clear();
  });
  report_.issues.clear("sync_backoff", repo.id);
  ClearAuthExpired(report_.issues, repo);
  std::string head = result.status == PullResult::Status::kPulled ? result.report.new_head
                                                                  : HeadOrEmpty(repo.path);
  if (std::string error = state_files_.RecordSyncSuccess(repo.id, head); !error.empty()) {
    report_.log.warning("%s: %s", repo.name, error);
  }
  if (failures_before > 0) {
    report_.log.information("%s: sync works again after %d failure(s)", repo.name, failures_before);
  }
  if (result.status != PullResult::Status::kPulled) return;

  const git::PullReport& report = result.report;
  history_.Record(SyncEvent{Clock::now(), repo.is_ledger() ? "pull" : "team_context", repo.id,
                            result.duration, static_cast<int>(report.files_changed.size())});
  if (report.new_head != report.old_head) {
    report_.log.information("%s: %s %s → %s", repo.name, PullSummary(report),
                            report.old_head.substr(0, 12), report.new_head.substr(0, 12));
    events_.RepoPulled(repo, report);
  }
  events_.SyncComplete(repo, "pull", true, result.duration);
}

void SyncEngine::RecordFailure(const Repo& repo, const PullResult& result) {
  int failures = 0;
  repos_.Update(repo.id, [&](RepoRuntime& runtime) {
    runtime.last_error = result.message;
    runtime.pull_backoff.RecordFailure(Clock::now(), kSyncBackoff);
    failures = runtime.pull_backoff.failures();
  });
  if (result.error_kind == git::GitErrorKind::kAuthentication) {
    RaiseAuthExpired(report_.issues, repo, result.message);
  }
  if (std::string error = state_files_.RecordSyncFailure(repo.id); !error.empty()) {
    report_.log.warning("%s: %s", repo.name, error);
  }
  bool network = IsNetworkKind(result.error_kind);
  std::string message = repo.name + " " + result.message;
  report_.errors.add(ErrorCode(result.error_kind), message,
                     network ? sdk::Severity::Warning : sdk::Severity::Error);
  // While offline every tick fails the same way: say it once, then keep quiet until it works.
  if (failures == 1 || !network) {
    report_.log.warning("%s (failure %d, next try in %d min)", message, failures,
                        static_cast<int>(kSyncBackoff.DelayAfter(failures).count()));
  } else {
    report_.log.debug("%s (failure %d)", message, failures);
  }
  events_.SyncComplete(repo, "pull", false, result.duration);
}

std::optional<std::string> SyncEngine::SyncLedger(SyncMode mode, const StageSink& stages) {
  std::optional<Repo> ledger = repos_.Find("ledger");
  if (!ledger) {
    if (stages) stages("skipped", "No ledger configured");
    return std::nullopt;
  }
  PullResult result = SyncRepo(*ledger, mode, stages);
  if (result.status == PullResult::Status::kFailed) return "ledger " + result.message;
  if (result.status == PullResult::Status::kPulled && stages) {
    stages("complete", PullSummary(result.report));
  }
  return std::nullopt;
}

void SyncEngine::SyncTeams(SyncMode mode, const StageSink& stages) {
  auto stage = [&](std::string_view name, const std::string& message) {
    if (stages) stages(name, message);
  };
  std::vector<Repo> teams = repos_.OfType(kTeamContextType);
  if (teams.empty()) {
    stage("skipped", "No team contexts configured");
    return;
  }
  stage("starting", "Syncing " + std::to_string(teams.size()) + " team context(s)...");
  int synced = 0, skipped = 0, failed = 0, cloning = 0;
  for (const Repo& team : teams) {
    if (stopping_.load()) break;
    if (team.path.empty()) {
      ++skipped;
      continue;
    }
    if (mode == SyncMode::kBackground && team.interval.count() > 0 &&
        Clock::now() - repos_.State(team.id).last_sync < team.interval) {
      ++skipped;  // its own interval (project file) has not passed yet
      continue;
    }
    stage("syncing", "Syncing team: " + team.name);
    StageSink prefixed = [&](std::string_view name, std::string_view message) {
      stage(name, "Team " + team.name + ": " + std::string(message));
    };
    PullResult result = SyncRepo(team, mode, stages ? prefixed : StageSink());
    switch (result.status) {
      case PullResult::Status::kPulled:
        ++synced;
        stage("synced", "Team " + team.name + " synced: " + PullSummary(result.report));
        break;
      case PullResult::Status::kSkipped:
        if (result.in_sync || result.message == "recently fetched") {
          ++synced;
          stage("synced", "Team " + team.name + " synced");
        } else {
          ++skipped;
        }
        break;
      case PullResult::Status::kNeedsClone:
        if (team.url.empty()) {
          ++skipped;
        } else {
          ++cloning;
        }
        break;
      case PullResult::Status::kFailed:
        ++failed;
        stage("error", "Team " + team.name + ": " + result.message);
        break;
    }
  }
  std::string summary = "Synced " + std::to_string(synced) + ", skipped " +
                        std::to_string(skipped) + " team context(s)";
  if (cloning > 0) summary += ", cloning " + std::to_string(cloning) + " in background";
  if (failed > 0) summary += ", " + std::to_string(failed) + " failed";
  stage("complete", summary);
}

int SyncEngine::AntiEntropy(bool honour_backoff) {
  int started = 0;
  for (const Repo& repo : repos_.repos()) {
    std::error_code ignored;
    bool exists = std::filesystem::exists(repo.path / ".git", ignored);
    repos_.Update(repo.id, [exists](RepoRuntime& runtime) { runtime.exists = exists; });
    if (!exists && clones_.Start(repo, honour_backoff)) ++started;
  }
  return started;
}

}  // namespace oxd::sync
