#include "git/Fetch.h"

#include <git2.h>

#include "git/GitError.h"
#include "git/Handles.h"
#include "git/NetworkSession.h"
#include "git/Repository.h"

namespace oxd::git {

FetchReport FetchUpstream(const std::filesystem::path& work_tree, const NetworkOptions& options) {
  RepositoryPtr repo = OpenRepository(work_tree);
  Upstream upstream = ResolveUpstream(repo.get());
  git_remote* raw_remote = nullptr;
  ThrowIfFailed(git_remote_lookup(&raw_remote, repo.get(), upstream.remote_name.c_str()),
                "look up remote " + upstream.remote_name);
  RemotePtr remote(raw_remote);

  FetchReport report;
  git_oid before = ReferenceTarget(repo.get(), upstream.tracking_ref);
  report.tracking_before = git_oid_is_zero(&before) ? "" : OidString(before);

  NetworkSession session(options);
  git_fetch_options fetch_options = GIT_FETCH_OPTIONS_INIT;
  fetch_options.callbacks = session.Callbacks();
  session.ThrowIfFailed(git_remote_fetch(remote.get(), nullptr, &fetch_options, "oxd: fetch"),
                        "fetch " + upstream.remote_name);

  const git_indexer_progress* stats = git_remote_stats(remote.get());
  report.received_objects = stats->received_objects;
  report.received_bytes = stats->received_bytes;
  git_oid after = ReferenceTarget(repo.get(), upstream.tracking_ref);
  report.tracking_after = git_oid_is_zero(&after) ? "" : OidString(after);
  return report;
}

}  // namespace oxd::git
