#include "git/Clone.h"

#include <git2.h>

#include <system_error>

#include "git/GitError.h"
#include "git/Handles.h"
#include "git/Libgit2Runtime.h"
#include "git/NetworkSession.h"
#include "git/Repository.h"

namespace oxd::git {
namespace fs = std::filesystem;

namespace {

fs::path StagingPath(const fs::path& destination) {
  return destination.parent_path() / ("." + destination.filename().string() + ".oxd-clone");
}

bool IsMissingOrEmptyDirectory(const fs::path& path) {
  std::error_code error;
  if (!fs::exists(path, error)) {
    return true;
  }
  return fs::is_directory(path, error) && fs::is_empty(path, error);
}

}  // namespace

CloneReport CloneRepository(const CloneRequest& request, const NetworkOptions& options) {
  EnsureLibgit2();
  const fs::path destination = fs::absolute(request.destination).lexically_normal();
  if (!IsMissingOrEmptyDirectory(destination)) {
    throw GitError(GitErrorKind::kOther, 0, 0,
                   "clone destination exists and is not empty: " + destination.string());
  }
  fs::create_directories(destination.parent_path());
  const fs::path staging = StagingPath(destination);
  fs::remove_all(staging);

  NetworkSession session(options);
  git_clone_options clone_options = GIT_CLONE_OPTIONS_INIT;
  clone_options.fetch_opts.callbacks = session.Callbacks();
  clone_options.checkout_opts.progress_cb = NetworkSession::OnCheckoutProgress;
  clone_options.checkout_opts.progress_payload = &session;
  if (!request.branch.empty()) {
    clone_options.checkout_branch = request.branch.c_str();
  }
  git_repository* raw_repo = nullptr;
  int rc = git_clone(&raw_repo, request.url.c_str(), staging.c_str(), &clone_options);
  RepositoryPtr repo(raw_repo);
  if (rc < 0) {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    session.ThrowIfFailed(rc, "clone " + request.url);
  }

  CloneReport report;
  report.head = HeadId(repo.get());
  git_remote* raw_remote = nullptr;
  if (git_remote_lookup(&raw_remote, repo.get(), "origin") == 0) {
    RemotePtr remote(raw_remote);
    const git_indexer_progress* stats = git_remote_stats(remote.get());
    report.received_objects = stats->received_objects;
    report.received_bytes = stats->received_bytes;
  }
  git_error_clear();
  repo.reset();

  std::error_code error;
  fs::rename(staging, destination, error);  // replaces an empty directory, never a full one
  if (error) {
    fs::remove_all(staging, error);
    throw GitError(GitErrorKind::kOther, 0, 0,
                   "move clone into place at " + destination.string() + " failed");
  }
  return report;
}

}  // namespace oxd::git
