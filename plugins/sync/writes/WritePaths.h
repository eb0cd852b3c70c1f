// Where the daemon's own writes may land, checked before anything is written: murmurs and
// finished sessions go inside a checkout the plugin manages (never its .git), session watches
// read a regular file of the user's. Clients are the same user (SO_PEERCRED), but the files
// land in repositories pushed to a team, and a teammate could push a symlink (`sessions` →
// ~/.ssh) that a naive write would follow: every destination is resolved, symlinks included.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include "RepoSet.h"

namespace oxd::sync {

class RefusedWrite : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct WriteTarget {
  Repo repo;
  std::filesystem::path file;  // absolute, symlinks resolved
  std::string repo_relative;   // what gets committed
};

// `target_dir` (absolute, no `..`; may not exist yet) must resolve at or below a managed checkout,
// and `target_dir/rel_path` (rel_path relative, no `..`) strictly inside it and outside its .git.
// Throws RefusedWrite naming the reason.
WriteTarget ResolveWriteTarget(const RepoSet& repos, const std::string& target_dir,
                               const std::string& rel_path);

// `relative` (no `..`) inside `repo`'s checkout, outside .git, symlinks resolved. Throws.
WriteTarget ResolveInRepo(const Repo& repo, const std::string& relative);

// A session folder name: one path component of [A-Za-z0-9._-], not starting with '.'.
void CheckSessionName(const std::string& name);

// An agent's session file: absolute, no `..`, itself a regular file (not a symlink) owned by
// this user. Returns it with its directory's symlinks resolved. Throws RefusedWrite.
std::filesystem::path CheckSessionFile(const std::string& path);

// Writes `bytes` at `path` via a temporary file in the same directory, fsync and rename, so a
// reader (or a commit racing a crash) sees the old content or the new, never half of it.
// Creates missing parent directories. Throws std::system_error.
void WriteFileAtomically(const std::filesystem::path& path, const std::string& bytes);

}  // namespace oxd::sync
