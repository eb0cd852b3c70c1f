#include "RepoPath.h"

#include <system_error>

namespace oxd::sync {

namespace fs = std::filesystem;

namespace {

// Resolves symlinks in the longest existing prefix of `path` (an absolute, `..`-free path).
fs::path ResolveExistingPrefix(const fs::path& path) {
  fs::path existing = path;
  fs::path rest;
  std::error_code error;
  // symlink_status: a dangling symlink still counts as existing, and canonical() then fails,
  // which refuses it rather than letting a later mkdir follow it somewhere else.
  while (!fs::exists(fs::symlink_status(existing, error)) && existing.has_relative_path()) {
    rest = rest.empty() ? existing.filename() : existing.filename() / rest;
    existing = existing.parent_path();
  }
  fs::path resolved = fs::canonical(existing, error);
  if (error) throw InvalidRepoPath("cannot resolve " + existing.string() + ": " + error.message());
  return rest.empty() ? resolved : (resolved / rest).lexically_normal();
}

fs::path ResolveRoot(const fs::path& root) {
  std::error_code error;
  fs::path resolved = fs::weakly_canonical(root, error);
  return error ? root.lexically_normal() : resolved;
}

}  // namespace

InvalidRepoPath::InvalidRepoPath(const std::string& reason)
    : std::runtime_error("invalid repo path: " + reason) {}

bool IsAtOrBelow(const fs::path& path, const fs::path& root) {
  fs::path relative = path.lexically_relative(root);
  return !relative.empty() && *relative.begin() != "..";
}

fs::path ValidateRepoPath(const std::string& repo_path, const RepoPathPolicy& policy) {
  if (repo_path.empty()) throw InvalidRepoPath("path is empty");
  fs::path path(repo_path);
  if (!path.is_absolute()) throw InvalidRepoPath("path must be absolute: " + repo_path);
  for (const fs::path& part : path) {
    if (part == "..") {
      throw InvalidRepoPath("path traversal or unsafe location detected ('..' in " + repo_path +
                            ")");
    }
  }
  fs::path resolved = ResolveExistingPrefix(path.lexically_normal());
  for (const fs::path& forbidden : policy.forbidden_trees) {
    if (IsAtOrBelow(resolved, ResolveRoot(forbidden))) {
      throw InvalidRepoPath("path traversal or unsafe location detected (" + repo_path +
                            " is inside " + forbidden.string() + ")");
    }
  }
  std::string roots;
  for (const fs::path& root : policy.allowed_roots) {
    fs::path resolved_root = ResolveRoot(root);
    if (IsAtOrBelow(resolved, resolved_root) && resolved != resolved_root) return resolved;
    roots += (roots.empty() ? "" : ", ") + root.string();
  }
  std::string shown =
      resolved == path.lexically_normal() ? repo_path : repo_path + " → " + resolved.string();
  throw InvalidRepoPath("path traversal or unsafe location detected (" + shown +
                        " is outside the allowed roots: " + roots + ")");
}

}  // namespace oxd::sync
