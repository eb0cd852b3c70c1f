// Payload parsing of every message, config parsing, and the team-change whisper text.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/Util/MapConfiguration.h>

#include "Requests.h"
#include "SyncWhispers.h"
#include "WhisperSettings.h"

namespace oxd::whisper {
namespace {

sdk::Payload Parse(const std::string& json) {
  return sdk::Payload(Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>());
}

template <typename Request>
std::string ErrorOf(const std::string& json) {
  try {
    Request::Parse(Parse(json));
  } catch (const sdk::BadPayload& error) {
    return error.what();
  }
  return "(accepted)";
}

TEST(RequestsTest, WhispersDefaultsToNormalAttentionAndNoTopicFilter) {
  WhispersRequest request = WhispersRequest::Parse(Parse(R"({"agent_id":"Ox1"})"));
  EXPECT_EQ(request.agent_id, "Ox1");
  EXPECT_EQ(request.filter.attention, Attention::kNormal);
  EXPECT_TRUE(request.filter.topics.empty());
  request = WhispersRequest::Parse(
      Parse(R"({"agent_id":"Ox1","attention":"focused","topics":["a","b"]})"));
  EXPECT_EQ(request.filter.attention, Attention::kFocused);
  EXPECT_EQ(request.filter.topics, (std::vector<std::string>{"a", "b"}));
}

TEST(RequestsTest, BadWhispersPayloadsNameTheField) {
  EXPECT_EQ(ErrorOf<WhispersRequest>(R"({"agent_id":""})"),
            "agent_id: required (an agent id such as Oxa7b3)");
  EXPECT_EQ(ErrorOf<WhispersRequest>(R"({"agent_id":"a\u0001b"})"),
            "agent_id: contains control characters");
  EXPECT_EQ(ErrorOf<WhispersRequest>(R"({"agent_id":"A","topics":{"a":1}})"),
            "topics: expected list of strings, got object");
  EXPECT_EQ(ErrorOf<WhispersRequest>(R"({"agent_id":"A","topics":[""]})"),
            "topics[0]: empty topic");
}

TEST(RequestsTest, HistoryLimitDefaultsClampsAndRefusesNegatives) {
  EXPECT_EQ(HistoryRequest::Parse(Parse(R"({"agent_id":""})")).limit, 50);
  EXPECT_EQ(HistoryRequest::Parse(Parse(R"({"agent_id":"","limit":0})")).limit, 50);
  EXPECT_EQ(HistoryRequest::Parse(Parse(R"({"agent_id":"","limit":7})")).limit, 7);
  EXPECT_EQ(HistoryRequest::Parse(Parse(R"({"agent_id":"","limit":99999999999})")).limit, 200);
  EXPECT_EQ(ErrorOf<HistoryRequest>(R"({"agent_id":"","limit":-5})"),
            "limit: expected 0 (the default, 50) to 200, got -5");
  EXPECT_EQ(ErrorOf<HistoryRequest>(R"({"agent_id":"","limit":"10"})"),
            "limit: expected integer, got string");
  HistoryRequest request =
      HistoryRequest::Parse(Parse(R"({"agent_id":"","before":"2026-11-23T10:00:00.5Z"})"));
  EXPECT_EQ(request.before, 1'795'428'000'500'000'000LL);
}

// Found by tests/fuzz: a number past int64 and a time past what sdk::Time holds (about
// 1678-2262) were cast with undefined behaviour, which accepted them as some other value.
TEST(RequestsTest, AHugeNumberOrAnUnrepresentableTimeIsRefusedNotWrapped) {
  EXPECT_EQ(ErrorOf<HistoryRequest>(R"({"limit":1e300})"), "limit: integer out of range");
  EXPECT_EQ(ErrorOf<HistoryRequest>(R"({"limit":-1e19})"), "limit: integer out of range");
  EXPECT_EQ(ErrorOf<AddRequest>(R"({"content":"x","importance":9.3e18})"),
            "importance: integer out of range");
  EXPECT_EQ(ErrorOf<HistoryRequest>(R"({"before":"0596-01-01T00:00:00Z"})"),
            "before: expected an RFC 3339 time, got \"0596-01-01T00:00:00Z\"");
  EXPECT_EQ(ErrorOf<AddRequest>(R"({"content":"x","expires_at":"5836-01-01T00:00:00Z"})"),
            "expires_at: expected an RFC 3339 time, got \"5836-01-01T00:00:00Z\"");
  // The edges that fit still parse.
  EXPECT_EQ(HistoryRequest::Parse(Parse(R"({"limit":9.2e18})")).limit, 200);
  EXPECT_EQ(HistoryRequest::Parse(Parse(R"({"before":"2262-01-01T00:00:00Z"})")).before,
            9'214'646'400'000'000'000LL);
  EXPECT_EQ(HistoryRequest::Parse(Parse(R"({"before":"1700-01-01T00:00:00Z"})")).before,
            -8'520'336'000'000'000'000LL);
}

TEST(RequestsTest, AddValidatesScopeTeamImportanceAndContent) {
  AddRequest add = AddRequest::Parse(Parse(R"({"content":"hi"})"));
  EXPECT_EQ(add.entry.scope, "ledger");
  EXPECT_EQ(add.entry.source, "manual");
  EXPECT_EQ(add.entry.importance, 1);
  EXPECT_EQ(ErrorOf<AddRequest>(R"({"content":"x","scope":"team"})"),
            "team_id: required for scope \"team\"");
  EXPECT_EQ(ErrorOf<AddRequest>(R"({"content":"x","team_id":"t"})"),
            "team_id: only for scope \"team\"");
  EXPECT_EQ(ErrorOf<AddRequest>(R"({"content":"x","source":"Bad Source"})"),
            "source: expected 1-32 of a-z and _, got \"Bad Source\"");
  EXPECT_EQ(ErrorOf<AddRequest>(R"({"content":"x","importance":-1})"),
            "importance: expected \"critical\", \"normal\" or \"ambient\", got -1");
  EXPECT_EQ(AddRequest::Parse(Parse(R"({"content":"x","importance":"critical"})")).entry.importance,
            kImportanceCritical);
  EXPECT_EQ(AddRequest::Parse(Parse(R"({"content":"x","importance":3})")).entry.importance,
            kImportanceCritical);
  AddRequest tagged = AddRequest::Parse(Parse(
      R"({"content":"x","topics":["a","b"],"principal_id":"u1","metadata":{"files":"a.cc"}})"));
  EXPECT_EQ(tagged.entry.topic, "a");
  EXPECT_EQ(tagged.entry.principal_id, "u1");
  EXPECT_EQ(tagged.entry.metadata, (std::map<std::string, std::string>{{"files", "a.cc"}}));
  EXPECT_EQ(ErrorOf<AddRequest>(R"({"content":"x","expires_at":"soon"})"),
            "expires_at: expected an RFC 3339 time, got \"soon\"");
  EXPECT_EQ(ErrorOf<AddRequest>(R"({"content":"x","murmur_id":"a/b"})"),
            "murmur_id: 1-128 bytes without '/'");
  EXPECT_EQ(ErrorOf<AddRequest>("{\"content\":\"" + std::string(16 * 1024 + 1, 'x') + "\"}"),
            "content: longer than 16384 bytes");
}

TEST(RequestsTest, SettingsParseDurationsSizesAndTheNudgeFloor) {
  Poco::AutoPtr<Poco::Util::MapConfiguration> config = new Poco::Util::MapConfiguration;
  WhisperSettings defaults = ReadWhisperSettings(*config);
  EXPECT_EQ(defaults.max_store_bytes, 64LL << 20);
  EXPECT_EQ(defaults.nudge_interval, std::chrono::minutes(30));
  config->setString("max_store_size", "512KB");
  config->setString("nudge_interval", "0");
  WhisperSettings custom = ReadWhisperSettings(*config);
  EXPECT_EQ(custom.max_store_bytes, 512 * 1024);
  EXPECT_EQ(custom.nudge_interval.count(), 0);
  config->setString("nudge_interval", "5m");
  EXPECT_THROW(ReadWhisperSettings(*config), std::invalid_argument) << "below the 10m floor";
  config->setString("nudge_min_interval", "1m");
  EXPECT_EQ(ReadWhisperSettings(*config).nudge_interval, std::chrono::minutes(5));
  config->setString("max_store_size", "lots");
  EXPECT_THROW(ReadWhisperSettings(*config), std::invalid_argument);
  config->setString("max_store_size", "3g");
  EXPECT_EQ(ReadWhisperSettings(*config).max_store_bytes, 3LL << 30);
  config->setString("max_store_size", "12");
  EXPECT_EQ(ReadWhisperSettings(*config).max_store_bytes, 12);
  config->setString("relay_window", "-5m");
  try {
    ReadWhisperSettings(*config);
    ADD_FAILURE() << "a negative duration was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(),
                 "whisper.relay_window: expected a duration such as 30s or 5m, got '-5m'");
  }
}

TEST(RequestsTest, ATeamChangeNamesUpToFiveFilesAndLeavesMurmursOut) {
  sdk::RepoPulledEvent pulled;
  pulled.scope = "team-context";
  pulled.id = "team_1";
  pulled.path = "/x";
  pulled.paths = {"SOUL.md", "data/murmurs/2026-11-23/14/0193a.json", "murmurs/2026-11-23/m.json"};
  auto entry = TeamChangeWhisper(pulled, "Platform");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->content,
            "Team context Platform changed (1 file): SOUL.md. Re-read what applies to your work.");
  pulled.paths = {"data/murmurs/2026-11-23/14/0193a.json", "murmurs/2026-11-23/m.json"};
  EXPECT_FALSE(TeamChangeWhisper(pulled, "Platform"))
      << "only murmurs, in either layout: the relay covers them";
  pulled.paths = {"a", "b", "c", "d", "e", "f", "g"};
  EXPECT_NE(TeamChangeWhisper(pulled, "P")->content.find("(7 files): a, b, c, d, e and 2 more"),
            std::string::npos);
  pulled.scope = "ledger";
  EXPECT_FALSE(TeamChangeWhisper(pulled, "P"));
}

}  // namespace
}  // namespace oxd::whisper
