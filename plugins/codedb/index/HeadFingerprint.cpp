#include "index/HeadFingerprint.h"

#include <exception>

#include "index/GitHandles.h"

namespace oxd::codedb {

std::string GitErrorText(std::string_view doing) {
  const git_error* error = git_error_last();
  return std::string(doing) + ": " + (error != nullptr ? error->message : "unknown libgit2 error");
}

HeadFingerprint ReadHeadFingerprint(const std::string& repo_path) {
  HeadFingerprint result;
  try {
    git::EnsureLibgit2();
  } catch (const std::exception& error) {
    result.error = error.what();
    return result;
  }
  git_repository* raw_repo = nullptr;
  if (git_repository_open_ext(&raw_repo, repo_path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH,
                              nullptr) != 0) {
    result.error = GitErrorText("cannot open " + repo_path);
    return result;
  }
  RepositoryPtr repo(raw_repo);
  git_reference* raw_head = nullptr;
  if (git_reference_lookup(&raw_head, repo.get(), "HEAD") != 0) {
    result.error = GitErrorText("cannot read HEAD");
    return result;
  }
  ReferencePtr head(raw_head);
  std::string name = "detached";
  if (git_reference_type(head.get()) == GIT_REFERENCE_SYMBOLIC) {
    name = git_reference_symbolic_target(head.get());
  }
  git_oid target;
  int rc = git_reference_name_to_id(&target, repo.get(), "HEAD");
  if (rc == GIT_ENOTFOUND) {
    result.ok = true;
    result.value = "unborn " + name;
    return result;
  }
  if (rc != 0) {
    result.error = GitErrorText("cannot resolve HEAD");
    return result;
  }
  result.ok = true;
  result.value = name + " " + git_oid_tostr_s(&target);
  return result;
}

}  // namespace oxd::codedb
