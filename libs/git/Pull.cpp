#include "git/Pull.h"

#include <git2.h>

#include "git/AutostashCheckout.h"
#include "git/ConflictRules.h"
#include "git/GitError.h"
#include "git/Handles.h"
#include "git/InMemoryRebase.h"
#include "git/Repository.h"

namespace oxd::git {

std::string_view PullOutcomeName(PullOutcome outcome) {
  switch (outcome) {
    case PullOutcome::kUpToDate:
      return "up_to_date";
    case PullOutcome::kFastForwarded:
      return "fast_forwarded";
    case PullOutcome::kRebased:
      return "rebased";
    case PullOutcome::kMergeConflict:
      return "merge_conflict";
  }
  return "up_to_date";
}

namespace {

std::vector<std::string> ChangedPaths(git_repository* repo, const git_oid& from,
                                      const git_oid& to) {
  TreePtr from_tree = CommitTree(repo, from);
  TreePtr to_tree = CommitTree(repo, to);
  git_diff* raw_diff = nullptr;
  ThrowIfFailed(git_diff_tree_to_tree(&raw_diff, repo, from_tree.get(), to_tree.get(), nullptr),
                "diff");
  DiffPtr diff(raw_diff);
  std::vector<std::string> paths;
  for (size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
    paths.push_back(delta->new_file.path ? delta->new_file.path : delta->old_file.path);
  }
  return paths;
}

ConflictRules LoadRules(git_repository* repo, const git_oid& upstream, const git_oid& head) {
  ConflictRules rules = ConflictRules::FromTree(repo, CommitTree(repo, upstream).get());
  if (rules.rules().empty()) {
    rules = ConflictRules::FromTree(repo, CommitTree(repo, head).get());
  }
  return rules;
}

}  // namespace

PullReport IntegrateUpstream(const std::filesystem::path& work_tree,
                             const std::vector<ResolveRule>& default_rules) {
  RepositoryPtr repo = OpenRepository(work_tree);
  Upstream upstream = ResolveUpstream(repo.get());
  git_oid head_id = ReferenceTarget(repo.get(), upstream.branch_ref);
  git_oid upstream_id = ReferenceTarget(repo.get(), upstream.tracking_ref);
  if (git_oid_is_zero(&upstream_id)) {
    throw GitError(GitErrorKind::kNotFound, GIT_ENOTFOUND, 0,
                   "no " + upstream.tracking_ref + ": fetch first");
  }

  PullReport report;
  report.old_head = report.new_head = OidString(head_id);
  report.upstream = OidString(upstream_id);
  size_t ahead = 0;
  size_t behind = 0;
  ThrowIfFailed(git_graph_ahead_behind(&ahead, &behind, repo.get(), &head_id, &upstream_id),
                "compare with upstream");
  if (behind == 0) {
    return report;
  }

  SignaturePtr committer = DefaultSignature(repo.get());
  git_oid target = upstream_id;
  if (ahead > 0) {
    ConflictRules rules = LoadRules(repo.get(), upstream_id, head_id).WithDefaults(default_rules);
    RebaseOutcome rebase = RebaseInMemory(repo.get(), head_id, upstream_id, rules, committer.get());
    if (!rebase.completed) {
      report.outcome = PullOutcome::kMergeConflict;
      report.conflicted_paths = rebase.unresolved;
      return report;
    }
    target = rebase.new_head;
    report.auto_resolved = rebase.auto_resolved;
    report.local_commits_replayed = rebase.commits_replayed;
  }

  AutostashOutcome move = MoveBranchKeepingLocalChanges(
      repo.get(), upstream.branch_ref, head_id, target, committer.get(),
      ahead > 0 ? "oxd: rebase onto " + upstream.tracking_ref : "oxd: fast-forward");
  report.interrupted_writes_removed = move.interrupted_writes_removed;
  if (!move.moved) {
    report.outcome = PullOutcome::kMergeConflict;
    report.conflicted_paths = move.overlapping;
    report.auto_resolved.clear();
    return report;
  }
  report.outcome = ahead > 0 ? PullOutcome::kRebased : PullOutcome::kFastForwarded;
  report.local_changes_stashed = move.stashed;
  report.new_head = OidString(target);
  report.files_changed = ChangedPaths(repo.get(), head_id, target);
  return report;
}

}  // namespace oxd::git
