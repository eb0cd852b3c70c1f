#include "git/CommitAndPush.h"

#include <git2.h>

#include "git/Fetch.h"
#include "git/GitError.h"
#include "git/Handles.h"
#include "git/NetworkSession.h"
#include "git/Pull.h"
#include "git/Repository.h"

namespace oxd::git {
namespace fs = std::filesystem;

namespace {

// The tree of HEAD with `paths` taken from the work tree (deleted ones removed), built in a
// private index: whatever else the user staged in the checkout stays staged and out of the
// daemon's commit.
git_oid TreeWithPaths(git_repository* repo, const fs::path& work_tree,
                      const std::vector<std::string>& paths, const git_commit* head) {
  git_index* raw_index = nullptr;
  ThrowIfFailed(git_index_new(&raw_index), "new index");
  IndexPtr index(raw_index);
  if (head) {
    git_tree* raw_head_tree = nullptr;
    ThrowIfFailed(git_commit_tree(&raw_head_tree, head), "read HEAD tree");
    TreePtr head_tree(raw_head_tree);
    ThrowIfFailed(git_index_read_tree(index.get(), head_tree.get()), "read HEAD tree");
  }
  for (const std::string& path : paths) {
    std::error_code error;
    if (!fs::exists(work_tree / path, error)) {
      git_index_remove_bypath(index.get(), path.c_str());  // absent from HEAD too: nothing to do
      continue;
    }
    git_index_entry entry{};
    entry.path = path.c_str();
    bool executable = (fs::status(work_tree / path, error).permissions() & fs::perms::owner_exec) !=
                      fs::perms::none;
    entry.mode = executable ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
    ThrowIfFailed(git_blob_create_from_workdir(&entry.id, repo, path.c_str()), "store " + path);
    ThrowIfFailed(git_index_add(index.get(), &entry), "stage " + path);
  }
  git_oid tree_id;
  ThrowIfFailed(git_index_write_tree_to(&tree_id, index.get(), repo), "write tree");
  return tree_id;
}

// The checkout's own index learns the committed paths, so `git status` does not show them as
// changed; its other entries are left as they were.
void UpdateIndexFor(git_repository* repo, const fs::path& work_tree,
                    const std::vector<std::string>& paths) {
  git_index* raw_index = nullptr;
  ThrowIfFailed(git_repository_index(&raw_index, repo), "open index");
  IndexPtr index(raw_index);
  for (const std::string& path : paths) {
    std::error_code error;
    if (fs::exists(work_tree / path, error)) {
      ThrowIfFailed(git_index_add_bypath(index.get(), path.c_str()), "stage " + path);
    } else {
      git_index_remove_bypath(index.get(), path.c_str());
    }
  }
  ThrowIfFailed(git_index_write(index.get()), "write index");
}

// Commits `paths` (only those) on HEAD; false when they hold no change.
bool CommitPaths(git_repository* repo, const fs::path& work_tree, const CommitRequest& request) {
  git_oid head_id;
  CommitPtr parent;
  if (git_reference_name_to_id(&head_id, repo, "HEAD") == 0) {
    git_commit* raw_parent = nullptr;
    ThrowIfFailed(git_commit_lookup(&raw_parent, repo, &head_id), "read HEAD commit");
    parent.reset(raw_parent);
  }
  git_error_clear();
  git_oid tree_id = TreeWithPaths(repo, work_tree, request.paths, parent.get());
  // The index learns the paths before the commit moves HEAD: a process killed in between leaves
  // them staged (the next write commits them), never an index older than HEAD, which `git
  // status` would show as changes nobody made. With nothing to commit it is refreshed too, which
  // heals such an index left by an older build.
  UpdateIndexFor(repo, work_tree, request.paths);
  if (parent && git_oid_equal(git_commit_tree_id(parent.get()), &tree_id)) return false;
  git_tree* raw_tree = nullptr;
  ThrowIfFailed(git_tree_lookup(&raw_tree, repo, &tree_id), "read tree");
  TreePtr tree(raw_tree);

  git_signature* raw_author = nullptr;
  ThrowIfFailed(
      git_signature_now(&raw_author, request.author_name.c_str(), request.author_email.c_str()),
      "author signature");
  SignaturePtr author(raw_author);
  const git_commit* parents[] = {parent.get()};
  git_oid commit_id;
  ThrowIfFailed(git_commit_create(&commit_id, repo, "HEAD", author.get(), author.get(), nullptr,
                                  request.message.c_str(), tree.get(), parent ? 1 : 0, parents),
                "commit");
  return true;
}

// One push of the current branch: "" when it landed, else why the remote (or libgit2's own
// ancestry check) refused it — a rejection is not always non-fast-forward (a remote ref lock
// left behind, a hook), and the final error must say which.
std::string PushOnce(const fs::path& work_tree, const NetworkOptions& options) {
  RepositoryPtr repo = OpenRepository(work_tree);
  Upstream upstream = ResolveUpstream(repo.get());
  git_remote* raw_remote = nullptr;
  ThrowIfFailed(git_remote_lookup(&raw_remote, repo.get(), upstream.remote_name.c_str()),
                "look up remote " + upstream.remote_name);
  RemotePtr remote(raw_remote);

  NetworkSession session(options);
  git_push_options push_options = GIT_PUSH_OPTIONS_INIT;
  push_options.callbacks = session.Callbacks();
  std::string refspec = upstream.branch_ref + ":" + upstream.merge_ref;
  char* refspec_text = refspec.data();
  git_strarray refspecs{&refspec_text, 1};
  int rc = git_remote_push(remote.get(), &refspecs, &push_options);
  if (rc == GIT_ENONFASTFORWARD) {
    git_error_clear();
    return "non-fast-forward";
  }
  session.ThrowIfFailed(rc, "push to " + upstream.remote_name);
  if (!session.push_rejections().empty()) {
    return session.push_rejections().front();  // e.g. "refs/heads/main: fetch first"
  }
  return "";
}

}  // namespace

CommitReport CommitAndPush(const fs::path& work_tree, const CommitRequest& request,
                           const NetworkOptions& options) {
  CommitReport report;
  if (!request.paths.empty()) {  // no paths: only push what is already committed
    RepositoryPtr repo = OpenRepository(work_tree);
    report.committed = CommitPaths(repo.get(), work_tree, request);
  }
  std::string refusal;
  for (int attempt = 1; attempt <= request.max_push_attempts; ++attempt) {
    report.push_attempts = attempt;
    refusal = PushOnce(work_tree, options);
    if (refusal.empty()) {
      RepositoryPtr repo = OpenRepository(work_tree);
      report.commit = HeadId(repo.get());
      return report;
    }
    if (attempt == request.max_push_attempts) {
      break;
    }
    FetchUpstream(work_tree, options);
    PullReport pull = IntegrateUpstream(work_tree, request.default_rules);
    if (pull.outcome == PullOutcome::kMergeConflict) {
      std::string paths;
      for (const std::string& path : pull.conflicted_paths) {
        paths += (paths.empty() ? "" : ", ") + path;
      }
      throw GitError(GitErrorKind::kConflict, GIT_ECONFLICT, 0,
                     "push rejected and rebase onto upstream conflicts in: " + paths);
    }
  }
  throw GitError(
      GitErrorKind::kNonFastForward, GIT_ENONFASTFORWARD, 0,
      "push rejected after " + std::to_string(request.max_push_attempts) + " attempts: " + refusal);
}

}  // namespace oxd::git
