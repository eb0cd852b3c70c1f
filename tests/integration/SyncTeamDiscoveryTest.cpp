// Team contexts a heartbeat names after the daemon started (plugins/sync/TeamDiscovery.h): added
// when the project file (read again) or `[sync] team_urls` gives the URL, cloned at once, pulled
// by `team_sync`, remembered across a restart when they came from config; a team nobody gives a
// URL for is logged once and left alone.
#include <filesystem>
#include <fstream>
#include <string>

#include "GitScene.h"
#include "SyncFixture.h"
#include "common/Paths.h"

namespace oxd::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using oxd::git::testing::ReadFile;

class SyncTeamDiscoveryTest : public SyncFixture {
 protected:
  void HeartbeatNaming(const std::string& team_id) {
    sendOneWay("heartbeat", {{"agent_id", "Oxa7b3"},
                             {"repo_path", projectDir().string()},
                             {"team_ids", json::array({team_id})}});
  }
  json Team(const std::string& id) {
    for (const json& team : Status()["workspaces"].value("team-context", json::array())) {
      if (team.value("id", "") == id) return team;
    }
    return {};
  }
  bool Cloned(const std::string& id) {
    json team = Team(id);
    return !team.is_null() && team.value("exists", false);
  }
  std::string LogText() {
    std::ifstream in(logPath());
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

TEST_F(SyncTeamDiscoveryTest, ATeamTheProjectFileGainedIsClonedWhenAHeartbeatNamesIt) {
  writeProjectFile(json::object());
  ASSERT_NO_FATAL_FAILURE(StartSync());
  EXPECT_TRUE(Status()["workspaces"].value("team-context", json::array()).empty());

  std::string url = MakeRemote("late-team");
  writeProjectFile({{"team_contexts", {{{"id", "team_late"}, {"name", "Late"}, {"url", url}}}}});
  HeartbeatNaming("team_late");
  ASSERT_TRUE(WaitFor([&] { return Cloned("team_late"); }))
      << Status().dump(2) << daemonDiagnostics();
  EXPECT_EQ(Team("team_late")["team_name"], "Late");
  fs::path checkout = Team("team_late")["path"].get<std::string>();
  EXPECT_EQ(ReadFile(checkout / "README.md"), "late-team\n");

  Push("late-team", "SOUL.md", "soul\n");
  json reply = request("team_sync", nullptr, std::chrono::seconds(30));
  EXPECT_TRUE(reply["success"]) << reply.dump();
  EXPECT_EQ(ReadFile(checkout / "SOUL.md"), "soul\n");
}

TEST_F(SyncTeamDiscoveryTest, ATeamFromConfigIsRememberedUntilItsEntryIsRemoved) {
  std::string url = MakeRemote("config-team");
  std::vector<std::string> with_entry{"--define", "sync.team_urls=team_cfg=" + url};
  ASSERT_NO_FATAL_FAILURE(StartSync(with_entry));
  EXPECT_TRUE(Team("team_cfg").is_null()) << "only a heartbeat adds it";
  HeartbeatNaming("team_cfg");
  ASSERT_TRUE(WaitFor([&] { return Cloned("team_cfg"); }))
      << Status().dump(2) << daemonDiagnostics();

  // Restarted, it is synced before any heartbeat names it again.
  stopDaemon();
  ASSERT_NO_FATAL_FAILURE(StartSync(with_entry));
  EXPECT_TRUE(Cloned("team_cfg")) << Status().dump(2);
  Push("config-team", "notes.md", "from the team\n");
  EXPECT_TRUE(request("team_sync", nullptr, std::chrono::seconds(30))["success"]);
  EXPECT_EQ(ReadFile(fs::path(Team("team_cfg")["path"].get<std::string>()) / "notes.md"),
            "from the team\n");

  // The entry gone from config, the team is no longer synced (the checkout stays on disk).
  stopDaemon();
  ASSERT_NO_FATAL_FAILURE(StartSync());
  EXPECT_TRUE(Team("team_cfg").is_null()) << Status().dump(2);
}

// A damaged memory file costs the damaged entries only, never the plugin.
TEST_F(SyncTeamDiscoveryTest, DamagedEntriesOfTheMemoryFileAreSkipped) {
  std::string url = MakeRemote("kept-team");
  writeProjectFile(json::object());
  fs::path data = paths::dataDir() / "workspaces" / workspaceId();
  fs::create_directories(data);
  fs::path checkout = tempDir() / "teams" / "team_kept";
  std::ofstream(data / "sync-teams.json")
      << json({{"teams", json::array({{{"id", {{"nested", 1}}}, {"path", "/x"}},
                                      "junk",
                                      {{"id", "team_kept"}, {"path", checkout.string()}}})}})
             .dump();
  ASSERT_NO_FATAL_FAILURE(StartSync({"--define", "sync.team_urls=team_kept=" + url}));
  EXPECT_FALSE(Team("team_kept").is_null()) << Status().dump(2);
  ASSERT_TRUE(WaitFor([&] { return Cloned("team_kept"); })) << Status().dump(2);
  EXPECT_EQ(ReadFile(checkout / "README.md"), "kept-team\n");
}

TEST_F(SyncTeamDiscoveryTest, ATeamWithoutAUrlIsLoggedOnceAndLeftAlone) {
  writeProjectFile(json::object());
  ASSERT_NO_FATAL_FAILURE(StartSync());
  HeartbeatNaming("team_nourl");
  HeartbeatNaming("team_nourl");
  ASSERT_TRUE(WaitFor([&] { return LogText().find("team_nourl") != std::string::npos; }))
      << LogText();
  EXPECT_TRUE(Team("team_nourl").is_null());
  std::string log = LogText();
  std::size_t first = log.find("team team_nourl named in a heartbeat: no clone URL known");
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("team team_nourl named", first + 1), std::string::npos) << log;
}

TEST_F(SyncTeamDiscoveryTest, BadTeamUrlsConfigFailsThePluginWithTheKeyNamed) {
  ASSERT_NO_FATAL_FAILURE(StartSync({"--define", "sync.team_urls=just-a-url"}));
  json plugins = request("plugins")["data"];
  EXPECT_NE(plugins.dump().find("team_urls: expected TEAM_ID=URL entries, got 'just-a-url'"),
            std::string::npos)
      << plugins.dump(2);
}

}  // namespace
}  // namespace oxd::testing
