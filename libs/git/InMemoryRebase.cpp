#include "git/InMemoryRebase.h"

#include <algorithm>
#include <optional>

#include "git/GitError.h"
#include "git/Handles.h"

namespace oxd::git {

namespace {

// A conflict copied out of the index (its entries die once the conflict is removed).
struct Conflict {
  std::string path;
  std::optional<git_index_entry> upstream_side;  // "our" stage: the commit being built on
  std::optional<git_index_entry> local_side;     // "their" stage: the commit being replayed
};

std::optional<git_index_entry> Copy(const git_index_entry* entry) {
  if (entry == nullptr) {
    return std::nullopt;
  }
  return *entry;
}

std::vector<Conflict> ReadConflicts(git_index* index) {
  git_index_conflict_iterator* raw = nullptr;
  ThrowIfFailed(git_index_conflict_iterator_new(&raw, index), "read conflicts");
  ConflictIteratorPtr iterator(raw);
  std::vector<Conflict> conflicts;
  const git_index_entry* ancestor = nullptr;
  const git_index_entry* ours = nullptr;
  const git_index_entry* theirs = nullptr;
  while (git_index_conflict_next(&ancestor, &ours, &theirs, iterator.get()) == 0) {
    const git_index_entry* any = ours ? ours : theirs ? theirs : ancestor;
    conflicts.push_back(Conflict{any->path, Copy(ours), Copy(theirs)});
  }
  git_error_clear();
  return conflicts;
}

// Replaces the conflict at `conflict.path` with the chosen side (or with nothing when that side
// deleted the file).
void Settle(git_index* index, const Conflict& conflict, ResolveMode mode) {
  const std::optional<git_index_entry>& chosen =
      mode == ResolveMode::kTheirs ? conflict.upstream_side : conflict.local_side;
  ThrowIfFailed(git_index_conflict_remove(index, conflict.path.c_str()),
                "resolve " + conflict.path);
  if (chosen) {
    git_index_entry entry = *chosen;
    entry.path = conflict.path.c_str();
    GIT_INDEX_ENTRY_STAGE_SET(&entry, 0);
    ThrowIfFailed(git_index_add(index, &entry), "resolve " + conflict.path);
  }
}

}  // namespace

RebaseOutcome RebaseInMemory(git_repository* repo, const git_oid& local, const git_oid& upstream,
                             const ConflictRules& rules, const git_signature* committer) {
  git_annotated_commit* raw_local = nullptr;
  git_annotated_commit* raw_upstream = nullptr;
  ThrowIfFailed(git_annotated_commit_lookup(&raw_local, repo, &local), "rebase: local head");
  AnnotatedCommitPtr local_commit(raw_local);
  ThrowIfFailed(git_annotated_commit_lookup(&raw_upstream, repo, &upstream), "rebase: upstream");
  AnnotatedCommitPtr upstream_commit(raw_upstream);

  git_rebase_options options = GIT_REBASE_OPTIONS_INIT;
  options.inmemory = 1;
  git_rebase* raw_rebase = nullptr;
  ThrowIfFailed(git_rebase_init(&raw_rebase, repo, local_commit.get(), upstream_commit.get(),
                                nullptr, &options),
                "rebase: start");
  RebasePtr rebase(raw_rebase);

  RebaseOutcome outcome;
  outcome.new_head = upstream;
  git_rebase_operation* operation = nullptr;
  int rc = 0;
  while ((rc = git_rebase_next(&operation, rebase.get())) == 0) {
    git_index* raw_index = nullptr;
    ThrowIfFailed(git_rebase_inmemory_index(&raw_index, rebase.get()), "rebase: index");
    IndexPtr index(raw_index);
    if (git_index_has_conflicts(index.get())) {
      std::vector<Conflict> conflicts = ReadConflicts(index.get());
      for (const Conflict& conflict : conflicts) {
        std::optional<ResolveMode> mode = rules.ModeFor(conflict.path);
        if (!mode || *mode == ResolveMode::kNone) {
          outcome.unresolved.push_back(conflict.path);
        }
      }
      if (!outcome.unresolved.empty()) {
        git_rebase_abort(rebase.get());
        outcome.auto_resolved.clear();
        return outcome;
      }
      for (const Conflict& conflict : conflicts) {
        Settle(index.get(), conflict, *rules.ModeFor(conflict.path));
        if (std::find(outcome.auto_resolved.begin(), outcome.auto_resolved.end(), conflict.path) ==
            outcome.auto_resolved.end()) {
          outcome.auto_resolved.push_back(conflict.path);
        }
      }
    }
    git_oid commit_id;
    int commit_rc =
        git_rebase_commit(&commit_id, rebase.get(), nullptr, committer, nullptr, nullptr);
    if (commit_rc == GIT_EAPPLIED) {
      git_error_clear();  // the change is upstream already: drop the commit, as git does
      continue;
    }
    ThrowIfFailed(commit_rc, "rebase: commit");
    outcome.new_head = commit_id;
    outcome.commits_replayed++;
  }
  if (rc != GIT_ITEROVER) {
    ThrowIfFailed(rc, "rebase: next");
  }
  git_error_clear();
  ThrowIfFailed(git_rebase_finish(rebase.get(), committer), "rebase: finish");
  outcome.completed = true;
  return outcome;
}

}  // namespace oxd::git
