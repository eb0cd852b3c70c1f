// "Has anything changed upstream?" without fetching (docs/behavior.md#pull): one ref listing of the
// remote (git_remote_connect + git_remote_ls, no pack transfer), compared with local HEAD and
// the remote-tracking ref.
#pragma once

#include <filesystem>
#include <string>

#include "git/NetworkOptions.h"

namespace oxd::git {

struct RemoteHeadCheck {
  std::string merge_ref;    // the upstream branch on the remote, e.g. refs/heads/main
  std::string remote_id;    // its commit on the remote ("" when the remote lacks the branch)
  std::string head_id;      // local HEAD
  std::string tracking_id;  // local refs/remotes/<remote>/<branch> ("" when absent)
  // Remote branch equals local HEAD: the "Remote unchanged, skipping pull" of
  // docs/behavior.md#pull.
  bool remote_equals_head = false;
  // Remote branch equals what we last fetched, and HEAD already contains it (only unpushed local
  // commits on top): a fetch would bring nothing and there is nothing to integrate.
  bool nothing_to_pull = false;
};

// Throws GitError (kind kAuthentication, kTimeout, kNetwork, ...) when the listing fails.
RemoteHeadCheck CheckRemoteHead(const std::filesystem::path& work_tree,
                                const NetworkOptions& options);

}  // namespace oxd::git
