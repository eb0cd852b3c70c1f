// The murmur relay through the real oxd and the real sync plugin over a file://
// ledger remote, with murmur files in the original's layout and schema
// (data/murmurs/<date>/<hour>/<id>.json): a teammate's murmur becomes a whisper
// after a sync — once, with its topic and importance, and not again after a
// restart or a re-pull —, a local agent's own murmur (oxctl murmur) reaches its
// local coworkers at once, is written as the original writes it and is never
// echoed back.
#include <ctime>
#include <filesystem>
#include <map>
#include <regex>

#include <oxd/json.h>

#include "SyncFixture.h"

namespace oxd::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

// `format` of now minus `hours_ago`, in UTC.
std::string UtcAgo(int hours_ago, const char* format) {
  std::time_t when = std::time(nullptr) - hours_ago * 3600;
  std::tm utc{};
  gmtime_r(&when, &utc);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, format, &utc);
  return buffer;
}
std::string UtcNow(const char* format) { return UtcAgo(0, format); }

// A murmur file as the original's ledger.MurmurFile marshals it, and where it
// puts it.
struct OriginalMurmur {
  json file;
  std::string path;
};
OriginalMurmur MakeOriginalMurmur(const std::string& id, const std::string& agent,
                                  const std::string& text, const std::string& topic,
                                  const std::string& importance, int hours_ago) {
  json file = {{"schema_version", "1"},
               {"id", id},
               {"timestamp", UtcAgo(hours_ago, "%Y-%m-%dT%H:%M:%SZ")},
               {"agent_id", agent},
               {"agent_type", "claude-code"},
               {"principal_id", "u_" + agent},
               {"principal_type", "human"},
               {"topic", topic},
               {"importance", importance},
               {"content", text},
               {"metadata", {{"files", "src/parser.cc"}}},
               {"scope", "ledger"}};
  return {file, "data/murmurs/" + UtcAgo(hours_ago, "%Y-%m-%d/%H") + "/" + id + ".json"};
}

// What the original's decoder demands of a murmur file: its Go field types, and
// a parseable timestamp. Fails the test naming the field.
void ExpectOriginalMurmurFile(const json& file) {
  for (const char* key : {"schema_version", "id", "timestamp", "topic", "importance", "content"}) {
    ASSERT_TRUE(file.contains(key) && file[key].is_string()) << key << ": " << file.dump();
  }
  for (const char* key : {"agent_id", "agent_type", "principal_id", "principal_type", "scope"}) {
    if (file.contains(key)) {
      EXPECT_TRUE(file[key].is_string()) << key << ": " << file.dump();
    }
  }
  if (file.contains("metadata")) {
    ASSERT_TRUE(file["metadata"].is_object());
    for (const auto& [key, value] : file["metadata"].items()) EXPECT_TRUE(value.is_string()) << key;
  }
  if (file.contains("tags")) {
    ASSERT_TRUE(file["tags"].is_array());
    for (const json& tag : file["tags"]) EXPECT_TRUE(tag.is_string());
  }
  EXPECT_EQ(file["schema_version"], "1");
  EXPECT_TRUE(sdk::parseTime(file["timestamp"].get<std::string>()).has_value()) << file.dump();
  EXPECT_TRUE((std::set<std::string>{"critical", "normal", "ambient"})
                  .count(file["importance"].get<std::string>()))
      << file.dump();
  EXPECT_TRUE(std::regex_match(file["id"].get<std::string>(),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                          "[0-9a-f]{12}")))
      << "a UUIDv7: " << file["id"];
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
  void PushMurmur(const std::string& repo, const OriginalMurmur& murmur) {
    Push(repo, murmur.path, murmur.file.dump(2));
  }
  json Take(const std::string& agent, const std::string& attention = "normal") {
    json reply = request("whispers", {{"agent_id", agent}, {"attention", attention}});
    EXPECT_TRUE(reply["success"]) << reply.dump();
    return reply["data"]["entries"];
  }
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

TEST_F(WhisperRelayTest, ATeammatesMurmurIsWhisperedOnceWithItsTopicAndImportance) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger());
  sendOneWay("heartbeat", {{"agent_id", "Local1"}});
  // Murmurs of the original at several hours; one that does not decode; one of
  // another hour.
  PushMurmur("ledger", MakeOriginalMurmur("0193a000-0000-7000-8000-000000000001", "Mate1",
                                          "refactoring the parser", "parser", "critical", 0));
  PushMurmur("ledger", MakeOriginalMurmur("0193a000-0000-7000-8000-000000000002", "Mate2",
                                          "reading the lexer", "lexer", "normal", 3));
  PushMurmur("ledger", MakeOriginalMurmur("0193a000-0000-7000-8000-000000000003", "Mate3",
                                          "tidying docs", "docs", "ambient", 7));
  Push("ledger", "data/murmurs/" + UtcNow("%Y-%m-%d/%H") + "/broken.json",
       R"({"id":"x","content":"c","timestamp":"2026-11-23T10:00:00Z","importance":2})");
  ASSERT_NO_FATAL_FAILURE(SyncAndWaitForRelay());
  json entries;
  ASSERT_TRUE(WaitFor([&] {
    for (const json& entry : Take("Local1", "all")) entries.push_back(entry);
    return entries.size() >= 3;
  })) << daemonDiagnostics();
  ASSERT_EQ(entries.size(), 3u) << entries.dump(2);
  std::map<std::string, json> by_agent;
  for (const json& entry : entries) by_agent[entry["agent_id"]] = entry;
  json parser = by_agent["Mate1"];
  EXPECT_EQ(parser["content"], "refactoring the parser");
  EXPECT_EQ(parser["source"], "murmur");
  EXPECT_EQ(parser["type"], "trigger");
  EXPECT_EQ(parser["topic"], "parser");
  EXPECT_EQ(parser["importance"], "critical");
  EXPECT_EQ(parser["principal_id"], "u_Mate1");
  EXPECT_EQ(parser["principal_type"], "human");
  EXPECT_EQ(parser["metadata"], json({{"files", "src/parser.cc"}}));
  EXPECT_EQ(parser["scope"], "ledger");
  EXPECT_EQ(by_agent["Mate2"]["topic"], "lexer");
  EXPECT_EQ(by_agent["Mate2"]["importance"], "normal");
  EXPECT_EQ(by_agent["Mate3"]["importance"], "ambient");
  EXPECT_EQ(entries[0]["agent_id"], "Mate1") << "critical first";

  ASSERT_NO_FATAL_FAILURE(RestartSync());
  Push("ledger", "notes/other.md", "unrelated\n");
  ASSERT_NO_FATAL_FAILURE(SyncAndWaitForRelay());
  EXPECT_TRUE(Take("Local1", "all").empty());
  EXPECT_EQ(MurmursInHistory(), 3) << "relayed once, across a restart and a re-pull";
}

TEST_F(WhisperRelayTest, OxdsEarlierMurmurFilesAreStillRelayedOnce) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger());
  sendOneWay("heartbeat", {{"agent_id", "Local1"}});
  json file = {{"version", 1},         {"id", "m_mate_1"},
               {"agent_id", "Mate1"},  {"content", "written by an older oxd"},
               {"topics", {"parser"}}, {"created_at", UtcNow("%Y-%m-%dT%H:%M:%SZ")}};
  Push("ledger", "murmurs/" + UtcNow("%Y-%m-%d") + "/m_mate_1.json", file.dump());
  ASSERT_NO_FATAL_FAILURE(SyncAndWaitForRelay());
  json entries;
  ASSERT_TRUE(WaitFor([&] {
    entries = Take("Local1");
    return !entries.empty();
  })) << daemonDiagnostics();
  ASSERT_EQ(entries.size(), 1u) << entries.dump(2);
  EXPECT_EQ(entries[0]["content"], "written by an older oxd");
  EXPECT_EQ(entries[0]["topic"], "parser");
  Push("ledger", "notes/other.md", "unrelated\n");
  ASSERT_NO_FATAL_FAILURE(SyncAndWaitForRelay());
  EXPECT_EQ(MurmursInHistory(), 1);
}

TEST_F(WhisperRelayTest, AnAgentsOwnMurmurIsWrittenAsTheOriginalWritesItAndNeverEchoed) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger());
  sendOneWay("heartbeat", {{"agent_id", "Local1"}});
  sendOneWay("heartbeat", {{"agent_id", "Local2"}});
  ASSERT_TRUE(WaitFor([&] { return request("instances")["data"]["instances"].size() == 2; }));
  ProcessResult murmured = oxctl({"murmur", "moving the cache to SQLite", "--agent", "Local1",
                                  "--topic", "cache", "--importance", "critical"});
  ASSERT_EQ(murmured.exit_code, 0) << murmured.out << murmured.err;
  EXPECT_EQ(murmured.out, "murmured as Local1: moving the cache to SQLite\n");
  json coworker = Take("Local2");
  ASSERT_EQ(coworker.size(), 1u) << coworker.dump(2);
  EXPECT_EQ(coworker[0]["agent_id"], "Local1");
  EXPECT_EQ(coworker[0]["topic"], "cache");
  EXPECT_EQ(coworker[0]["importance"], "critical");
  EXPECT_TRUE(Take("Local1").empty()) << "an agent is not told what it said";

  // The sync plugin commits and pushes the file where the original puts it.
  std::string remote = "git --git-dir=" + (remotes_ / "ledger.git").string();
  ASSERT_TRUE(WaitFor([&] {
    return git::testing::Sh(remotes_, remote + " log --format=%s main")
               .find("murmur: moving the cache to SQLite") != std::string::npos;
  })) << daemonDiagnostics();
  std::string tree = git::testing::Sh(remotes_, remote + " ls-tree -r --name-only main");
  std::smatch found;
  ASSERT_TRUE(std::regex_search(tree, found,
                                std::regex("data/murmurs/([0-9]{4}-[0-9]{2}-[0-9]{2})/"
                                           "([0-9]{2})/([^/\n]+)\\.json")))
      << tree;
  json file = json::parse(git::testing::Sh(remotes_, remote + " show main:" + found.str(0)));
  ASSERT_NO_FATAL_FAILURE(ExpectOriginalMurmurFile(file));
  EXPECT_EQ(file["agent_id"], "Local1");
  EXPECT_EQ(file["content"], "moving the cache to SQLite");
  EXPECT_EQ(file["topic"], "cache");
  EXPECT_EQ(file["importance"], "critical");
  EXPECT_EQ(file["id"], found.str(3)) << "the file is named by its id";
  // The directories are the timestamp's UTC date and hour.
  std::string timestamp = file["timestamp"];
  EXPECT_EQ(found.str(1), timestamp.substr(0, 10));
  EXPECT_EQ(found.str(2), timestamp.substr(11, 2));
  // The default topic is the original's.
  ASSERT_EQ(oxctl({"murmur", "no topic", "--agent", "Local1"}).exit_code, 0);
  EXPECT_EQ(Take("Local2")[0]["topic"], "general");
  // Pushed before the teammate pushes again (else the teammate's push is the one refused).
  ASSERT_TRUE(WaitFor([&] {
    return git::testing::Sh(remotes_, remote + " log --format=%s main").find("murmur: no topic") !=
           std::string::npos;
  })) << daemonDiagnostics();

  // The pull that brings our own files back relays nothing.
  Push("ledger", "notes/other.md", "unrelated\n");
  ASSERT_NO_FATAL_FAILURE(SyncAndWaitForRelay());
  EXPECT_TRUE(Take("Local1").empty());
  EXPECT_TRUE(Take("Local2").empty());
  EXPECT_EQ(MurmursInHistory(), 2);
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
  // Murmurs alone, in either layout, are no news about the team context: only a
  // relay.
  PushMurmur("team", MakeOriginalMurmur("0193a000-0000-7000-8000-0000000000aa", "Mate2",
                                        "the team file moves soon", "general", "normal", 1));
  json legacy = {{"version", 1},
                 {"id", "m_team_1"},
                 {"agent_id", "Mate3"},
                 {"content", "older oxd here"},
                 {"created_at", UtcNow("%Y-%m-%dT%H:%M:%SZ")}};
  Push("team", "murmurs/" + UtcNow("%Y-%m-%d") + "/m_team_1.json", legacy.dump());
  ASSERT_TRUE(request("team_sync", nullptr, 60s)["success"]);
  json entries;
  ASSERT_TRUE(WaitFor([&] {
    for (const json& entry : Take("Local1")) entries.push_back(entry);
    return entries.size() >= 2;
  })) << entries.dump(2)
      << daemonDiagnostics();
  for (const json& entry : entries) EXPECT_EQ(entry["source"], "murmur") << entries.dump(2);
  // A real change is news.
  Push("team", "SOUL.md", "be kind\n");
  ASSERT_TRUE(request("team_sync", nullptr, 60s)["success"]);
  json news;
  ASSERT_TRUE(WaitFor([&] {
    for (const json& entry : Take("Local1")) news.push_back(entry);
    return !news.empty();
  })) << daemonDiagnostics();
  ASSERT_EQ(news.size(), 1u) << news.dump(2);
  EXPECT_EQ(news[0]["source"], "sync");
  EXPECT_EQ(news[0]["content"],
            "Team context Platform changed (1 file): "
            "SOUL.md. Re-read what applies to your work.");
  EXPECT_EQ(news[0]["scope"], "team");
  EXPECT_EQ(news[0]["team_id"], "team_1");
  std::set<std::string> murmur_teams;
  for (const json& entry : entries) murmur_teams.insert(entry.value("team_id", ""));
  EXPECT_EQ(murmur_teams, std::set<std::string>{"team_1"});
}

}  // namespace
}  // namespace oxd::testing
