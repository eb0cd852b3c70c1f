#include "git/LocalCommits.h"

#include <git2.h>

#include "git/GitError.h"
#include "git/Handles.h"
#include "git/Repository.h"

namespace oxd::git {

std::size_t CommitsAhead(const std::filesystem::path& work_tree) {
  RepositoryPtr repo = OpenRepository(work_tree);
  if (git_repository_head_unborn(repo.get()) == 1 ||
      git_repository_head_detached(repo.get()) == 1) {
    git_error_clear();
    return 0;
  }
  Upstream upstream = ResolveUpstream(repo.get());
  git_oid head;
  ThrowIfFailed(git_reference_name_to_id(&head, repo.get(), "HEAD"), "resolve HEAD");
  git_oid tracking = ReferenceTarget(repo.get(), upstream.tracking_ref);
  if (git_oid_is_zero(&tracking)) return 0;  // never fetched: nothing to compare with
  std::size_t ahead = 0, behind = 0;
  ThrowIfFailed(git_graph_ahead_behind(&ahead, &behind, repo.get(), &head, &tracking),
                "count local commits");
  return ahead;
}

Identity CommitIdentity(const std::filesystem::path& work_tree) {
  RepositoryPtr repo = OpenRepository(work_tree);
  SignaturePtr signature = DefaultSignature(repo.get());
  return Identity{signature->name, signature->email};
}

}  // namespace oxd::git
