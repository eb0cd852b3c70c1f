// What the whisper plugin does on its own, through the real oxd: nudges on a short interval
// (and none for a paused agent), pause/resume kept across a restart, retention and the byte cap
// applied by `doctor`, and a store corrupted on disk healed (at start, or at the call that finds
// it while serving) with an issue raised.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "WhisperFixture.h"

namespace oxd::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

class WhisperSourcesTest : public WhisperFixture {
 protected:
  void Heartbeat(const std::string& agent) { sendOneWay("heartbeat", {{"agent_id", agent}}); }
  json Nudges(const std::string& agent) {
    json nudges = json::array();
    for (const json& entry : Take(agent)) {
      if (entry["source"] == "nudge") nudges.push_back(entry);
    }
    return nudges;
  }
  // Whether the ledger store was moved aside as `ledger.db.corrupt-*`.
  bool LedgerStoreMovedAside() {
    for (const auto& item : fs::directory_iterator(StoreDir())) {
      if (item.path().filename().string().rfind("ledger.db.corrupt-", 0) == 0) return true;
    }
    return false;
  }
};

TEST_F(WhisperSourcesTest, AnActiveAgentIsNudgedAfterTheIntervalAndAPausedOneIsNot) {
  ASSERT_NO_FATAL_FAILURE(Start({"whisper.nudge_min_interval=1s", "whisper.nudge_interval=2s"}));
  EXPECT_TRUE(request("murmur_pause", {{"agent_id", "Quiet"}})["success"]);
  auto started = std::chrono::steady_clock::now();
  Heartbeat("Busy");
  Heartbeat("Quiet");
  json nudges;
  ASSERT_TRUE(WaitFor(
      [&] {
        Heartbeat("Busy");
        nudges = Nudges("Busy");
        return !nudges.empty();
      },
      10s))
      << daemonDiagnostics();
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 1500ms) << "first nudge only once the agent was seen for the interval";
  ASSERT_EQ(nudges.size(), 1u);
  EXPECT_EQ(nudges[0]["agent_id"], "Busy");
  EXPECT_NE(nudges[0]["content"].get<std::string>().find("oxctl murmur"), std::string::npos);
  EXPECT_TRUE(nudges[0].contains("expires_at"));
  // The next one comes an interval after the last, not at every check.
  EXPECT_TRUE(Nudges("Busy").empty());
  ASSERT_TRUE(WaitFor(
      [&] {
        Heartbeat("Busy");
        return !Nudges("Busy").empty();
      },
      10s));
  EXPECT_TRUE(Nudges("Quiet").empty()) << "a paused agent is never nudged";
  EXPECT_GE(WhisperStatus()["nudges_sent"].get<int>(), 2);
}

TEST_F(WhisperSourcesTest, ActivitySummariesAreAmbientAndOnlyWhenSomethingChanged) {
  ASSERT_NO_FATAL_FAILURE(Start({"whisper.activity_interval=1s"}));
  Heartbeat("Worker1");
  auto activity = [&](const std::string& agent, const std::string& attention) {
    json found = json::array();
    for (const json& entry : Whispers({{"agent_id", agent}, {"attention", attention}})) {
      if (entry["source"] == "activity") found.push_back(entry);
    }
    return found;
  };
  json summaries;
  ASSERT_TRUE(WaitFor(
      [&] {
        summaries = activity("Reader", "all");
        return !summaries.empty();
      },
      10s))
      << daemonDiagnostics();
  EXPECT_EQ(summaries[0]["importance"], "ambient");
  EXPECT_EQ(summaries[0]["type"], "time-based");
  EXPECT_NE(summaries[0]["content"].get<std::string>().find("1 agent active on this machine"),
            std::string::npos)
      << summaries[0].dump();
  EXPECT_TRUE(activity("Focused", "normal").empty()) << "ambient: only attention all shows it";
  std::this_thread::sleep_for(2500ms);
  EXPECT_TRUE(activity("Reader", "all").empty()) << "nothing changed: no new summary";
  Heartbeat("Worker2");
  ASSERT_TRUE(WaitFor(
      [&] {
        summaries = activity("Reader", "all");
        return !summaries.empty();
      },
      10s));
  EXPECT_NE(summaries[0]["content"].get<std::string>().find("2 agents active"), std::string::npos)
      << summaries[0].dump();
}

TEST_F(WhisperSourcesTest, PauseAndResumeSurviveARestart) {
  ASSERT_NO_FATAL_FAILURE(Start());
  json reply = request("murmur_pause", {{"agent_id", "Ox1"}});
  ASSERT_TRUE(reply["success"]) << reply.dump();
  EXPECT_EQ(reply["data"]["murmur_paused"], true);
  EXPECT_TRUE(request("murmur_pause", {{"agent_id", "Ox2"}})["success"]);
  ASSERT_NO_FATAL_FAILURE(Restart());
  EXPECT_EQ(WhisperStatus()["nudges_paused"], json({"Ox1", "Ox2"}));
  EXPECT_TRUE(request("murmur_resume", {{"agent_id", "Ox1"}})["success"]);
  ASSERT_NO_FATAL_FAILURE(Restart());
  EXPECT_EQ(WhisperStatus()["nudges_paused"], json({"Ox2"}));
}

TEST_F(WhisperSourcesTest, DoctorPrunesWhatIsPastRetention) {
  ASSERT_NO_FATAL_FAILURE(Start({"whisper.retention=1s"}));
  AddText("old 1");
  AddText("old 2");
  std::this_thread::sleep_for(1200ms);
  AddText("new");
  json doctor = request("doctor")["data"]["plugins"]["whisper"];
  ASSERT_TRUE(doctor.contains("stores")) << doctor.dump();
  EXPECT_EQ(doctor["stores"][0]["name"], "ledger");
  EXPECT_EQ(doctor["stores"][0]["pruned"], 2);
  EXPECT_EQ(doctor["stores"][0]["healthy"], true);
  EXPECT_EQ(doctor["entries_pruned"], 2);
  EXPECT_FALSE(doctor.contains("errors"));
  EXPECT_EQ(Contents(Take("Ox1")), (std::vector<std::string>{"new"}));
  ProcessResult checked = oxctl({"doctor"});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_NE(checked.out.find("✓ whisper: entries_pruned=0, stores_checked=1, stores_healed=0"),
            std::string::npos)
      << checked.out;
}

TEST_F(WhisperSourcesTest, DoctorKeepsAStoreUnderItsByteCapDroppingTheOldest) {
  ASSERT_NO_FATAL_FAILURE(Start({"whisper.max_store_size=64KB"}));
  std::string filler(2000, 'x');
  for (int i = 0; i < 150; ++i) AddText(std::to_string(i) + " " + filler);
  json doctor = request("doctor")["data"]["plugins"]["whisper"];
  json ledger = doctor["stores"][0];
  EXPECT_GT(ledger["pruned"].get<int>(), 50) << doctor.dump();
  EXPECT_LE(fs::file_size(StoreDir() / "ledger.db"), 80u * 1024) << doctor.dump();
  json newest = request("whisper_history", {{"agent_id", ""}, {"limit", 1}})["data"]["entries"];
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0]["content"], "149 " + filler) << "the newest whispers are kept";
}

TEST_F(WhisperSourcesTest, AStoreCorruptedOnDiskIsMovedAsideRecreatedAndReported) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddText("before the damage");
  std::optional<int> status = stopDaemon();
  ASSERT_TRUE(status && WIFEXITED(*status));
  {
    std::fstream file(StoreDir() / "ledger.db", std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(0);
    file << std::string(4096, 'Z');
  }
  ASSERT_NO_FATAL_FAILURE(Start());
  json issues = request("status")["data"].value("issues", json::array());
  bool reported = false;
  for (const json& issue : issues) {
    if (issue.value("type", "") == "whisper_store_corrupt" && issue.value("repo", "") == "ledger") {
      reported = true;
      EXPECT_NE(issue.value("summary", "").find("moved aside"), std::string::npos) << issue.dump();
    }
  }
  EXPECT_TRUE(reported) << issues.dump(2);
  EXPECT_TRUE(LedgerStoreMovedAside());
  // It keeps serving, from an empty store.
  EXPECT_TRUE(Take("Ox1").empty());
  AddText("after");
  EXPECT_EQ(Contents(Take("Ox1")), (std::vector<std::string>{"after"}));
  json errors = request("get_errors")["data"];
  bool stored = false;
  for (const json& error : errors) stored |= error.value("code", "") == "whisper_store_corrupt";
  EXPECT_TRUE(stored) << errors.dump();
}

// The damage happens under the daemon's open connection. To make sure the daemon reads the
// damaged pages instead of its page cache, another connection first checkpoints the WAL into
// the file and commits a change: at its next read the daemon sees a new WAL and drops its cache.
TEST_F(WhisperSourcesTest, AStoreThatTurnsCorruptWhileServingIsHealedAtTheCallThatFindsIt) {
  if (std::system("command -v sqlite3 >/dev/null") != 0) GTEST_SKIP() << "sqlite3 not installed";
  ASSERT_NO_FATAL_FAILURE(Start());
  for (int i = 0; i < 50; ++i) AddText("before the damage " + std::to_string(i));
  EXPECT_EQ(Take("Ox1").size(), 50u);
  fs::path store = StoreDir() / "ledger.db";
  std::string bump = "sqlite3 " + store.string() +
                     " 'PRAGMA wal_checkpoint(TRUNCATE); CREATE TABLE bump (x); "
                     "PRAGMA wal_checkpoint(PASSIVE);' >/dev/null";
  ASSERT_EQ(std::system(bump.c_str()), 0);
  {
    std::fstream file(store, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(4096);  // page 1 (header and schema) stays; every table and index page goes
    file << std::string(fs::file_size(store) - 4096, 'Z');
  }
  // The first call that reads a damaged page answers a clear error, after healing the store.
  std::vector<json> answers = {
      request("whisper_add", {{"content", "lost with the store"}}),
      request("whispers", {{"agent_id", "Ox2"}}),
      request("whisper_history", {{"agent_id", ""}}),
  };
  int failed = 0;
  for (const json& answer : answers) {
    if (answer.value("success", false)) continue;
    ++failed;
    EXPECT_NE(answer.value("error", "").find("malformed"), std::string::npos) << answer.dump();
    EXPECT_NE(answer.value("error", "").find("the store was recreated; try again"),
              std::string::npos)
        << answer.dump();
  }
  EXPECT_EQ(failed, 1) << answers[0].dump() << "\n"
                       << answers[1].dump() << "\n"
                       << answers[2].dump();
  json issues = request("status")["data"].value("issues", json::array());
  bool reported = false;
  for (const json& issue : issues) {
    reported |=
        issue.value("type", "") == "whisper_store_corrupt" && issue.value("repo", "") == "ledger";
  }
  EXPECT_TRUE(reported) << issues.dump(2);
  EXPECT_TRUE(LedgerStoreMovedAside());
  // The retry works, against a fresh store; the daemon serves on.
  AddText("after");
  EXPECT_EQ(Contents(Take("Ox3")), (std::vector<std::string>{"after"}));
  EXPECT_EQ(request("ping")["data"], "pong");
}

}  // namespace
}  // namespace oxd::testing
