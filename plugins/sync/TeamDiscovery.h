// Team contexts learnt after start. A heartbeat that names a team id the daemon
// had not seen makes the core publish `team.seen`, with what the project file says of the team
// *now* (it may have gained the team since start). When the project file or the `team_urls`
// config key gives the team's clone URL, the team joins the RepoSet and is cloned at once; a team
// without a URL is logged once and left alone. Teams added from `team_urls` are remembered in
// <workspace data>/sync-teams.json ({"teams":[{"id","path"}]}; no URLs, which may carry
// credentials) so a restart or a reload keeps syncing them before a heartbeat names them again;
// removing the entry from `team_urls` stops that. Teams from the project file need no memory:
// the next start reads them there.
#pragma once

#include <oxd/events.h>
#include <oxd/host.h>

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "RepoSet.h"

namespace oxd::sync {

class TeamDiscovery {
 public:
  using TeamUrls = std::map<std::string, std::string>;

  // The teams an earlier run remembered whose id `team_urls` still maps to a URL.
  static std::vector<Repo> Remembered(const std::filesystem::path& workspace_data_dir,
                                      const TeamUrls& team_urls);

  // `on_added` runs (on the event's worker) after a team joined the set or got its URL.
  TeamDiscovery(Poco::Logger& log, const sdk::Workspace& workspace, RepoSet& repos,
                TeamUrls team_urls, std::function<void(const Repo&)> on_added);

  // The `team.seen` subscriber.
  void OnTeamSeen(const sdk::TeamSeenEvent& event);

 private:
  void Remember(const Repo& repo);

  Poco::Logger& log_;
  RepoSet& repos_;
  const TeamUrls team_urls_;
  const std::filesystem::path file_;
  std::function<void(const Repo&)> on_added_;
  std::mutex mutex_;                   // guards the two below and the file
  std::set<std::string> without_url_;  // logged once each
  std::map<std::string, std::filesystem::path> remembered_;
};

}  // namespace oxd::sync
