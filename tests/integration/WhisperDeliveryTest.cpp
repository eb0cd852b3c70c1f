// Whispers through the real oxd: each is given to an agent once — across a restart and with
// eight agents polling at once —, attention and topic filters, history pages over 10 000
// entries in three stores, and the answer to every bad payload.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "WhisperFixture.h"

namespace oxd::testing {
namespace {

using json = nlohmann::json;

class WhisperDeliveryTest : public WhisperFixture {};

TEST_F(WhisperDeliveryTest, EachWhisperIsGivenOnceAlsoAcrossARestart) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddText("one");
  AddText("two");
  EXPECT_EQ(Contents(Take("Ox1")), (std::vector<std::string>{"one", "two"}));
  EXPECT_TRUE(Take("Ox1").empty());
  ASSERT_NO_FATAL_FAILURE(Restart());
  EXPECT_TRUE(Take("Ox1").empty()) << "delivered before the restart";
  AddText("three");
  EXPECT_EQ(Contents(Take("Ox1")), (std::vector<std::string>{"three"}));
  EXPECT_EQ(Contents(Take("Ox2")), (std::vector<std::string>{"one", "two", "three"}))
      << "another agent has its own cursor";
}

// A poll whose client is gone before its reply is written moves no cursor: the entries come
// with the next poll (docs/reliability.md#whispers).
TEST_F(WhisperDeliveryTest, AClientThatHangsUpBeforeTheReplyGetsTheEntriesAtItsNextPoll) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddText("one");
  AddText("two");
  for (int attempt = 0; attempt < 3; ++attempt) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string path = socketPath().string();
    std::copy(path.begin(), path.end(), address.sun_path);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    std::string line = R"({"type":"whispers","payload":{"agent_id":"Ox1"}})"
                       "\n";
    ASSERT_EQ(::send(fd, line.data(), line.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(line.size()));
    ::close(fd);  // hangs up without reading
  }
  // Each cut-off poll ran (the daemon serves on), and none of them counted.
  EXPECT_TRUE(WaitFor([&] { return request("ping").value("success", false); }));
  EXPECT_EQ(Contents(Take("Ox1")), (std::vector<std::string>{"one", "two"}));
  EXPECT_TRUE(Take("Ox1").empty()) << "delivered once the reply was written";
}

TEST_F(WhisperDeliveryTest, EightAgentsPollingWhileWhispersArriveEachGetEveryOneOnce) {
  ASSERT_NO_FATAL_FAILURE(Start());
  constexpr int kEntries = 120;
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    for (int i = 0; i < kEntries; ++i) AddText("w" + std::to_string(i));
    writing = false;
  });
  // Agents 0-5 poll for themselves; pollers 6 and 7 both poll as one agent "Shared".
  std::vector<std::vector<std::string>> received(8);
  std::vector<std::thread> pollers;
  for (int p = 0; p < 8; ++p) {
    pollers.emplace_back([&, p] {
      std::string agent = p < 6 ? "Agent" + std::to_string(p) : "Shared";
      for (;;) {
        bool last_round = !writing.load();
        json reply = request("whispers", {{"agent_id", agent}});
        for (const json& entry : reply["data"]["entries"]) {
          received[p].push_back(entry["id"].get<std::string>());
        }
        if (last_round) break;
      }
    });
  }
  writer.join();
  for (auto& poller : pollers) poller.join();
  for (int p = 0; p < 6; ++p) {
    std::set<std::string> unique(received[p].begin(), received[p].end());
    EXPECT_EQ(received[p].size(), static_cast<std::size_t>(kEntries)) << "agent " << p;
    EXPECT_EQ(unique.size(), received[p].size()) << "agent " << p << " got a whisper twice";
  }
  std::vector<std::string> shared = received[6];
  shared.insert(shared.end(), received[7].begin(), received[7].end());
  EXPECT_EQ(shared.size(), static_cast<std::size_t>(kEntries));
  EXPECT_EQ(std::set<std::string>(shared.begin(), shared.end()).size(), shared.size())
      << "two concurrent polls of one agent shared a whisper";
}

TEST_F(WhisperDeliveryTest, AttentionAndTopicsChooseWhatAnAgentIsTold) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Add({{"content", "ambient"}, {"importance", "ambient"}});
  Add({{"content", "normal"}, {"importance", "normal"}});
  Add({{"content", "critical"}, {"importance", "critical"}});
  Add({{"content", "old urgent"}, {"importance", 3}});  // an older client's integer
  Add({{"content", "parser work"}, {"topic", "parser"}});
  Add({{"content", "ui work"}, {"topics", {"ui"}}});  // an older client's list
  Add({{"content", "general news"}, {"topic", "general"}});
  Add({{"content", "for Ox9 only"}, {"agent_id", "Ox9"}});

  EXPECT_EQ(Contents(Whispers({{"agent_id", "F"}, {"attention", "focused"}})),
            (std::vector<std::string>{"critical", "old urgent"}));
  EXPECT_EQ(Contents(Whispers({{"agent_id", "N"}})),
            (std::vector<std::string>{"critical", "old urgent", "normal", "parser work", "ui work",
                                      "general news"}));
  EXPECT_EQ(Contents(Whispers({{"agent_id", "A"}, {"attention", "all"}})),
            (std::vector<std::string>{"critical", "old urgent", "normal", "parser work", "ui work",
                                      "general news", "ambient"}));
  EXPECT_EQ(
      Contents(Whispers({{"agent_id", "T"}, {"topics", {"parser"}}})),
      (std::vector<std::string>{"critical", "old urgent", "normal", "parser work", "general news"}))
      << "untagged and general whispers pass a topic filter; other topics do not";
  json entries = Whispers({{"agent_id", "Ox9"}, {"attention", "all"}});
  EXPECT_EQ(entries.size(), 8u);
  json targeted = *std::find_if(entries.begin(), entries.end(),
                                [](const json& e) { return e["content"] == "for Ox9 only"; });
  EXPECT_EQ(targeted["agent_id"], "Ox9");
  EXPECT_EQ(targeted["scope"], "ledger");
  EXPECT_EQ(targeted["source"], "manual");
  EXPECT_EQ(targeted["topic"], "");
  EXPECT_EQ(targeted["importance"], "normal");
  EXPECT_EQ(targeted["type"], "structural");
  EXPECT_TRUE(targeted["created_at"].is_string());
}

// 10 000 whispers in the ledger store and two team stores, written with the sqlite3 shell while
// the daemon is down (through IPC one by one it would take most of a minute).
TEST_F(WhisperDeliveryTest, HistoryPagesTenThousandWhispersAcrossStoresWithoutGapsOrRepeats) {
  if (std::system("command -v sqlite3 >/dev/null") != 0) GTEST_SKIP() << "sqlite3 not installed";
  writeProjectFile({{"team_contexts", {{{"id", "team_a"}}, {{"id", "team_b"}}}}});
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_NO_FATAL_FAILURE(Restart());  // only to be sure every store exists; then stop
  std::optional<int> status = stopDaemon();
  ASSERT_TRUE(status && WIFEXITED(*status));
  const char* stores[] = {"ledger.db", "team-team_a.db", "team-team_b.db"};
  for (int s = 0; s < 3; ++s) {
    std::string sql = "BEGIN;";
    for (int i = s; i < 10000; i += 3) {
      // created_at: unique across stores, one entry per microsecond from a fixed instant.
      long long created = 1'800'000'000'000'000'000LL + i * 1000LL;
      sql += "INSERT INTO whispers (id, source, importance, content, created_at) VALUES ('e" +
             std::to_string(i) + "', 'manual', 1, '" + std::to_string(i) + "', " +
             std::to_string(created) + ");";
    }
    sql += "COMMIT;";
    std::ofstream(tempDir() / "fill.sql") << sql;
    std::string command =
        "sqlite3 " + (StoreDir() / stores[s]).string() + " < " + (tempDir() / "fill.sql").string();
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  ASSERT_NO_FATAL_FAILURE(Start());
  std::vector<int> seen;
  std::set<std::string> scopes;
  std::string before;
  for (int page = 0; page < 100; ++page) {
    json payload = {{"agent_id", ""}, {"limit", 200}};
    if (!before.empty()) payload["before"] = before;
    json reply = request("whisper_history", payload);
    ASSERT_TRUE(reply["success"]) << reply.dump();
    for (const json& entry : reply["data"]["entries"]) {
      seen.push_back(std::stoi(entry["content"].get<std::string>()));
      scopes.insert(entry["scope"].get<std::string>() + entry.value("team_id", ""));
    }
    if (!reply["data"]["has_more"].get<bool>()) break;
    before = reply["data"]["next_cursor"];
  }
  ASSERT_EQ(seen.size(), 10000u);
  for (int i = 0; i < 10000; ++i) ASSERT_EQ(seen[i], 9999 - i) << "at position " << i;
  EXPECT_EQ(scopes, (std::set<std::string>{"ledger", "teamteam_a", "teamteam_b"}));
  // The history moved nobody's cursor; a default page is 50.
  json first = request("whisper_history", {{"agent_id", ""}});
  EXPECT_EQ(first["data"]["entries"].size(), 50u);
  EXPECT_EQ(first["data"]["has_cursor"], false);
}

TEST_F(WhisperDeliveryTest, HistoryShowsWhatWasDeliveredAndMovesNoCursor) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddText("first");
  EXPECT_EQ(Take("Ox1").size(), 1u);
  AddText("second");
  json reply = request("whisper_history", {{"agent_id", "Ox1"}});
  ASSERT_TRUE(reply["success"]) << reply.dump();
  json entries = reply["data"]["entries"];
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0]["content"], "second");
  EXPECT_EQ(entries[0]["delivered"], false);
  EXPECT_EQ(entries[1]["delivered"], true);
  EXPECT_EQ(reply["data"]["has_cursor"], true);
  EXPECT_EQ(Contents(Take("Ox1")), (std::vector<std::string>{"second"}));
}

TEST_F(WhisperDeliveryTest, EveryBadPayloadIsAnsweredWithWhatIsWrong) {
  ASSERT_NO_FATAL_FAILURE(Start());
  std::vector<std::tuple<std::string, json, std::string>> cases{
      {"whispers", json::object(),
       "invalid payload: agent_id: required (an agent id such as Oxa7b3)"},
      {"whispers", {{"agent_id", 42}}, "invalid payload: agent_id: expected string, got number"},
      {"whispers",
       {{"agent_id", "A"}, {"attention", "loud"}},
       "invalid payload: attention: expected \"all\", \"normal\" or \"focused\", got \"loud\""},
      {"whispers",
       {{"agent_id", "A"}, {"topics", "parser"}},
       "invalid payload: topics: expected list of strings, got string"},
      {"whispers",
       {{"agent_id", "A"}, {"topics", {1, 2}}},
       "invalid payload: topics[0]: expected string, got number"},
      {"whispers",
       {{"agent_id", std::string(200, 'x')}},
       "invalid payload: agent_id: longer than 128 bytes"},
      {"whisper_history",
       {{"agent_id", ""}, {"limit", -1}},
       "invalid payload: limit: expected 0 (the default, 50) to 200, got -1"},
      {"whisper_history",
       {{"agent_id", ""}, {"limit", 1.5}},
       "invalid payload: limit: expected integer, got fraction"},
      {"whisper_history",
       {{"agent_id", ""}, {"before", "yesterday"}},
       "invalid payload: before: expected an RFC 3339 time, got \"yesterday\""},
      {"murmur_pause", json::object(),
       "invalid payload: agent_id: required (an agent id such as Oxa7b3)"},
      {"murmur_resume",
       {{"agent_id", true}},
       "invalid payload: agent_id: expected string, got boolean"},
      {"whisper_add", json::object(), "invalid payload: content: required"},
      {"whisper_add",
       {{"content", "x"}, {"importance", 9}},
       "invalid payload: importance: expected \"critical\", \"normal\" or \"ambient\", got 9"},
      {"whisper_add",
       {{"content", "x"}, {"importance", "high"}},
       "invalid payload: importance: expected \"critical\", \"normal\" or \"ambient\", got "
       "\"high\""},
      {"whisper_add",
       {{"content", "x"}, {"metadata", {{"files", 3}}}},
       "invalid payload: metadata.files: expected string"},
      {"whisper_add",
       {{"content", "x"}, {"scope", "team"}, {"team_id", "team_x"}},
       "unknown team_id \"team_x\": not a team context of this project"},
      {"whisper_add",
       {{"content", "x"}, {"scope", "galaxy"}},
       "invalid payload: scope: expected \"ledger\" or \"team\", got \"galaxy\""},
  };
  for (const auto& [type, payload, error] : cases) {
    EXPECT_EQ(ErrorOf(type, payload), error) << type << " " << payload.dump();
  }
  // Absurd limits are clamped to the maximum page, 200 (documented), not refused.
  for (int i = 0; i < 3; ++i) AddText("x" + std::to_string(i));
  json reply = request("whisper_history", {{"agent_id", ""}, {"limit", 1000000000000LL}});
  EXPECT_TRUE(reply["success"]) << reply.dump();
  EXPECT_EQ(reply["data"]["entries"].size(), 3u);
  EXPECT_EQ(request("ping")["data"], "pong");
}

}  // namespace
}  // namespace oxd::testing
