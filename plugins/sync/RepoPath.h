// Validation of a checkout's `repo_path` (docs/protocol.md#checkout): the daemon creates and
// renames directories there on a client's word, so the path must be absolute, free of `..`, and —
// with every symlink resolved — strictly inside one of the allowed roots (the data dir, and the
// project's parent dir for a sibling ledger) and outside the forbidden ones (the project itself).
// Pure path logic: reads the file system (symlinks) but never changes it.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace oxd::sync {

class InvalidRepoPath : public std::runtime_error {
 public:
  // what() is "invalid repo path: <reason>", the wire error of the checkout message.
  explicit InvalidRepoPath(const std::string& reason);
};

struct RepoPathPolicy {
  std::vector<std::filesystem::path> allowed_roots;    // a path must lie strictly below one
  std::vector<std::filesystem::path> forbidden_trees;  // ... and not at or below any of these
};

// The path with every symlink resolved (the nearest existing ancestor is resolved, the rest is
// appended). Throws InvalidRepoPath.
std::filesystem::path ValidateRepoPath(const std::string& repo_path, const RepoPathPolicy& policy);

// `path` at or below `root` (both already resolved).
bool IsAtOrBelow(const std::filesystem::path& path, const std::filesystem::path& root);

}  // namespace oxd::sync
