#include "writes/RepoWriter.h"

#include <oxd/disk_issue.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <thread>

#include "git/CommitAndPush.h"
#include "git/GitError.h"
#include "git/LocalCommits.h"

namespace oxd::sync {

namespace {

bool IsNetworkKind(git::GitErrorKind kind) {
  return kind == git::GitErrorKind::kTimeout || kind == git::GitErrorKind::kNetwork ||
         kind == git::GitErrorKind::kNotFound || kind == git::GitErrorKind::kNonFastForward;
}

}  // namespace

RepoWriter::RepoWriter(sdk::Reporting report, sdk::KeepAlive& keep_alive, RepoSet& repos,
                       BackgroundClones::NetworkFactory network, const std::atomic<bool>& stopping)
    : report_(report),
      keep_alive_(keep_alive),
      repos_(repos),
      network_(std::move(network)),
      stopping_(stopping) {}

WriteOutcome RepoWriter::Write(const Repo& repo, const std::string& what, const WriteFiles& write,
                               const std::string& message,
                               const std::vector<git::ResolveRule>& default_rules) {
  WriteOutcome outcome;
  sdk::PendingWork hold = keep_alive_.keepAlive(what);
  git::NetworkOptions network = network_();

  // The mark has no waiters' queue (pulls skip when it is taken); a write must not be skipped,
  // so it retries until the pull in flight ends — bounded by what that pull may take.
  std::optional<SyncingMark> mark;
  auto give_up = std::chrono::steady_clock::now() + 2 * network.timeout + std::chrono::seconds(5);
  while (true) {
    mark.emplace(repos_, repo.id);
    if (mark->held()) break;
    mark.reset();
    if (stopping_.load() || std::chrono::steady_clock::now() > give_up) {
      outcome.error = repo.name + " stayed busy with a pull";
      report_.log.warning("%s not written: %s", what, outcome.error);
      report_.errors.add("commit_failed", what + " not written: " + outcome.error,
                         sdk::Severity::Error);
      return outcome;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  std::error_code missing;
  if (!std::filesystem::exists(repo.path / ".git", missing)) {
    // Writing first would leave a non-empty directory where the clone has to land.
    outcome.error = repo.name + " is not cloned yet";
    report_.log.warning("%s not written: %s", what, outcome.error);
    report_.errors.add("commit_failed", what + " not written: " + outcome.error,
                       sdk::Severity::Error);
    return outcome;
  }

  git::CommitRequest request;
  request.message = message;
  request.default_rules = default_rules;
  try {
    request.paths = write();
    git::Identity identity = git::CommitIdentity(repo.path);
    request.author_name = identity.name;
    request.author_email = identity.email;
  } catch (const std::exception& error) {
    outcome.error = std::string("write failed: ") + error.what();
    sdk::raiseDiskIssue(report_.issues, repo.id, sdk::diskProblemOf(error),
                        "the checkout of " + repo.name, error.what());
    report_.log.error("%s: %s", what, outcome.error);
    report_.errors.add("commit_failed", what + ": " + outcome.error, sdk::Severity::Error);
    return outcome;
  }

  try {
    git::CommitReport report = git::CommitAndPush(repo.path, request, network);
    sdk::clearDiskIssues(report_.issues, repo.id);
    outcome.committed = report.committed;
    outcome.pushed = true;
    outcome.commit = report.commit;
    report_.log.information("%s: %s %s and pushed (%d push attempt(s))", what,
                            std::string(report.committed ? "committed" : "already committed"),
                            report.commit.substr(0, 12), report.push_attempts);
    return outcome;
  } catch (const git::GitError& error) {
    // CommitAndPush commits before it pushes: find out which of the two failed.
    std::size_t unpushed = 0;
    try {
      unpushed = git::CommitsAhead(repo.path);
    } catch (const git::GitError&) {
    }
    outcome.committed = unpushed > 0;
    outcome.error = error.what();
    if (outcome.committed) {
      std::string text = what + ": committed locally, push failed (" + outcome.error +
                         "); the next sync of " + repo.name + " pushes it";
      report_.log.warning("%s", text);
      report_.errors.add(
          "push_failed", text,
          IsNetworkKind(error.kind()) ? sdk::Severity::Warning : sdk::Severity::Error);
    } else {
      sdk::raiseDiskIssue(report_.issues, repo.id, sdk::diskProblemOf(outcome.error),
                          "the checkout of " + repo.name, outcome.error);
      std::string text = what + ": commit failed: " + outcome.error;
      report_.log.error("%s", text);
      report_.errors.add("commit_failed", text, sdk::Severity::Error);
    }
  }
  return outcome;
}

}  // namespace oxd::sync
