// The murmur relay through the real oxd and the real sync plugin over a file:// ledger remote:
// a teammate's murmur becomes a whisper after a sync — once, and not again after a restart or a
// re-pull —, and a local agent's own murmur (oxctl murmur) reaches its local coworkers at once
// and is never echoed back by the relay.
#include <ctime>
#include <filesystem>
#include <map>

#include "SyncFixture.h"

namespace oxd::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

std::string UtcNow(const char* format) {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, format, &utc);
  return buffer;
}

class WhisperRelayTest : public SyncFixture {
 protected:
  void StartWithLedger() {
    writeProjectFile({{"ledger", {{"url", MakeRemote("ledger")}}}});
    ASSERT_NO_FATAL_FAILURE(StartSync());
    ASSERT_FALSE(WaitForLedger().empty());
  }
  void RestartSync() {
    std::optional<int> status = stopDaemon();
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << daemonDiagnostics();
    ASSERT_NO_FATAL_FAILURE(StartSync());
  }
  // A murmur file as plugins/whisper/README.md defines it, pushed by the teammate.
  void TeammateMurmurs(const std::string& id, const std::string& agent, const std::string& text) {
    json file = {{"version", 1},         {"id", id},
                 {"agent_id", agent},    {"content", text},
                 {"topics", {"parser"}}, {"created_at", UtcNow("%Y-%m-%dT%H:%M:%SZ")}};
    Push("ledger", "murmurs/" + UtcNow("%Y-%m-%d") + "/" + id + ".json", file.dump());
  }
  json Take(const std::string& agent) {
    json reply = request("whispers", {{"agent_id", agent}});
    EXPECT_TRUE(reply["success"]) << reply.dump();
    return reply["data"]["entries"];
  }
  std::int64_t RelayRuns() { return Status()["whisper"].value("relayed_total", -1); }
  std::string LastRelay() { return Status()["whisper"].value("last_relay", ""); }
  // Syncs by hand and waits until the relay has looked at the pulled ledger.
  void SyncAndWaitForRelay() {
    std::string before = LastRelay();
    json reply = request("sync", nullptr, 60s);
    ASSERT_TRUE(reply["success"]) << reply.dump();
    ASSERT_TRUE(WaitFor([&] { return LastRelay() != before; })) << daemonDiagnostics();
  }
  int MurmursInHistory() {
    int count = 0;
    json reply = request("whisper_history", {{"agent_id", ""}, {"limit", 200}});
    for (const json& entry : reply["data"]["entries"]) count += entry["source"] == "murmur";
    return count;
  }
};

TEST_F(WhisperRelayTest, ATeammatesMurmurIsWhisperedOnceAndNotAgainAfterRestartOrRePull) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger());
  sendOneWay("heartbeat", {{"agent_id", "Local1"}});
  TeammateMurmurs("m_mate_1", "Mate1", "refactoring the parser");
  ASSERT_NO_FATAL_FAILURE(SyncAndWaitForRelay());
  json entries;
  ASSERT_TRUE(WaitFor([&] {
    entries = Take("Local1");
    return !entries.empty();
  })) << daemonDiagnostics();
  ASSERT_EQ(entries.size(), 1u) << entries.dump(2);
  EXPECT_EQ(entries[0]["content"], "refactoring the parser");
  EXPECT_EQ(entries[0]["source"], "murmur");
  EXPECT_EQ(entries[0]["author_agent_id"], "Mate1");
  EXPECT_EQ(entries[0]["topic"], "parser");
  EXPECT_EQ(entries[0]["scope"], "ledger");

  ASSERT_NO_FATAL_FAILURE(RestartSync());
  Push("ledger", "notes/other.md", "unrelated\n");
  ASSERT_NO_FATAL_FAILURE(SyncAndWaitForRelay());
  EXPECT_TRUE(Take("Local1").empty());
  EXPECT_EQ(MurmursInHistory(), 1) << "relayed once, across a restart and a re-pull";
}

TEST_F(WhisperRelayTest, AnAgentsOwnMurmurReachesLocalCoworkersAndIsNeverEchoed) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger());
  sendOneWay("heartbeat", {{"agent_id", "Local1"}});
  sendOneWay("heartbeat", {{"agent_id", "Local2"}});
  ASSERT_TRUE(WaitFor([&] { return request("instances")["data"]["instances"].size() == 2; }));
  ProcessResult murmured =
      oxctl({"murmur", "moving the cache to SQLite", "--agent", "Local1", "--topic", "cache"});
  ASSERT_EQ(murmured.exit_code, 0) << murmured.out << murmured.err;
  EXPECT_EQ(murmured.out, "murmured as Local1: moving the cache to SQLite\n");
  json coworker = Take("Local2");
  ASSERT_EQ(coworker.size(), 1u) << coworker.dump(2);
  EXPECT_EQ(coworker[0]["author_agent_id"], "Local1");
  EXPECT_EQ(coworker[0]["topic"], "cache");
  EXPECT_TRUE(Take("Local1").empty()) << "an agent is not told what it said";

  // The sync plugin commits and pushes the file; the teammate sees the documented format.
  std::string remote = "git --git-dir=" + (remotes_ / "ledger.git").string();
  ASSERT_TRUE(WaitFor([&] {
    return git::testing::Sh(remotes_, remote + " log --format=%s main")
               .find("murmur: moving the cache to SQLite") != std::string::npos;
  })) << daemonDiagnostics();
  std::string path = git::testing::Sh(remotes_, remote + " ls-tree -r --name-only main");
  ASSERT_NE(path.find("murmurs/" + UtcNow("%Y-%m-%d") + "/m_"), std::string::npos) << path;
  std::string file_path = path.substr(path.find("murmurs/"));
  file_path = file_path.substr(0, file_path.find('\n'));
  json file = json::parse(git::testing::Sh(remotes_, remote + " show main:" + file_path));
  EXPECT_EQ(file["agent_id"], "Local1");
  EXPECT_EQ(file["content"], "moving the cache to SQLite");
  EXPECT_EQ(file["version"], 1);

  // The pull that brings our own file back relays nothing.
  Push("ledger", "notes/other.md", "unrelated\n");
  ASSERT_NO_FATAL_FAILURE(SyncAndWaitForRelay());
  EXPECT_TRUE(Take("Local1").empty());
  EXPECT_TRUE(Take("Local2").empty());
  EXPECT_EQ(MurmursInHistory(), 1);
}

TEST_F(WhisperRelayTest, ATeamContextChangeIsWhisperedAndItsMurmursGoToTheTeamStore) {
  writeProjectFile(
      {{"team_contexts", {{{"id", "team_1"}, {"name", "Platform"}, {"url", MakeRemote("team")}}}}});
  ASSERT_NO_FATAL_FAILURE(StartSync());
  ASSERT_TRUE(WaitFor([&] {
    json teams = Status()["workspaces"]["team-context"];
    return !teams.empty() && teams[0].value("exists", false);
  })) << daemonDiagnostics();
  sendOneWay("heartbeat", {{"agent_id", "Local1"}});
  Take("Local1");
  Push("team", "SOUL.md", "be kind\n");
  json murmur = {{"version", 1},
                 {"id", "m_team_1"},
                 {"agent_id", "Mate2"},
                 {"content", "the team file moved"},
                 {"created_at", UtcNow("%Y-%m-%dT%H:%M:%SZ")}};
  Push("team", "murmurs/" + UtcNow("%Y-%m-%d") + "/m_team_1.json", murmur.dump());
  ASSERT_TRUE(request("team_sync", nullptr, 60s)["success"]);
  json entries;
  ASSERT_TRUE(WaitFor([&] {
    for (const json& entry : Take("Local1")) entries.push_back(entry);
    return entries.size() >= 2;
  })) << entries.dump(2)
      << daemonDiagnostics();
  ASSERT_EQ(entries.size(), 2u) << entries.dump(2);
  std::map<std::string, json> by_source;
  for (const json& entry : entries) by_source[entry["source"]] = entry;
  EXPECT_EQ(by_source["sync"]["content"],
            "Team context Platform changed (1 file): SOUL.md. Re-read what applies to your work.");
  EXPECT_EQ(by_source["sync"]["scope"], "team");
  EXPECT_EQ(by_source["sync"]["team_id"], "team_1");
  EXPECT_EQ(by_source["murmur"]["content"], "the team file moved");
  EXPECT_EQ(by_source["murmur"]["team_id"], "team_1");
}

}  // namespace
}  // namespace oxd::testing
