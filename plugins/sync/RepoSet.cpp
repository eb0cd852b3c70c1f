#include "RepoSet.h"

#include <system_error>

namespace oxd::sync {

namespace fs = std::filesystem;

namespace {

bool HasGitDir(const fs::path& path) {
  std::error_code ignored;
  return fs::exists(path / ".git", ignored);
}

}  // namespace

std::vector<Repo> RepoSet::FromWorkspace(const sdk::Workspace& workspace) {
  std::vector<Repo> repos;
  // The default ledger path is always filled in by the core; without a URL a ledger is only
  // ours to sync when someone already checked it out there.
  if (!workspace.ledger_url.empty() || HasGitDir(workspace.ledger_path)) {
    repos.push_back(
        Repo{"ledger", kLedgerType, "ledger", "", workspace.ledger_path, workspace.ledger_url});
  }
  for (const sdk::TeamContext& team : workspace.team_contexts) {
    repos.push_back(Repo{team.id, kTeamContextType, team.name.empty() ? team.id : team.name,
                         team.slug, team.path, team.url});
  }
  return repos;
}

RepoSet::RepoSet(std::vector<Repo> repos) : repos_(std::move(repos)), states_(repos_.size()) {
  for (std::size_t i = 0; i < repos_.size(); ++i) states_[i].exists = HasGitDir(repos_[i].path);
}

const Repo* RepoSet::Find(const std::string& id) const {
  for (const Repo& repo : repos_) {
    if (repo.id == id) return &repo;
  }
  return nullptr;
}

const Repo* RepoSet::FindByPath(const fs::path& path) const {
  std::error_code ignored;
  for (const Repo& repo : repos_) {
    if (repo.path == path || fs::weakly_canonical(repo.path, ignored) == path) return &repo;
  }
  return nullptr;
}

std::vector<Repo> RepoSet::OfType(const std::string& type) const {
  std::vector<Repo> out;
  for (const Repo& repo : repos_) {
    if (repo.type == type) out.push_back(repo);
  }
  return out;
}

RepoRuntime RepoSet::State(const std::string& id) const {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < repos_.size(); ++i) {
    if (repos_[i].id == id) return states_[i];
  }
  return {};
}

void RepoSet::Update(const std::string& id, const std::function<void(RepoRuntime&)>& change) {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < repos_.size(); ++i) {
    if (repos_[i].id == id) change(states_[i]);
  }
}

bool RepoSet::TryBeginSync(const std::string& id) {
  bool began = false;
  Update(id, [&](RepoRuntime& state) {
    began = !state.syncing;
    state.syncing = true;
  });
  return began;
}

void RepoSet::EndSync(const std::string& id) {
  Update(id, [](RepoRuntime& state) { state.syncing = false; });
}

bool RepoSet::TryBeginClone(const std::string& id) {
  bool began = false;
  Update(id, [&](RepoRuntime& state) {
    began = !state.cloning;
    state.cloning = true;
  });
  return began;
}

void RepoSet::EndClone(const std::string& id) {
  Update(id, [](RepoRuntime& state) { state.cloning = false; });
}

}  // namespace oxd::sync
