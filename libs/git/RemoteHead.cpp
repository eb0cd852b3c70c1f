#include "git/RemoteHead.h"

#include <git2.h>

#include "git/GitError.h"
#include "git/Handles.h"
#include "git/NetworkSession.h"
#include "git/Repository.h"

namespace oxd::git {

RemoteHeadCheck CheckRemoteHead(const std::filesystem::path& work_tree,
                                const NetworkOptions& options) {
  RepositoryPtr repo = OpenRepository(work_tree);
  Upstream upstream = ResolveUpstream(repo.get());
  git_remote* raw_remote = nullptr;
  ThrowIfFailed(git_remote_lookup(&raw_remote, repo.get(), upstream.remote_name.c_str()),
                "look up remote " + upstream.remote_name);
  RemotePtr remote(raw_remote);

  NetworkSession session(options);
  git_remote_callbacks callbacks = session.Callbacks();
  session.ThrowIfFailed(
      git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &callbacks, nullptr, nullptr),
      "list remote " + upstream.remote_name);
  const git_remote_head** heads = nullptr;
  size_t count = 0;
  session.ThrowIfFailed(git_remote_ls(&heads, &count, remote.get()),
                        "list remote " + upstream.remote_name);

  RemoteHeadCheck check;
  check.merge_ref = upstream.merge_ref;
  for (size_t i = 0; i < count; ++i) {
    if (upstream.merge_ref == heads[i]->name) {
      check.remote_id = OidString(heads[i]->oid);
      break;
    }
  }
  git_remote_disconnect(remote.get());

  check.head_id = HeadId(repo.get());
  git_oid tracking = ReferenceTarget(repo.get(), upstream.tracking_ref);
  if (!git_oid_is_zero(&tracking)) {
    check.tracking_id = OidString(tracking);
  }
  check.remote_equals_head = !check.remote_id.empty() && check.remote_id == check.head_id;
  if (check.remote_equals_head) {
    check.nothing_to_pull = true;
  } else if (!check.remote_id.empty() && check.remote_id == check.tracking_id) {
    git_oid head{};
    git_oid_fromstr(&head, check.head_id.c_str());
    check.nothing_to_pull = git_graph_descendant_of(repo.get(), &head, &tracking) == 1;
    git_error_clear();
  }
  return check;
}

}  // namespace oxd::git
