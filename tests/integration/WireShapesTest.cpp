// The replies a client of the original decodes, through the real oxd: each shape is checked
// against the original's field names and JSON types (its Go structs, docs/protocol.md), so a
// field renamed or retyped here fails a test instead of the original's client. oxd's own extras
// are allowed only where listed.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include <oxd/json.h>

#include "WhisperFixture.h"
#include "common/Paths.h"

namespace oxd::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

// whisperstore.WhisperEntry of the original, field by field.
const std::set<std::string> kEntryRequired{"id",    "scope",   "type",       "source",
                                           "topic", "content", "importance", "created_at"};
const std::set<std::string> kEntryOptional{"agent_id", "principal_id", "principal_type", "team_id",
                                           "metadata"};
// oxd's extras (docs/protocol.md#whisperentry).
const std::set<std::string> kEntryExtras{"author_agent_id", "expires_at", "delivered"};

bool IsTime(const json& value) {
  return value.is_string() && sdk::parseTime(value.get<std::string>()).has_value();
}

// Fails the test with the entry when it would not decode into the original's WhisperEntry.
void ExpectOriginalEntry(const json& entry) {
  ASSERT_TRUE(entry.is_object()) << entry.dump();
  for (const std::string& key : kEntryRequired) {
    EXPECT_TRUE(entry.contains(key)) << "missing " << key << ": " << entry.dump();
  }
  for (const auto& [key, value] : entry.items()) {
    EXPECT_TRUE(kEntryRequired.count(key) || kEntryOptional.count(key) || kEntryExtras.count(key))
        << "unknown field " << key << ": " << entry.dump();
  }
  for (const char* key : {"id", "scope", "type", "source", "topic", "content", "agent_id",
                          "principal_id", "principal_type", "team_id"}) {
    if (entry.contains(key)) {
      EXPECT_TRUE(entry[key].is_string()) << key << ": " << entry.dump();
    }
  }
  EXPECT_TRUE(
      (std::set<std::string>{"critical", "normal", "ambient"}).count(entry.value("importance", "")))
      << entry.dump();
  EXPECT_TRUE(
      (std::set<std::string>{"structural", "time-based", "trigger"}).count(entry.value("type", "")))
      << entry.dump();
  EXPECT_TRUE((std::set<std::string>{"ledger", "team"}).count(entry.value("scope", "")))
      << entry.dump();
  EXPECT_TRUE(IsTime(entry["created_at"])) << entry.dump();
  if (entry.contains("metadata")) {
    ASSERT_TRUE(entry["metadata"].is_object()) << entry.dump();
    for (const auto& [key, value] : entry["metadata"].items()) {
      EXPECT_TRUE(value.is_string()) << "metadata." << key << " is map[string]string there";
    }
  }
}

class WireShapesTest : public WhisperFixture {
 protected:
  void Heartbeat(const std::string& agent) { sendOneWay("heartbeat", {{"agent_id", agent}}); }
};

TEST_F(WireShapesTest, WhispersAndHistoryEntriesDecodeAsTheOriginalsWhisperEntry) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Add({{"content", "plain"}});
  Add({{"content", "full"},
       {"source", "murmur"},
       {"author_agent_id", "Mate1"},
       {"topic", "parser"},
       {"importance", "critical"},
       {"principal_id", "u_7"},
       {"principal_type", "human"},
       {"metadata", {{"files", "a.cc,b.h"}}},
       {"expires_at", "2099-01-01T00:00:00Z"}});
  Add({{"content", "targeted"}, {"agent_id", "Ox1"}, {"importance", "ambient"}});

  json taken = Whispers({{"agent_id", "Ox1"}, {"attention", "all"}});
  ASSERT_EQ(taken.size(), 3u) << taken.dump();
  for (const json& entry : taken) ExpectOriginalEntry(entry);
  json full = taken[0];  // critical first
  EXPECT_EQ(full["content"], "full");
  EXPECT_EQ(full["importance"], "critical");
  EXPECT_EQ(full["topic"], "parser");
  EXPECT_EQ(full["type"], "trigger");
  EXPECT_EQ(full["agent_id"], "Mate1") << "a murmur's entry carries its speaker";
  EXPECT_EQ(full["principal_id"], "u_7");
  EXPECT_EQ(full["metadata"], json({{"files", "a.cc,b.h"}}));
  EXPECT_EQ(taken[2]["agent_id"], "Ox1") << "a targeted entry carries its target";
  EXPECT_EQ(taken[2]["importance"], "ambient");

  json history = request("whisper_history", {{"agent_id", "Ox1"}});
  ASSERT_TRUE(history["success"]) << history.dump();
  const json& data = history["data"];
  for (const char* key : {"entries", "cursor", "has_cursor", "has_more"}) {
    EXPECT_TRUE(data.contains(key)) << key << ": " << data.dump();
  }
  EXPECT_TRUE(IsTime(data["cursor"])) << data.dump();
  EXPECT_TRUE(data["has_cursor"].is_boolean());
  ASSERT_EQ(data["entries"].size(), 3u);
  for (const json& entry : data["entries"]) ExpectOriginalEntry(entry);
  json all = request("whisper_history", {{"agent_id", ""}})["data"]["entries"];
  ASSERT_EQ(all.size(), 3u);
  for (const json& entry : all) ExpectOriginalEntry(entry);
}

TEST_F(WireShapesTest, HistoryOfAnAgentNeverSeenIsAnEmptyPage) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddText("for everyone");
  json reply = request("whisper_history", {{"agent_id", "Oxnever"}});
  ASSERT_TRUE(reply["success"]) << reply.dump();
  EXPECT_EQ(reply["data"]["entries"], json::array());
  EXPECT_EQ(reply["data"]["has_more"], false);
  EXPECT_EQ(reply["data"]["has_cursor"], false);
}

TEST_F(WireShapesTest, SettingsGetAnswersTheOriginalsCliSettings) {
  ASSERT_NO_FATAL_FAILURE(Start());
  json reply = request("settings_get");
  ASSERT_TRUE(reply["success"]) << reply.dump();
  const json& data = reply["data"];
  ASSERT_TRUE(data.is_object()) << reply.dump();
  for (const auto& [key, value] : data.items()) {
    EXPECT_TRUE((std::set<std::string>{"features", "killswitches", "prime_append", "fetched_at"})
                    .count(key))
        << "unknown field " << key;
  }
  ASSERT_TRUE(data["features"].is_object());
  for (const auto& [key, value] : data["features"].items()) {
    EXPECT_TRUE(
        (std::set<std::string>{"codedb", "whisper", "distill", "auto_distill", "tui", "attest"})
            .count(key))
        << key;
    EXPECT_TRUE(value.is_boolean()) << key;
  }
  // This daemon runs the whisper plugin; its sync plugin is off, and it says nothing of others.
  EXPECT_EQ(data["features"]["whisper"], true) << data.dump();
  EXPECT_EQ(data["killswitches"],
            json({{"disable_file_delete_tools", false}, {"disable_shell_exec_tools", false}}));
  EXPECT_TRUE(IsTime(data["fetched_at"])) << data.dump();

  ASSERT_TRUE(request("plugin_disable", {{"name", "whisper"}})["success"]);
  EXPECT_EQ(request("settings_get")["data"]["features"]["whisper"], false)
      << "an installed plugin that does not run is a feature that is off";
}

TEST_F(WireShapesTest, InstancesShowLastWhisperOnceAnAgentWasGivenWhispers) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Heartbeat("Oxw1");
  json instance;
  auto find = [&] {
    json reply = request("instances");
    for (const json& item : reply["data"]["instances"]) {
      if (item.value("agent_id", "") == "Oxw1") instance = item;
    }
    return !instance.is_null();
  };
  ASSERT_TRUE(WaitFor(find, 5s)) << daemonDiagnostics();
  EXPECT_FALSE(instance.contains("last_whisper")) << instance.dump();
  EXPECT_TRUE(Take("Oxw1").empty());
  AddText("news");
  ASSERT_EQ(Take("Oxw1").size(), 1u);
  ASSERT_TRUE(WaitFor(
      [&] {
        instance = json();
        return find() && instance.contains("last_whisper");
      },
      5s))
      << instance.dump();
  EXPECT_TRUE(IsTime(instance["last_whisper"])) << instance.dump();
}

TEST_F(WireShapesTest, StatusNamesTheProjectsTeamAndOxctlShowsItUnderThisProject) {
  writeProjectFile(
      {{"team_id", "team_42"},
       {"team_contexts",
        {{{"id", "team_42"}, {"name", "Core Team"}}, {{"id", "team_7"}, {"name", "Other"}}}}});
  ASSERT_NO_FATAL_FAILURE(Start({}, true));
  json status = request("status")["data"];
  EXPECT_EQ(status["project_team_id"], "team_42") << status.dump();
  ProcessResult shown = oxctl({"status"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  std::size_t project = shown.out.find("This Project");
  std::size_t others = shown.out.find("Other Team Contexts (1)");
  ASSERT_NE(project, std::string::npos) << shown.out;
  ASSERT_NE(others, std::string::npos) << shown.out;
  std::size_t core_team = shown.out.find("Core Team (team context)");
  EXPECT_TRUE(core_team > project && core_team < others) << shown.out;
}

// A store written by an earlier oxd (schema 1: a topics list, importance 0-3) is migrated when the
// daemon opens it, and its entries come out in the original's shape.
TEST_F(WireShapesTest, AnOldStoreIsMigratedAndItsEntriesComeOutInTheOriginalsShape) {
  if (std::system("command -v sqlite3 >/dev/null") != 0) GTEST_SKIP() << "sqlite3 not installed";
  fs::create_directories(StoreDir());
  std::string sql = R"(
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version VALUES (1);
CREATE TABLE whispers (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL, target_agent TEXT NOT NULL DEFAULT '', author_agent TEXT NOT NULL DEFAULT '',
  topics TEXT NOT NULL DEFAULT '', importance INTEGER NOT NULL, content TEXT NOT NULL,
  created_at INTEGER NOT NULL UNIQUE, expires_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX whispers_by_source ON whispers(source, target_agent, created_at);
CREATE INDEX whispers_by_author ON whispers(author_agent, created_at);
CREATE TABLE cursors (agent_id TEXT PRIMARY KEY, delivered_through INTEGER NOT NULL,
  updated_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE relayed_murmurs (murmur_id TEXT PRIMARY KEY, relayed_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE agents (agent_id TEXT PRIMARY KEY, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
  murmur_paused INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO whispers (id, source, author_agent, topics, importance, content, created_at)
  VALUES ('w_old1', 'murmur', 'Mate1', 'parser' || char(31) || 'lexer', 3, 'old urgent murmur',
          1800000000000000000);
INSERT INTO whispers (id, source, target_agent, importance, content, created_at)
  VALUES ('w_old2', 'nudge', 'Ox1', 1, 'old nudge', 1800000000000000001);
INSERT INTO whispers (id, source, importance, content, created_at)
  VALUES ('w_old3', 'activity', 0, 'old summary', 1800000000000000002);
INSERT INTO cursors VALUES ('Ox1', 1800000000000000000, 1800000000000000000);
)";
  std::ofstream(tempDir() / "v1.sql") << sql;
  std::string command =
      "sqlite3 " + (StoreDir() / "ledger.db").string() + " < " + (tempDir() / "v1.sql").string();
  ASSERT_EQ(std::system(command.c_str()), 0) << command;

  ASSERT_NO_FATAL_FAILURE(Start());
  json history = request("whisper_history", {{"agent_id", "Ox1"}});
  ASSERT_TRUE(history["success"]) << history.dump();
  json entries = history["data"]["entries"];
  ASSERT_EQ(entries.size(), 3u) << entries.dump();
  for (const json& entry : entries) ExpectOriginalEntry(entry);
  EXPECT_EQ(entries[2]["id"], "w_old1");
  EXPECT_EQ(entries[2]["topic"], "parser") << "an entry keeps its first topic";
  EXPECT_EQ(entries[2]["importance"], "critical") << "urgent (3) is critical now";
  EXPECT_EQ(entries[2]["type"], "trigger");
  EXPECT_EQ(entries[2]["agent_id"], "Mate1");
  EXPECT_EQ(entries[2]["delivered"], true) << "the agent's cursor survived the migration";
  EXPECT_EQ(entries[1]["type"], "time-based");
  EXPECT_EQ(entries[1]["agent_id"], "Ox1");
  EXPECT_EQ(entries[1]["delivered"], false);
  EXPECT_EQ(entries[0]["importance"], "ambient");
  // What was pending is still delivered, once.
  EXPECT_EQ(Contents(Whispers({{"agent_id", "Ox1"}, {"attention", "all"}})),
            (std::vector<std::string>{"old nudge", "old summary"}));
  std::string version;
  std::string query = "sqlite3 " + (StoreDir() / "ledger.db").string() +
                      " 'SELECT version FROM schema_version' > " +
                      (tempDir() / "version.txt").string();
  std::optional<int> status = stopDaemon();
  ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  ASSERT_EQ(std::system(query.c_str()), 0);
  std::ifstream(tempDir() / "version.txt") >> version;
  EXPECT_EQ(version, "2");
}

}  // namespace
}  // namespace oxd::testing
