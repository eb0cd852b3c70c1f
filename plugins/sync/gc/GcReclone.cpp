#include "gc/GcReclone.h"

#include <git2.h>

#include <system_error>

#include "gc/GcRecovery.h"
#include "git/Clone.h"
#include "git/GitError.h"
#include "git/Handles.h"
#include "git/RepoState.h"
#include "git/Repository.h"

namespace oxd::sync {

namespace fs = std::filesystem;

namespace {

using StatusListPtr = git::GitHandle<git_status_list, git_status_list_free>;

std::optional<std::string> ChangedFiles(git_repository* repo) {
  git_status_options options = GIT_STATUS_OPTIONS_INIT;
  options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
  git_status_list* raw = nullptr;
  git::ThrowIfFailed(git_status_list_new(&raw, repo, &options), "status");
  StatusListPtr list(raw);
  std::size_t count = git_status_list_entrycount(list.get());
  if (count == 0) return std::nullopt;
  std::string names;
  for (std::size_t i = 0; i < count && i < 5; ++i) {
    const git_status_entry* entry = git_status_byindex(list.get(), i);
    const git_diff_delta* delta =
        entry->index_to_workdir ? entry->index_to_workdir : entry->head_to_index;
    if (!names.empty()) names += ", ";
    names += delta && delta->new_file.path ? delta->new_file.path : "?";
  }
  if (count > 5) names += ", … (" + std::to_string(count) + " in all)";
  return "uncommitted or untracked files: " + names;
}

std::optional<std::string> UnpushedCommits(git_repository* repo) {
  git::Upstream upstream = git::ResolveUpstream(repo);
  git_oid tracking = git::ReferenceTarget(repo, upstream.tracking_ref);
  git_oid head{};
  git::ThrowIfFailed(git_reference_name_to_id(&head, repo, "HEAD"), "read HEAD");
  if (git_oid_is_zero(&tracking)) return "no upstream branch to compare with";
  std::size_t ahead = 0, behind = 0;
  git::ThrowIfFailed(git_graph_ahead_behind(&ahead, &behind, repo, &head, &tracking),
                     "compare with upstream");
  if (ahead > 0) return std::to_string(ahead) + " commit(s) not pushed";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> LocalWorkBlockingGc(const fs::path& path) {
  try {
    git::RepositoryPtr repo = git::OpenRepository(path);
    if (auto changed = ChangedFiles(repo.get())) return changed;
    if (auto unpushed = UnpushedCommits(repo.get())) return unpushed;
    git_oid stash{};
    if (git_reference_name_to_id(&stash, repo.get(), "refs/stash") == 0) return "a stash";
    return std::nullopt;
  } catch (const std::exception& error) {
    return std::string("cannot read the checkout: ") + error.what();
  }
}

bool IsUsableCheckout(const fs::path& path) {
  std::error_code ignored;
  if (!fs::exists(path / ".git", ignored)) return false;
  git::RepoCondition condition = git::InspectRepo(path).condition;
  // Locked or mid-rebase is still a checkout someone can use; the pull ladder deals with it.
  return condition != git::RepoCondition::kCorrupt && condition != git::RepoCondition::kNotCloned;
}

std::string RecloneAndSwap(const fs::path& path, const std::string& url,
                           const git::NetworkOptions& network, Poco::Logger& logger) {
  fs::path fresh = GcNewPath(path);
  fs::path old = GcOldPath(path);
  fs::remove_all(fresh);  // a failed validation of an earlier run
  git::CloneReport report = git::CloneRepository({url, fresh, ""}, network);
  try {
    git::RepositoryPtr repo = git::OpenRepository(fresh);
    std::string head = git::HeadId(repo.get());
    if (head.empty() || head != report.head) {
      throw git::GitError(
          git::GitErrorKind::kOther, 0, 0,
          "validation: HEAD of the new clone is '" + head + "', expected '" + report.head + "'");
    }
    if (!IsUsableCheckout(fresh)) {
      throw git::GitError(git::GitErrorKind::kOther, 0, 0, "validation: the new clone is unusable");
    }
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(fresh, ignored);
    throw;
  }
  fs::remove_all(old);  // recovery removes these too; a GC never builds on one
  fs::rename(path, old);
  try {
    fs::rename(fresh, path);
  } catch (...) {
    std::error_code ignored;
    fs::rename(old, path, ignored);
    fs::remove_all(fresh, ignored);
    throw;
  }
  std::error_code error;
  fs::remove_all(old, error);
  if (error) {
    // The swap is done; the next recovery deletes what is left.
    logger.warning("GC of %s: could not delete %s: %s", path.string(), old.string(),
                   error.message());
  }
  return report.head;
}

}  // namespace oxd::sync
