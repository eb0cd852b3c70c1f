// Fetch of the current branch's remote with a deadline, credentials and progress.
#pragma once

#include <filesystem>
#include <string>

#include "git/NetworkOptions.h"

namespace oxd::git {

struct FetchReport {
  std::string tracking_before;  // remote-tracking ref before ("" when absent)
  std::string tracking_after;
  std::size_t received_objects = 0;
  std::size_t received_bytes = 0;
};

// Fetches the configured refspecs of the upstream remote (updates refs/remotes/...; never
// touches the working tree, index or local branches). Throws GitError.
FetchReport FetchUpstream(const std::filesystem::path& work_tree, const NetworkOptions& options);

}  // namespace oxd::git
