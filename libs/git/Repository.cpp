#include "git/Repository.h"

#include "git/GitError.h"
#include "git/Libgit2Runtime.h"

namespace oxd::git {

RepositoryPtr OpenRepository(const std::filesystem::path& work_tree) {
  EnsureLibgit2();
  git_repository* repo = nullptr;
  ThrowIfFailed(
      git_repository_open_ext(&repo, work_tree.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr),
      "open " + work_tree.string());
  return RepositoryPtr(repo);
}

namespace {

std::string BranchConfig(git_repository* repo, const std::string& branch_ref,
                         int (*lookup)(git_buf*, git_repository*, const char*)) {
  git_buf buffer = GIT_BUF_INIT;
  std::string value;
  if (lookup(&buffer, repo, branch_ref.c_str()) == 0) {
    value.assign(buffer.ptr, buffer.size);
  }
  git_buf_dispose(&buffer);
  git_error_clear();
  return value;
}

}  // namespace

Upstream ResolveUpstream(git_repository* repo) {
  git_reference* head = nullptr;
  ThrowIfFailed(git_repository_head(&head, repo), "read HEAD");
  ReferencePtr head_ref(head);
  if (!git_reference_is_branch(head)) {
    throw GitError(GitErrorKind::kOther, 0, 0, "HEAD is detached; there is no branch to sync");
  }
  Upstream upstream;
  upstream.branch_ref = git_reference_name(head);
  upstream.remote_name = BranchConfig(repo, upstream.branch_ref, git_branch_upstream_remote);
  upstream.merge_ref = BranchConfig(repo, upstream.branch_ref, git_branch_upstream_merge);
  upstream.tracking_ref = BranchConfig(repo, upstream.branch_ref, git_branch_upstream_name);
  if (upstream.remote_name.empty()) {
    upstream.remote_name = "origin";
  }
  if (upstream.merge_ref.empty()) {
    upstream.merge_ref = upstream.branch_ref;
  }
  if (upstream.tracking_ref.empty()) {
    upstream.tracking_ref = "refs/remotes/" + upstream.remote_name + "/" +
                            upstream.merge_ref.substr(std::string("refs/heads/").size());
  }
  return upstream;
}

std::string OidString(const git_oid& oid) {
  char text[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(text, sizeof(text), &oid);
  return text;
}

std::string HeadId(git_repository* repo) {
  git_oid oid;
  if (git_reference_name_to_id(&oid, repo, "HEAD") != 0) {
    git_error_clear();
    return "";
  }
  return OidString(oid);
}

git_oid ReferenceTarget(git_repository* repo, const std::string& ref_name) {
  git_oid oid{};
  if (git_reference_name_to_id(&oid, repo, ref_name.c_str()) != 0) {
    git_error_clear();
    oid = git_oid{};
  }
  return oid;
}

SignaturePtr DefaultSignature(git_repository* repo) {
  git_signature* signature = nullptr;
  if (git_signature_default(&signature, repo) != 0) {
    git_error_clear();
    ThrowIfFailed(git_signature_now(&signature, "oxd", "oxd@localhost"), "create signature");
  }
  return SignaturePtr(signature);
}

TreePtr CommitTree(git_repository* repo, const git_oid& commit_id) {
  git_commit* raw_commit = nullptr;
  ThrowIfFailed(git_commit_lookup(&raw_commit, repo, &commit_id), "look up commit");
  CommitPtr commit(raw_commit);
  git_tree* tree = nullptr;
  ThrowIfFailed(git_commit_tree(&tree, commit.get()), "read commit tree");
  return TreePtr(tree);
}

}  // namespace oxd::git
