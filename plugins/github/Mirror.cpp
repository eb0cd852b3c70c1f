#include "Mirror.h"

#include <oxd/json.h>

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <ctime>

#include "SyncCursor.h"

namespace oxd::github {

namespace {

using Clock = std::chrono::system_clock;
using std::chrono::milliseconds;

constexpr auto kAuthBackoff = std::chrono::hours(1);
constexpr auto kMaxBackoff = std::chrono::hours(2);

std::string Clock24(Clock::time_point at) {
  std::time_t seconds = Clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%H:%M:%S UTC", &utc);
  return text;
}

}  // namespace

Mirror::Mirror(sdk::Host& host, GithubConfig config, Environment environment)
    : host_(host),
      config_(std::move(config)),
      environment_(std::move(environment)),
      host_name_(WebHostOf(config_.api_url)) {
  if (!config_.release_repo.empty()) {
    release_ = std::make_unique<ReleaseCheck>(
        host_.workspace().cache_dir.parent_path() / "version-check.json", config_.release_repo,
        OXD_VERSION);
  }
}

void Mirror::CheckRelease(const std::function<bool()>& cancelled) {
  if (!release_) return;
  // Requests go one at a time: while a sync runs, this check waits for its next turn.
  std::unique_lock run(run_mutex_, std::try_to_lock);
  if (!run.owns_lock()) return;
  GithubApi::Options options;
  options.api_url = config_.api_url;
  options.token = FindToken(config_, environment_, host_name_).value;
  options.timeout = std::min<milliseconds>(config_.request_timeout, std::chrono::seconds(10));
  options.user_agent = std::string("oxd/") + OXD_VERSION;
  options.attempts = 1;
  RateLimitBook book;  // a failed check is tried again in 30 minutes, never waited for
  GithubApi api(
      release_client_, book, options,
      [this, &cancelled](milliseconds duration) { return Sleep(duration, cancelled); }, nullptr);
  try {
    release_->Check(api);
    if (std::string newer = release_->UpdateAvailable(); !newer.empty()) {
      host_.logger().information("github: update available: %s (running %s)", newer,
                                 std::string(OXD_VERSION));
    }
  } catch (const ApiError& error) {
    host_.logger().warning("github: release check of %s failed: %s", config_.release_repo,
                           std::string(error.what()));
  }
}

Mirror::~Mirror() { Stop(); }

void Mirror::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  client_.capDeadlines(std::chrono::steady_clock::now());
  client_.abort();
  release_client_.capDeadlines(std::chrono::steady_clock::now());
  release_client_.abort();
}

bool Mirror::Sleep(milliseconds duration, const std::function<bool()>& cancelled) {
  auto until = std::chrono::steady_clock::now() + duration;
  std::unique_lock lock(mutex_);
  while (!stopping_ && !(cancelled && cancelled())) {
    auto now = std::chrono::steady_clock::now();
    if (now >= until) return true;
    // Wakes at least every 200 ms to see a client that hung up.
    wake_.wait_for(lock,
                   std::min<std::chrono::steady_clock::duration>(until - now, milliseconds(200)));
  }
  return false;
}

std::optional<RepoRef> Mirror::Locate() {
  const sdk::Workspace& workspace = host_.workspace();
  std::vector<Remote> remotes;
  if (workspace.github_owner.empty() || workspace.github_repo.empty()) {
    remotes = ProjectRemotes(workspace.project_root);
  }
  return LocateRepository(workspace.github_owner, workspace.github_repo, remotes, host_name_);
}

void Mirror::Fail(const std::string& error) {
  std::lock_guard lock(mutex_);
  last_error_ = error;
}

SyncReport Mirror::Sync(bool manual, const ProgressSink& progress,
                        const std::function<bool()>& cancelled) {
  SyncReport report;
  std::unique_lock run(run_mutex_, std::defer_lock);
  if (manual) {
    if (!run.try_lock()) {
      if (progress) progress("waiting", "a sync is already running; waiting for it", -1);
      run.lock();
    }
  } else if (!run.try_lock()) {
    report.skipped = true;
    return report;
  }

  Token token = FindToken(config_, environment_, host_name_);
  std::size_t token_hash = token.value.empty() ? 0 : std::hash<std::string>{}(token.value);
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      report.error = "the daemon is stopping";
      return report;
    }
    bool new_token = refused_token_ != 0 && token_hash != refused_token_;
    if (!manual && !new_token && std::chrono::steady_clock::now() < hold_until_) {
      report.skipped = true;
      return report;
    }
    syncing_ = true;
  }
  sdk::PendingWork hold = host_.keepAlive("github sync");
  auto finish = [&](const std::string& error) {
    std::lock_guard lock(mutex_);
    syncing_ = false;
    if (!error.empty()) last_error_ = error;
  };

  std::optional<RepoRef> repo = Locate();
  {
    std::lock_guard lock(mutex_);
    repo_ = repo;
  }
  if (!repo) {
    report.error =
        "no GitHub repository: set github {owner, repo} in .oxd/project.json, or add a "
        "remote on " +
        host_name_;
    finish(report.error);
    return report;
  }
  report.repo = *repo;
  const sdk::Workspace& workspace = host_.workspace();
  if (workspace.ledger_url.empty() && !std::filesystem::exists(workspace.ledger_path / ".git")) {
    report.error = "no ledger is configured: the mirror lives in the ledger";
    finish(report.error);
    return report;
  }
  if (!std::filesystem::exists(workspace.ledger_path / ".git")) {
    report.error = "the ledger is not cloned yet";
    finish(report.error);
    return report;
  }

  GithubApi::Options options;
  options.api_url = config_.api_url;
  options.token = token.value;
  options.timeout = config_.request_timeout;
  options.user_agent = std::string("oxd/") + OXD_VERSION;
  GithubApi api(
      client_, book_, options,
      [this, &cancelled](milliseconds duration) { return Sleep(duration, cancelled); },
      [this, &progress](const std::string& why, std::optional<Clock::time_point> until) {
        if (!until) {
          host_.issues().clear("github_rate_limited", "");
          return;
        }
        std::string text = "GitHub: " + why + "; waiting until " + Clock24(*until);
        host_.logger().warning("github: %s", text);
        host_.issues().set(sdk::Issue{"github_rate_limited", sdk::Severity::Warning, "", text});
        if (progress) progress("waiting", text, -1);
      });

  SyncJob job;
  job.repo = *repo;
  job.ledger = workspace.ledger_path;
  job.cursor_path = CursorPath(workspace.workspace_data_dir, host_name_, repo->owner, repo->repo);
  job.lookback = config_.lookback;
  job.progress = progress;
  job.cancelled = [this, &cancelled] {
    std::lock_guard lock(mutex_);
    return stopping_ || (cancelled && cancelled());
  };

  try {
    report.outcome = RunMirrorSync(job, api, host_);
    report.ok = true;
  } catch (const ApiError& error) {
    report.error = error.what();
    std::lock_guard lock(mutex_);
    switch (error.kind()) {
      case ApiErrorKind::kAuth:
        refused_token_ = token_hash == 0 ? 1 : token_hash;
        hold_until_ = std::chrono::steady_clock::now() + kAuthBackoff;
        host_.issues().set(sdk::Issue{
            "github_auth", sdk::Severity::Error, "",
            std::string(token.value.empty() ? "no GitHub token was found"
                                            : "GitHub refused the token from " + token.source) +
                " (" + std::to_string(error.status()) +
                "): set [github] token, GITHUB_TOKEN or GH_TOKEN, or run `gh auth login`; "
                "retried in 1 h or as soon as the token changes"});
        break;
      case ApiErrorKind::kNotFound:
        host_.issues().set(sdk::Issue{
            "github_not_found", sdk::Severity::Error, "",
            "GitHub repository " + repo->slug() + " not found, or the token cannot see it"});
        hold_until_ = std::chrono::steady_clock::now() + kAuthBackoff;
        break;
      case ApiErrorKind::kCancelled:
        break;
      default: {
        ++failures_;
        auto wait = std::min<std::chrono::steady_clock::duration>(
            config_.interval * (1 << std::min(failures_, 8)), kMaxBackoff);
        hold_until_ = std::chrono::steady_clock::now() + wait;
        host_.issues().set(
            sdk::Issue{"github_sync_failed", sdk::Severity::Warning, "",
                       "GitHub sync of " + repo->slug() + " failed: " + error.what()});
      }
    }
  } catch (const std::exception& error) {
    report.error = error.what();
    host_.issues().set(sdk::Issue{"github_sync_failed", sdk::Severity::Warning, "",
                                  "GitHub sync of " + repo->slug() + " failed: " + error.what()});
  }
  report.requests = api.requests();
  report.not_modified = api.not_modified();

  if (report.ok) {
    host_.issues().clear("github_auth", "");
    host_.issues().clear("github_not_found", "");
    host_.issues().clear("github_sync_failed", "");
    std::lock_guard lock(mutex_);
    refused_token_ = 0;
    failures_ = 0;
    hold_until_ = {};
    last_sync_ = Clock::now();
    last_error_.clear();
    prs_ = report.outcome.prs_total;
    issues_ = report.outcome.issues_total;
    host_.logger().information(
        "github: synced %s: %d PRs and %d issues changed, %d requests (%d answered 304)%s",
        repo->slug(), report.outcome.prs_changed, report.outcome.issues_changed, report.requests,
        report.not_modified,
        std::string(report.outcome.committed ? ", committed" : ", nothing to commit"));
  } else {
    host_.logger().warning("github: sync of %s failed: %s", repo->slug(), report.error);
  }
  finish(report.error);
  return report;
}

Poco::Dynamic::Var Mirror::Status() const {
  Poco::JSON::Object::Ptr status = new Poco::JSON::Object(true);
  RateLimit limit = book_.get();
  std::lock_guard lock(mutex_);
  status->set("owner", repo_ ? repo_->owner : std::string(host_.workspace().github_owner));
  status->set("repo", repo_ ? repo_->repo : std::string(host_.workspace().github_repo));
  if (last_sync_ != Clock::time_point{}) status->set("last_sync", sdk::formatTime(last_sync_));
  if (!last_error_.empty()) status->set("last_error", last_error_);
  status->set("syncing", syncing_);
  status->set("prs", prs_);
  status->set("issues", issues_);
  Poco::JSON::Object::Ptr rate = new Poco::JSON::Object(true);
  if (limit.remaining) rate->set("remaining", *limit.remaining);
  if (limit.reset)
    rate->set("reset", sdk::formatTime(Clock::time_point{std::chrono::seconds(*limit.reset)}));
  status->set("rate_limit", rate);
  if (release_) {
    status->set("latest_release", release_->Latest());
    if (std::string newer = release_->UpdateAvailable(); !newer.empty()) {
      status->set("update_available", newer);
    }
  }
  return status;
}

}  // namespace oxd::github
