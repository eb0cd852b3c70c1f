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
                         team.slug, team.path, team.url, team.interval, team.gc_interval_days});
  }
  return repos;
}

RepoSet::RepoSet(std::vector<Repo> repos) {
  for (Repo& repo : repos) {
    RepoRuntime state;
    state.exists = HasGitDir(repo.path);
    entries_.push_back({std::move(repo), state});
  }
}

std::vector<Repo> RepoSet::repos() const {
  std::lock_guard lock(mutex_);
  std::vector<Repo> out;
  for (const Entry& entry : entries_) out.push_back(entry.repo);
  return out;
}

std::optional<Repo> RepoSet::Find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  for (const Entry& entry : entries_) {
    if (entry.repo.id == id) return entry.repo;
  }
  return std::nullopt;
}

std::optional<Repo> RepoSet::FindByPath(const fs::path& path) const {
  std::error_code ignored;
  for (const Repo& repo : repos()) {  // a copy: canonicalising touches the disk, not under lock
    if (repo.path == path || fs::weakly_canonical(repo.path, ignored) == path) return repo;
  }
  return std::nullopt;
}

std::vector<Repo> RepoSet::OfType(const std::string& type) const {
  std::lock_guard lock(mutex_);
  std::vector<Repo> out;
  for (const Entry& entry : entries_) {
    if (entry.repo.type == type) out.push_back(entry.repo);
  }
  return out;
}

bool RepoSet::AddOrComplete(const Repo& repo) {
  bool exists = HasGitDir(repo.path);
  std::lock_guard lock(mutex_);
  if (Entry* known = FindLocked(repo.id)) {
    if (!known->repo.url.empty() || repo.url.empty()) return false;
    known->repo.url = repo.url;
    return true;
  }
  RepoRuntime state;
  state.exists = exists;
  entries_.push_back({repo, state});
  return true;
}

RepoSet::Entry* RepoSet::FindLocked(const std::string& id) {
  for (Entry& entry : entries_) {
    if (entry.repo.id == id) return &entry;
  }
  return nullptr;
}

RepoRuntime RepoSet::State(const std::string& id) const {
  std::lock_guard lock(mutex_);
  for (const Entry& entry : entries_) {
    if (entry.repo.id == id) return entry.state;
  }
  return {};
}

void RepoSet::Update(const std::string& id, const std::function<void(RepoRuntime&)>& change) {
  std::lock_guard lock(mutex_);
  if (Entry* entry = FindLocked(id)) change(entry->state);
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
