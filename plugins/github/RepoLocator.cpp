#include "RepoLocator.h"

#include <git2.h>

#include <algorithm>
#include <cctype>

#include "git/Handles.h"
#include "git/Libgit2Runtime.h"

namespace oxd::github {

namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// "HOST", "HOST:port", "user@HOST", "user@HOST:port" → host.
std::string HostOf(std::string authority) {
  if (auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  if (auto colon = authority.find(':'); colon != std::string::npos) authority.erase(colon);
  return Lower(authority);
}

std::optional<RepoRef> OwnerRepo(std::string path) {
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (path.ends_with(".git")) path.resize(path.size() - 4);
  std::size_t slash = path.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == path.size()) return std::nullopt;
  if (path.find('/', slash + 1) != std::string::npos) return std::nullopt;
  RepoRef ref{path.substr(0, slash), path.substr(slash + 1), ""};
  return ref;
}

}  // namespace

std::optional<RepoRef> ParseRemoteUrl(const std::string& url, const std::string& host) {
  std::string wanted = Lower(host);
  if (wanted.empty()) return std::nullopt;
  std::size_t scheme_end = url.find("://");
  if (scheme_end != std::string::npos) {
    std::string scheme = Lower(url.substr(0, scheme_end));
    if (scheme != "https" && scheme != "http" && scheme != "ssh" && scheme != "git") {
      return std::nullopt;
    }
    std::string rest = url.substr(scheme_end + 3);
    std::size_t slash = rest.find('/');
    if (slash == std::string::npos) return std::nullopt;
    if (HostOf(rest.substr(0, slash)) != wanted) return std::nullopt;
    return OwnerRepo(rest.substr(slash));
  }
  // scp-like: [user@]HOST:owner/repo(.git)
  std::size_t colon = url.find(':');
  if (colon == std::string::npos || url.find('/') < colon) return std::nullopt;
  if (HostOf(url.substr(0, colon)) != wanted) return std::nullopt;
  return OwnerRepo(url.substr(colon + 1));
}

std::vector<Remote> ProjectRemotes(const std::filesystem::path& project_root) {
  git::EnsureLibgit2();
  std::vector<Remote> remotes;
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, project_root.c_str(), 0, nullptr) != 0) {
    git_error_clear();
    return remotes;
  }
  git::RepositoryPtr repo(raw);
  git_strarray names{};
  if (git_remote_list(&names, repo.get()) != 0) {
    git_error_clear();
    return remotes;
  }
  for (std::size_t i = 0; i < names.count; ++i) {
    git_remote* remote = nullptr;
    if (git_remote_lookup(&remote, repo.get(), names.strings[i]) != 0) {
      git_error_clear();
      continue;
    }
    const char* url = git_remote_url(remote);
    if (url) remotes.push_back({names.strings[i], url});
    git_remote_free(remote);
  }
  git_strarray_dispose(&names);
  std::stable_partition(remotes.begin(), remotes.end(),
                        [](const Remote& remote) { return remote.name == "origin"; });
  return remotes;
}

std::optional<RepoRef> LocateRepository(const std::string& project_owner,
                                        const std::string& project_repo,
                                        const std::vector<Remote>& remotes,
                                        const std::string& host) {
  if (!project_owner.empty() && !project_repo.empty()) {
    return RepoRef{project_owner, project_repo, "project.json"};
  }
  for (const Remote& remote : remotes) {
    if (auto ref = ParseRemoteUrl(remote.url, host)) {
      ref->source = "remote " + remote.name;
      return ref;
    }
  }
  return std::nullopt;
}

}  // namespace oxd::github
