// What a checkout holds that its remote lacks: the daemon's own writes are committed first and
// pushed after, so a push that failed (offline, lost race) leaves commits that the next sync
// must push. Local only: compares HEAD with the remote-tracking ref, no network.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace oxd::git {

// Commits reachable from HEAD and not from the upstream's tracking ref (0 when HEAD is unborn
// or detached, or when nothing was ever fetched). Throws GitError when the repo cannot be read.
std::size_t CommitsAhead(const std::filesystem::path& work_tree);

// The identity the daemon commits as: user.name / user.email of the repository's git config
// (which includes the user's global config), else "oxd" <oxd@localhost>.
struct Identity {
  std::string name;
  std::string email;
};
Identity CommitIdentity(const std::filesystem::path& work_tree);

}  // namespace oxd::git
