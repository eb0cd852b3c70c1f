#include "Checkout.h"

#include <oxd/client_path.h>

#include <atomic>
#include <stdexcept>
#include <system_error>

#include "AuthIssue.h"
#include "git/Clone.h"
#include "git/GitError.h"
#include "git/RepoState.h"

namespace oxd::sync {

namespace fs = std::filesystem;

namespace {

Poco::JSON::Object::Ptr Result(const fs::path& path, bool already_exists, bool cloned) {
  Poco::JSON::Object::Ptr data = new Poco::JSON::Object(true);
  data->set("path", path.string());
  data->set("already_exists", already_exists);
  data->set("cloned", cloned);
  return data;
}

std::string ProgressMessage(const git::TransferProgress& step) {
  if (step.stage == "receiving") {
    return "Receiving objects: " + std::to_string(step.done) + "/" + std::to_string(step.total) +
           " (" + std::to_string(step.received_bytes / 1024) + " KiB)";
  }
  if (step.stage == "resolving") {
    return "Resolving deltas: " + std::to_string(step.done) + "/" + std::to_string(step.total);
  }
  return "Checking out files: " + std::to_string(step.done) + "/" + std::to_string(step.total);
}

}  // namespace

std::string CloneUrlProblem(const std::string& url) {
  if (url.empty()) return "clone URL is empty";
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "expected scheme://..., got " + url;
  std::string scheme = url.substr(0, scheme_end);
  if (scheme != "https" && scheme != "http" && scheme != "git" && scheme != "file") {
    return "only https, http, git and file URLs are supported, got " + scheme + "://";
  }
  return "";
}

Checkout::Checkout(sdk::Reporting report, const sdk::Workspace& workspace, RepoSet& repos,
                   CloneSlots& slots, EventPublisher& events,
                   BackgroundClones::NetworkFactory network, RepoPathPolicy policy)
    : report_(report),
      workspace_(workspace),
      repos_(repos),
      slots_(slots),
      events_(events),
      network_(std::move(network)),
      policy_(std::move(policy)) {}

Poco::JSON::Object::Ptr Checkout::Run(const CheckoutRequest& request, bool from_plugin,
                                      sdk::Progress& progress) {
  // Everything that can refuse the request runs before the first change on disk.
  if (std::string problem = sdk::clientPathTextProblem(request.repo_path); !problem.empty()) {
    throw InvalidRepoPath("the path " + problem);
  }
  fs::path path = ValidateRepoPath(request.repo_path, policy_);
  if (!from_plugin) {
    if (std::string problem = sdk::daemonDirProblem(workspace_, path); !problem.empty()) {
      throw InvalidRepoPath(problem);
    }
  }
  std::error_code error;
  if (fs::exists(path / ".git", error)) {
    progress.stage("verifying", "Already checked out at " + path.string());
    return Result(path, true, false);
  }
  if (std::string problem = CloneUrlProblem(request.clone_url); !problem.empty()) {
    throw std::runtime_error("invalid clone URL: " + problem);
  }
  bool occupied = fs::is_directory(path, error) && !fs::is_empty(path, error);
  bool ours = IsAtOrBelow(path, fs::weakly_canonical(workspace_.data_dir, error));
  if (occupied && !ours) {
    throw std::runtime_error(path.string() +
                             " exists and is not a git checkout: move it away first");
  }

  std::optional<Repo> known = repos_.FindByPath(path);
  // A background clone of the same repo would share the staging directory: one at a time.
  if (known && !repos_.TryBeginClone(known->id)) {
    throw std::runtime_error(known->name + " is being cloned in the background; try again shortly");
  }
  struct CloneMark {
    RepoSet& repos;
    std::optional<std::string> id;
    ~CloneMark() {
      if (id) repos.EndClone(*id);
    }
  } mark{repos_, known ? std::optional(known->id) : std::nullopt};

  progress.stage("connecting", "Waiting for a clone slot...");
  auto started = std::chrono::steady_clock::now();
  CloneSlots::Slot slot = slots_.Acquire();
  if (!slot) {
    throw std::runtime_error("clone semaphore timeout after 2m0s: all " +
                             std::to_string(CloneSlots::kSlots) + " slots busy");
  }
  if (occupied) {
    fs::path aside = git::MoveAside(path);
    report_.log.warning("checkout: %s held files but no .git; moved to %s", path.string(),
                        aside.string());
  }
  fs::create_directories(path.parent_path());

  std::atomic<bool> cancel{false};
  git::NetworkOptions options = network_();
  options.cancel = &cancel;
  options.on_progress = [&](const git::TransferProgress& step) {
    if (progress.cancelled()) cancel.store(true);
    progress.percent(step.stage, static_cast<int>(step.percent), ProgressMessage(step));
  };
  progress.stage("cloning", "Cloning " + git::SanitizeCredentials(request.clone_url) + "...");
  git::CloneReport report;
  try {
    report = git::CloneRepository({request.clone_url, path, ""}, options);
  } catch (const git::GitError& failure) {
    if (known && failure.kind() == git::GitErrorKind::kAuthentication) {
      RaiseAuthExpired(report_.issues, *known, failure.what());
    }
    throw std::runtime_error(std::string("clone failed: ") + failure.what());
  }

  progress.stage("verifying", "Verifying checkout...");
  if (!fs::exists(path / ".git", error)) {
    throw std::runtime_error("clone verification failed: .git directory not found");
  }
  Repo cloned =
      known ? *known
            : Repo{path.filename().string(), request.repo_type, path.filename().string(), "", path,
                   request.clone_url};
  if (known) {
    repos_.Update(known->id, [](RepoRuntime& state) {
      state.exists = true;
      state.last_error.clear();
      state.clone_backoff.Clear();
      if (state.last_sync == Clock::time_point{}) state.last_sync = Clock::now();
    });
    report_.issues.clear("clone_failed", known->id);
    ClearAuthExpired(report_.issues, *known);
  }
  report_.log.information("checkout: cloned %s into %s at %s",
                          git::SanitizeCredentials(request.clone_url), path.string(), report.head);
  // A mirror is another plugin's read-only copy (codedb's remote indexes): not a ledger or a
  // team context, so nothing that follows those (murmur relay, whispers) hears of it.
  if (request.repo_type != kMirrorType) {
    events_.RepoCloned(cloned, report.head);
    events_.SyncComplete(cloned, "clone", true, std::chrono::steady_clock::now() - started);
  }
  return Result(path, false, true);
}

}  // namespace oxd::sync
