// The murmur file format (the original's schema, and oxd's earlier one read back) and the relay
// over a checkout on disk: the window, no echo of local agents, nothing relayed twice, files
// that do not decode skipped, both layouts.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <Poco/JSON/Parser.h>

#include "MurmurFile.h"
#include "MurmurRelay.h"
#include "StoreSet.h"

namespace oxd::whisper {
namespace {

namespace fs = std::filesystem;
constexpr Nanos kHour = 3600LL * 1'000'000'000;

MurmurFile Murmur(const std::string& id, const std::string& agent, const std::string& content,
                  Nanos timestamp, const std::string& topic = kGeneralTopic,
                  int importance = kImportanceNormal) {
  MurmurFile murmur;
  murmur.id = id;
  murmur.agent_id = agent;
  murmur.content = content;
  murmur.timestamp = timestamp;
  murmur.topic = topic;
  murmur.importance = importance;
  return murmur;
}

TEST(MurmurFileTest, RoundTripsInTheOriginalsSchemaAndNamesItsHourlyPath) {
  MurmurFile murmur = Murmur("0193a1b2-0000-7000-8000-000000000001", "Ox1", "refactoring",
                             1'795'428'000'123'456'789LL, "parser", kImportanceCritical);
  murmur.agent_type = "claude-code";
  murmur.principal_id = "u_1";
  murmur.principal_type = "human";
  murmur.metadata = {{"files", "a.cc,b.h"}};
  murmur.tags = {"refactor"};
  murmur.scope = "ledger";
  std::string text = murmur.Serialize();
  auto object = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(object->getValue<std::string>("schema_version"), "1");
  EXPECT_EQ(object->getValue<std::string>("importance"), "critical");
  EXPECT_EQ(object->getValue<std::string>("timestamp"), "2026-11-23T10:00:00.123456789Z");
  EXPECT_FALSE(object->has("created_at"));
  std::optional<MurmurFile> back = MurmurFile::Parse(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, murmur.id);
  EXPECT_EQ(back->agent_id, "Ox1");
  EXPECT_EQ(back->agent_type, "claude-code");
  EXPECT_EQ(back->principal_id, "u_1");
  EXPECT_EQ(back->content, "refactoring");
  EXPECT_EQ(back->topic, "parser");
  EXPECT_EQ(back->importance, kImportanceCritical);
  EXPECT_EQ(back->timestamp, murmur.timestamp);
  EXPECT_EQ(back->metadata, murmur.metadata);
  EXPECT_EQ(back->tags, murmur.tags);
  EXPECT_EQ(murmur.RelativePath(),
            "data/murmurs/2026-11-23/10/0193a1b2-0000-7000-8000-000000000001.json");
}

TEST(MurmurFileTest, DecodesAsTheOriginalsGoTypesDoAndSaysWhyNot) {
  std::string why;
  EXPECT_FALSE(MurmurFile::Parse("[1,2]", &why));
  EXPECT_EQ(why, "not a JSON object");
  EXPECT_FALSE(MurmurFile::Parse(R"({"id":"m","content":"c","timestamp":"today"})", &why));
  EXPECT_EQ(why, "timestamp is not an RFC 3339 time");
  EXPECT_FALSE(MurmurFile::Parse(R"({"id":"m","content":"c"})", &why));
  EXPECT_EQ(why, "no timestamp");
  EXPECT_FALSE(MurmurFile::Parse(R"({"id":"m","content":"c","timestamp":"2026-11-23T10:00:00Z",)"
                                 R"("importance":2})",
                                 &why));
  EXPECT_EQ(why, "importance is not a string") << "oxd's earlier integer importance";
  EXPECT_FALSE(MurmurFile::Parse(R"({"id":"m","content":"c","timestamp":"2026-11-23T10:00:00Z",)"
                                 R"("metadata":{"files":["a"]}})",
                                 &why));
  EXPECT_EQ(why, "metadata.files is not a string");
  // Optional fields may be missing or null; unknown ones are ignored; defaults as the original's.
  auto minimal = MurmurFile::Parse(
      R"({"id":"m","content":"c","timestamp":"2026-11-23T10:00:00+01:00","agent_id":null,)"
      R"("importance":"loud","future":{"x":1}})");
  ASSERT_TRUE(minimal);
  EXPECT_EQ(minimal->agent_id, "");
  EXPECT_EQ(minimal->topic, "general");
  EXPECT_EQ(minimal->importance, kImportanceNormal);
  EXPECT_EQ(minimal->timestamp, 1'795'424'400'000'000'000LL);
}

TEST(MurmurFileTest, ReadsOxdsEarlierSchema) {
  auto legacy = MurmurFile::ParseLegacy(
      R"({"version":1,"id":"m_1","agent_id":"Ox1","content":"c","topics":["parser","x"],)"
      R"("importance":3,"created_at":"2026-11-23T10:00:00Z"})");
  ASSERT_TRUE(legacy);
  EXPECT_EQ(legacy->topic, "parser");
  EXPECT_EQ(legacy->importance, kImportanceCritical);
  EXPECT_EQ(legacy->timestamp, 1'795'428'000'000'000'000LL);
  std::string why;
  EXPECT_FALSE(MurmurFile::ParseLegacy(R"({"id":"m","agent_id":"a","content":"c"})", &why));
  EXPECT_EQ(why, "no created_at");
}

// Found by tests/fuzz: an importance past int's range threw Poco::RangeException out of Parse,
// which promises a murmur or nullopt; the relay reads files teammates push. oxd's earlier
// schema, the one with an integer importance, is ParseLegacy now.
TEST(MurmurFileTest, AnImportancePastIntIsClampedNotThrown) {
  auto with = [](const std::string& importance) {
    return MurmurFile::ParseLegacy(
        R"({"id":"m","agent_id":"a","content":"c","created_at":"2026-11-23T10:00:00Z","importance":)" +
        importance + "}");
  };
  for (const char* huge : {"10000000000", "9223372036854775807", "18446744073709551615"}) {
    auto murmur = with(huge);
    ASSERT_TRUE(murmur) << huge;
    EXPECT_EQ(murmur->importance, kImportanceCritical) << huge;
  }
  auto low = with("-10000000000");
  ASSERT_TRUE(low);
  EXPECT_EQ(low->importance, 0);
  auto normal = with("2");
  ASSERT_TRUE(normal);
  EXPECT_EQ(normal->importance, kImportanceCritical);
}

class MurmurRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/whisper-relay-XXXXXX";
    root_ = mkdtemp(pattern);
    stores_ = std::make_unique<StoreSet>(root_ / "stores", std::vector<std::string>{}, nullptr);
  }
  void TearDown() override { fs::remove_all(root_); }

  void WriteFile(const std::string& relative, const std::string& text) {
    fs::path file = root_ / "checkout" / relative;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
  }
  void WriteMurmur(const MurmurFile& murmur) {
    WriteFile(murmur.RelativePath(), murmur.Serialize());
  }
  RelayOutcome Relay(Nanos now) {
    MurmurRelay relay([this] { return local_; }, [](const std::string&) {});
    return relay.RelayFromPath(
        root_ / "checkout", *stores_->Ledger(), [this] { return stores_->NextCreatedAt(); }, now,
        24 * kHour);
  }

  fs::path root_;
  std::unique_ptr<StoreSet> stores_;
  std::set<std::string> local_{"Local1"};
};

TEST_F(MurmurRelayTest, RelaysTeammatesOnceInsideTheWindowAndNeverLocalAgents) {
  Nanos now = NowNanos();
  WriteMurmur(Murmur("m_old", "Mate", "too old", now - 30 * kHour));
  WriteMurmur(Murmur("m_mate", "Mate", "fresh", now - 5 * kHour, "parser", kImportanceCritical));
  WriteMurmur(Murmur("m_mine", "Local1", "mine", now - kHour));
  WriteFile(MurmurHourDirectory(now) + "/bad.json", "{not json");
  WriteFile(MurmurHourDirectory(now) + "/typed.json",
            R"({"id":"m_t","content":"c","timestamp":"2026-11-23T10:00:00Z","tags":"x"})");
  RelayOutcome first = Relay(now);
  EXPECT_EQ(first.relayed, 1);
  EXPECT_EQ(first.skipped_local, 1);
  EXPECT_EQ(first.skipped_invalid, 2);
  HistoryPage page = stores_->Page("", 0, 10);
  ASSERT_EQ(page.entries.size(), 1u);
  EXPECT_EQ(page.entries[0].content, "fresh");
  EXPECT_EQ(page.entries[0].author_agent_id, "Mate");
  EXPECT_EQ(page.entries[0].topic, "parser");
  EXPECT_EQ(page.entries[0].importance, kImportanceCritical);
  EXPECT_EQ(page.entries[0].source, "murmur");
  EXPECT_EQ(page.entries[0].type, kTypeTrigger);
  RelayOutcome second = Relay(now);
  EXPECT_EQ(second.relayed, 0);
  EXPECT_EQ(second.skipped_relayed, 1);
  EXPECT_EQ(stores_->Page("", 0, 10).entries.size(), 1u);
}

TEST_F(MurmurRelayTest, OxdsEarlierLayoutIsReadOnceBesideTheOriginals) {
  Nanos now = NowNanos();
  WriteMurmur(Murmur("m_new", "Mate", "new layout", now - kHour));
  WriteFile(std::string("murmurs/") + UtcDate(now) + "/m_old.json",
            R"({"version":1,"id":"m_legacy","agent_id":"Mate2","content":"old layout",)"
            R"("topics":["cache"],"importance":0,"created_at":")" +
                FormatNanos(now - 2 * kHour) + R"("})");
  EXPECT_EQ(Relay(now).relayed, 2);
  HistoryPage page = stores_->Page("", 0, 10);
  ASSERT_EQ(page.entries.size(), 2u);
  EXPECT_EQ(page.entries[1].content, "old layout") << "oldest murmur first";
  EXPECT_EQ(page.entries[1].topic, "cache");
  EXPECT_EQ(page.entries[1].importance, kImportanceAmbient);
  EXPECT_EQ(Relay(now).relayed, 0);
}

TEST_F(MurmurRelayTest, ASymlinkedMurmurFileIsNotFollowed) {
  Nanos now = NowNanos();
  fs::path outside = root_ / "secret.json";
  MurmurFile secret = Murmur("m_s", "Mate", "secret", now);
  std::ofstream(outside) << secret.Serialize();
  fs::path link = root_ / "checkout" / secret.RelativePath();
  fs::create_directories(link.parent_path());
  fs::create_symlink(outside, link);
  EXPECT_EQ(Relay(now).relayed, 0);
}

}  // namespace
}  // namespace oxd::whisper
