// First clone of a repository with progress, deadline and credentials. The clone is made in a
// hidden sibling directory (`.<name>.oxd-clone`) and renamed into place when complete, so a crash
// never leaves a half clone at the destination; a leftover sibling from a crash is removed by
// the next clone of the same destination.
#pragma once

#include <filesystem>
#include <string>

#include "git/NetworkOptions.h"

namespace oxd::git {

struct CloneRequest {
  std::string url;  // no credentials in it: they come from NetworkOptions and are never stored
  std::filesystem::path destination;  // must not exist, or be an empty directory
  std::string branch;                 // empty: the remote's default branch
};

struct CloneReport {
  std::string head;  // checked-out commit ("" for an empty remote)
  std::size_t received_objects = 0;
  std::size_t received_bytes = 0;
};

// Progress goes to options.on_progress: receiving → resolving → checkout, with percentages from
// libgit2's indexer and checkout counters. Throws GitError; then nothing is left at destination.
CloneReport CloneRepository(const CloneRequest& request, const NetworkOptions& options);

}  // namespace oxd::git
