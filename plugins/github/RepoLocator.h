// Which GitHub repository a project mirrors: `.oxd/project.json` github {owner, repo} when set,
// else the first of the project's git remotes (origin first) that lives on the API's web host
// (github.com for api.github.com, HOST for an Enterprise https://HOST/api/v3).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace oxd::github {

struct RepoRef {
  std::string owner;
  std::string repo;
  std::string source;  // "project.json" or "remote <name>"

  std::string slug() const { return owner + "/" + repo; }
};

// owner/repo of a remote URL on `host`: https://HOST/o/r(.git), http://, git@HOST:o/r.git,
// ssh://git@HOST(:port)/o/r.git, git://HOST/o/r.git. Host compared without case or port.
std::optional<RepoRef> ParseRemoteUrl(const std::string& url, const std::string& host);

struct Remote {
  std::string name;
  std::string url;
};
// The remotes of the git repository at (or above) `project_root`, origin first; none when it is
// not a git repository.
std::vector<Remote> ProjectRemotes(const std::filesystem::path& project_root);

// project.json's pair wins; else the remotes. nullopt when neither names a repository on `host`.
std::optional<RepoRef> LocateRepository(const std::string& project_owner,
                                        const std::string& project_repo,
                                        const std::vector<Remote>& remotes,
                                        const std::string& host);

}  // namespace oxd::github
