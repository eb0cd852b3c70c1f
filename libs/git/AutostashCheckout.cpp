#include "git/AutostashCheckout.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "git/GitError.h"
#include "git/Handles.h"
#include "git/Repository.h"

namespace oxd::git {

namespace {

int CollectConflict(git_checkout_notify_t /*why*/, const char* path, const git_diff_file*,
                    const git_diff_file*, const git_diff_file*, void* payload) {
  static_cast<std::set<std::string>*>(payload)->insert(path);
  return 0;
}

// Checks out `target` over `baseline`; GIT_ECONFLICT (nothing written) when local changes are
// in the way, with their paths in `conflicts`.
int SafeCheckout(git_repository* repo, git_tree* baseline, git_tree* target,
                 std::set<std::string>* conflicts) {
  git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
  options.checkout_strategy = GIT_CHECKOUT_SAFE | GIT_CHECKOUT_DONT_OVERWRITE_IGNORED;
  options.baseline = baseline;
  options.notify_flags = GIT_CHECKOUT_NOTIFY_CONFLICT;
  options.notify_cb = CollectConflict;
  options.notify_payload = conflicts;
  return git_checkout_tree(repo, reinterpret_cast<git_object*>(target), &options);
}

void MoveBranch(git_repository* repo, const std::string& branch_ref, const git_oid& from,
                const git_oid& to, const std::string& reflog_message) {
  git_reference* moved = nullptr;
  ThrowIfFailed(git_reference_create_matching(&moved, repo, branch_ref.c_str(), &to, 1, &from,
                                              reflog_message.c_str()),
                "update " + branch_ref);
  git_reference_free(moved);
}

void AddConflicts(git_repository* repo, git_tree* base, git_tree* ours, git_tree* theirs,
                  std::set<std::string>* paths) {
  git_index* raw = nullptr;
  ThrowIfFailed(git_merge_trees(&raw, repo, base, ours, theirs, nullptr), "dry-run merge");
  IndexPtr merged(raw);
  git_index_conflict_iterator* raw_iterator = nullptr;
  ThrowIfFailed(git_index_conflict_iterator_new(&raw_iterator, merged.get()), "read conflicts");
  ConflictIteratorPtr iterator(raw_iterator);
  const git_index_entry *ancestor, *our, *their;
  while (git_index_conflict_next(&ancestor, &our, &their, iterator.get()) == 0) {
    paths->insert(our ? our->path : their ? their->path : ancestor->path);
  }
  git_error_clear();
}

struct UntrackedWalk {
  git_tree* target;
  std::set<std::string>* paths;
};

int CheckUntracked(const char* root, const git_tree_entry* entry, void* payload) {
  if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
    return 0;
  }
  auto* walk = static_cast<UntrackedWalk*>(payload);
  std::string path = std::string(root) + git_tree_entry_name(entry);
  git_tree_entry* existing = nullptr;
  if (git_tree_entry_bypath(&existing, walk->target, path.c_str()) == 0) {
    walk->paths->insert(path);
    git_tree_entry_free(existing);
  }
  git_error_clear();
  return 0;
}

// Paths where the stash (worktree, index, untracked parts) would not apply cleanly on `to`.
std::set<std::string> StashOverlap(git_repository* repo, const git_oid& stash_id, git_tree* from,
                                   git_tree* to) {
  git_commit* raw_stash = nullptr;
  ThrowIfFailed(git_commit_lookup(&raw_stash, repo, &stash_id), "read stash");
  CommitPtr stash(raw_stash);
  std::set<std::string> paths;
  git_tree* raw_tree = nullptr;
  ThrowIfFailed(git_commit_tree(&raw_tree, stash.get()), "read stash tree");
  TreePtr worktree(raw_tree);
  AddConflicts(repo, from, to, worktree.get(), &paths);
  if (git_commit_parentcount(stash.get()) >= 2) {
    TreePtr index_tree = CommitTree(repo, *git_commit_parent_id(stash.get(), 1));
    AddConflicts(repo, from, to, index_tree.get(), &paths);
  }
  if (git_commit_parentcount(stash.get()) >= 3) {
    TreePtr untracked = CommitTree(repo, *git_commit_parent_id(stash.get(), 2));
    UntrackedWalk walk{to, &paths};
    git_tree_walk(untracked.get(), GIT_TREEWALK_PRE, CheckUntracked, &walk);
  }
  return paths;
}

// Staged changes come back staged.
int PopStashWithIndex(git_repository* repo) {
  git_stash_apply_options options = GIT_STASH_APPLY_OPTIONS_INIT;
  options.flags = GIT_STASH_APPLY_REINSTATE_INDEX;
  return git_stash_pop(repo, 0, &options);
}

void PopStash(git_repository* repo) {
  ThrowIfFailed(PopStashWithIndex(repo), "restore local changes from stash");
}

// True when the regular file at `path` holds a prefix of (or exactly) `blob`'s bytes.
bool FileIsPrefixOfBlob(const std::filesystem::path& path, git_blob* blob) {
  struct stat info {};
  // lstat: a symlink or directory there is something else, never a half-written blob.
  if (lstat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return false;
  }
  const auto blob_size = static_cast<std::uintmax_t>(git_blob_rawsize(blob));
  if (static_cast<std::uintmax_t>(info.st_size) > blob_size) {
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return false;
  }
  std::string bytes(static_cast<std::size_t>(info.st_size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  // A file that grew or shrank since the lstat is being written by someone: leave it alone.
  if (in.gcount() != static_cast<std::streamsize>(bytes.size()) ||
      in.peek() != std::char_traits<char>::eof()) {
    return false;
  }
  return bytes.empty() || std::memcmp(bytes.data(), git_blob_rawcontent(blob), bytes.size()) == 0;
}

// True when `relative` (a path from a tree) names a file inside `workdir` and outside .git, with
// no symlinked directory on the way: a removal must never reach elsewhere, whatever a teammate
// pushed or a local symlink points at.
bool IsPlainPathInside(const std::filesystem::path& workdir, const std::string& relative) {
  std::filesystem::path parts(relative);
  if (parts.empty() || parts.is_absolute()) {
    return false;
  }
  for (const std::filesystem::path& part : parts) {
    std::string name = part.string();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (name.empty() || name == "." || name == ".." || name == ".git") {
      return false;
    }
  }
  std::error_code error;
  std::filesystem::path root = std::filesystem::canonical(workdir, error);
  if (error) {
    return false;
  }
  std::filesystem::path parent = std::filesystem::canonical((workdir / parts).parent_path(), error);
  return !error && parent == (root / parts).parent_path();
}

// `on_disk` (a prefix of `incoming`, checked by the caller) is put back to `baseline_id`'s
// bytes when it holds bytes past the common prefix of the two versions.
bool RestoreIfInterrupted(git_repository* repo, const std::filesystem::path& on_disk,
                          const git_oid& baseline_id, git_blob* incoming) {
  git_blob* raw_baseline = nullptr;
  if (git_blob_lookup(&raw_baseline, repo, &baseline_id) != 0) {
    git_error_clear();
    return false;
  }
  BlobPtr baseline(raw_baseline);
  const char* old_bytes = static_cast<const char*>(git_blob_rawcontent(baseline.get()));
  const char* new_bytes = static_cast<const char*>(git_blob_rawcontent(incoming));
  auto old_size = static_cast<std::size_t>(git_blob_rawsize(baseline.get()));
  auto new_size = static_cast<std::size_t>(git_blob_rawsize(incoming));
  std::size_t shared = 0;
  while (shared < old_size && shared < new_size && old_bytes[shared] == new_bytes[shared]) {
    ++shared;
  }
  std::error_code error;
  std::uintmax_t written = std::filesystem::file_size(on_disk, error);
  if (error || written <= shared) return false;
  std::ofstream out(on_disk, std::ios::binary | std::ios::trunc);
  out.write(old_bytes, static_cast<std::streamsize>(old_size));
  return static_cast<bool>(out.flush());
}

// What a checkout killed mid-write leaves behind (HEAD still at `baseline`), at the paths
// `target` adds or changes, undone so the pull can proceed instead of reporting a conflict
// forever:
//  - an untracked file whose bytes are a prefix of the incoming blob: removed;
//  - a tracked file, unstaged, whose bytes are a prefix of the incoming blob *and* reach past
//    the part the baseline and incoming blobs share — bytes only the incoming version has, which
//    no edit of the user's would produce: put back to the baseline blob (the checkout then
//    writes the incoming one). A change within the shared part (say, the user cut the file
//    short) is the user's, and stays.
// Returns their paths.
std::vector<std::string> RemoveInterruptedWrites(git_repository* repo, git_tree* baseline,
                                                 git_tree* target) {
  std::vector<std::string> removed;
  const char* workdir = git_repository_workdir(repo);
  if (workdir == nullptr) {
    return removed;  // bare: no working tree to clean
  }
  git_diff* raw_diff = nullptr;
  ThrowIfFailed(git_diff_tree_to_tree(&raw_diff, repo, baseline, target, nullptr),
                "diff for interrupted writes");
  DiffPtr diff(raw_diff);
  git_index* raw_index = nullptr;
  ThrowIfFailed(git_repository_index(&raw_index, repo), "read index");
  IndexPtr index(raw_index);
  for (size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
    const git_diff_file& incoming = delta->new_file;
    if ((delta->status != GIT_DELTA_ADDED && delta->status != GIT_DELTA_MODIFIED) ||
        (incoming.mode != GIT_FILEMODE_BLOB && incoming.mode != GIT_FILEMODE_BLOB_EXECUTABLE)) {
      continue;
    }
    size_t position = 0;
    bool tracked = git_index_find(&position, index.get(), incoming.path) == 0;
    git_error_clear();
    git_blob* raw_blob = nullptr;
    if (git_blob_lookup(&raw_blob, repo, &incoming.id) != 0) {
      git_error_clear();
      continue;
    }
    BlobPtr blob(raw_blob);
    std::filesystem::path on_disk = std::filesystem::path(workdir) / incoming.path;
    if (!IsPlainPathInside(workdir, incoming.path) || !FileIsPrefixOfBlob(on_disk, blob.get())) {
      continue;
    }
    if (!tracked) {
      std::error_code error;
      if (std::filesystem::remove(on_disk, error)) removed.emplace_back(incoming.path);
      continue;
    }
    const git_index_entry* entry = git_index_get_byindex(index.get(), position);
    if (delta->status != GIT_DELTA_MODIFIED || entry == nullptr ||
        GIT_INDEX_ENTRY_STAGE(entry) != 0 || !git_oid_equal(&entry->id, &delta->old_file.id)) {
      continue;  // staged or conflicted: the user's, the safe checkout's business
    }
    if (RestoreIfInterrupted(repo, on_disk, delta->old_file.id, blob.get())) {
      removed.emplace_back(incoming.path);
    }
  }
  return removed;
}

}  // namespace

AutostashOutcome MoveBranchKeepingLocalChanges(git_repository* repo, const std::string& branch_ref,
                                               const git_oid& from, const git_oid& to,
                                               const git_signature* stasher,
                                               const std::string& reflog_message) {
  TreePtr from_tree = CommitTree(repo, from);
  TreePtr to_tree = CommitTree(repo, to);
  AutostashOutcome outcome;
  outcome.interrupted_writes_removed =
      RemoveInterruptedWrites(repo, from_tree.get(), to_tree.get());

  std::set<std::string> in_the_way;
  int rc = SafeCheckout(repo, from_tree.get(), to_tree.get(), &in_the_way);
  if (rc == 0) {
    MoveBranch(repo, branch_ref, from, to, reflog_message);
    outcome.moved = true;
    return outcome;
  }
  if (rc != GIT_ECONFLICT) {
    ThrowIfFailed(rc, "checkout");
  }
  git_error_clear();

  git_oid stash_id;
  rc = git_stash_save(&stash_id, repo, stasher, "oxd autostash", GIT_STASH_INCLUDE_UNTRACKED);
  if (rc == GIT_ENOTFOUND) {
    // Nothing stashable: what is in the way is ignored files. Report them.
    git_error_clear();
    outcome.overlapping.assign(in_the_way.begin(), in_the_way.end());
    return outcome;
  }
  ThrowIfFailed(rc, "stash local changes");
  outcome.stashed = true;

  std::set<std::string> overlap = StashOverlap(repo, stash_id, from_tree.get(), to_tree.get());
  if (!overlap.empty()) {
    PopStash(repo);  // HEAD never moved: the stash goes back exactly where it came from
    outcome.overlapping.assign(overlap.begin(), overlap.end());
    return outcome;
  }

  std::set<std::string> unexpected;
  rc = SafeCheckout(repo, from_tree.get(), to_tree.get(), &unexpected);
  if (rc != 0) {
    // Ignored files in the way; HEAD has not moved, put the local changes back.
    git_error_clear();
    PopStash(repo);
    outcome.overlapping.assign(unexpected.begin(), unexpected.end());
    return outcome;
  }
  MoveBranch(repo, branch_ref, from, to, reflog_message);
  rc = PopStashWithIndex(repo);
  if (rc < 0) {
    // Not expected after the dry run. The changes stay in stash@{0}; say so.
    ThrowFailed(rc,
                "restore local changes after moving to the new upstream commit (they are kept "
                "in stash@{0})",
                GitErrorKind::kConflict);
  }
  outcome.moved = true;
  return outcome;
}

}  // namespace oxd::git
