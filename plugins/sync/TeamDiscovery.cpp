#include "TeamDiscovery.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "RollingFile.h"

namespace oxd::sync {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFileName = "sync-teams.json";

// id → path of the file's entries whose id `team_urls` still maps; malformed entries dropped.
std::map<std::string, fs::path> LoadRemembered(const fs::path& file,
                                               const TeamDiscovery::TeamUrls& team_urls) {
  std::map<std::string, fs::path> out;
  Poco::JSON::Object::Ptr object = ReadJsonFile(file);
  Poco::JSON::Array::Ptr teams = object ? object->getArray("teams") : nullptr;
  if (!teams) return out;
  for (std::size_t i = 0; i < teams->size(); ++i) {
    Poco::JSON::Object::Ptr team = teams->getObject(static_cast<unsigned>(i));
    if (!team) continue;
    std::string id = team->optValue<std::string>("id", "");
    fs::path path = team->optValue<std::string>("path", "");
    if (!id.empty() && path.is_absolute() && team_urls.count(id)) out[id] = path;
  }
  return out;
}

Repo TeamRepo(const std::string& id, const std::string& name, const std::string& slug,
              const fs::path& path, const std::string& url) {
  return Repo{id, kTeamContextType, name.empty() ? id : name, slug, path, url};
}

}  // namespace

std::vector<Repo> TeamDiscovery::Remembered(const fs::path& workspace_data_dir,
                                            const TeamUrls& team_urls) {
  std::vector<Repo> repos;
  for (const auto& [id, path] : LoadRemembered(workspace_data_dir / kFileName, team_urls)) {
    repos.push_back(TeamRepo(id, "", "", path, team_urls.at(id)));
  }
  return repos;
}

TeamDiscovery::TeamDiscovery(Poco::Logger& log, const sdk::Workspace& workspace, RepoSet& repos,
                             TeamUrls team_urls, std::function<void(const Repo&)> on_added)
    : log_(log),
      repos_(repos),
      team_urls_(std::move(team_urls)),
      file_(workspace.workspace_data_dir / kFileName),
      on_added_(std::move(on_added)),
      remembered_(LoadRemembered(file_, team_urls_)) {}

void TeamDiscovery::OnTeamSeen(const sdk::TeamSeenEvent& event) {
  const std::string& id = event.team_id;
  fs::path path = event.path;
  if (id.empty() || !path.is_absolute()) return;
  std::string url = event.url;
  bool from_config = url.empty() && team_urls_.count(id);
  if (from_config) url = team_urls_.at(id);
  if (url.empty()) {
    std::lock_guard lock(mutex_);
    if (without_url_.insert(id).second && !repos_.Find(id)) {
      log_.information(
          "team %s named in a heartbeat: no clone URL known (add it to .oxd/project.json "
          "team_contexts, or [sync] team_urls)",
          id);
    }
    return;
  }
  Repo repo = TeamRepo(id, event.name, event.slug, path, url);
  repo.interval = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::nanoseconds(event.interval_ns));
  repo.gc_interval_days = static_cast<int>(event.gc_interval_days);
  if (!repos_.AddOrComplete(repo)) return;
  log_.information("team context %s added (named in a heartbeat), at %s", id, path.string());
  if (from_config) Remember(repo);
  on_added_(*repos_.Find(id));
}

void TeamDiscovery::Remember(const Repo& repo) {
  std::lock_guard lock(mutex_);
  remembered_[repo.id] = repo.path;
  Poco::JSON::Array::Ptr teams = new Poco::JSON::Array;
  for (const auto& [id, path] : remembered_) {
    Poco::JSON::Object::Ptr team = new Poco::JSON::Object(true);
    team->set("id", id);
    team->set("path", path.string());
    teams->add(team);
  }
  Poco::JSON::Object::Ptr object = new Poco::JSON::Object(true);
  object->set("teams", teams);
  if (std::string failure = WriteJsonFile(file_, object); !failure.empty()) {
    log_.warning("%s (team %s is synced until the daemon stops)", failure, repo.id);
  }
}

}  // namespace oxd::sync
