// Opening a checkout and finding what its current branch tracks. Shared by fetch, pull, push.
#pragma once

#include <git2.h>

#include <filesystem>
#include <string>

#include "git/Handles.h"

namespace oxd::git {

// Opens the repository whose working tree is `work_tree` (no search upwards). Throws GitError.
RepositoryPtr OpenRepository(const std::filesystem::path& work_tree);

// The current branch and the remote branch it follows. Without branch.<name>.remote/merge
// configuration, `origin` and the same branch name are assumed (what a clone configures).
struct Upstream {
  std::string branch_ref;    // refs/heads/main
  std::string remote_name;   // origin
  std::string merge_ref;     // refs/heads/main, the ref's name on the remote
  std::string tracking_ref;  // refs/remotes/origin/main
};

// Throws GitError when HEAD is detached or unborn (nothing to sync).
Upstream ResolveUpstream(git_repository* repo);

// HEAD's commit id, or the zero id string "" when HEAD is unborn.
std::string HeadId(git_repository* repo);

// Commit id of `ref_name`, or an all-zero oid when it does not exist.
git_oid ReferenceTarget(git_repository* repo, const std::string& ref_name);

std::string OidString(const git_oid& oid);

// The tree of a commit.
TreePtr CommitTree(git_repository* repo, const git_oid& commit_id);

// Committer signature from the repository's user.name/user.email, else "oxd <oxd@localhost>".
SignaturePtr DefaultSignature(git_repository* repo);

}  // namespace oxd::git
