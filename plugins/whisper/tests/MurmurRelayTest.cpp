// The murmur file format and the relay over a checkout on disk: the window, no echo of local
// agents, nothing relayed twice, unreadable files skipped.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "MurmurFile.h"
#include "MurmurRelay.h"
#include "StoreSet.h"

namespace oxd::whisper {
namespace {

namespace fs = std::filesystem;
constexpr Nanos kHour = 3600LL * 1'000'000'000;

TEST(MurmurFileTest, RoundTripsAndNamesItsPath) {
  MurmurFile murmur{"m_1", "Ox1", "refactoring", {"parser"}, 2, 1'795'428'000'123'456'789LL};
  std::optional<MurmurFile> back = MurmurFile::Parse(murmur.Serialize());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, "m_1");
  EXPECT_EQ(back->agent_id, "Ox1");
  EXPECT_EQ(back->content, "refactoring");
  EXPECT_EQ(back->topics, (std::vector<std::string>{"parser"}));
  EXPECT_EQ(back->importance, 2);
  EXPECT_EQ(back->created_at, murmur.created_at);
  EXPECT_EQ(murmur.RelativePath(), "murmurs/2026-11-23/m_1.json");
}

TEST(MurmurFileTest, RefusesWhatItCannotReadAndSaysWhy) {
  std::string why;
  EXPECT_FALSE(MurmurFile::Parse("[1,2]", &why));
  EXPECT_EQ(why, "not a JSON object");
  EXPECT_FALSE(MurmurFile::Parse(R"({"id":"m","agent_id":"a","content":"c"})", &why));
  EXPECT_EQ(why, "no created_at");
  EXPECT_FALSE(
      MurmurFile::Parse(R"({"id":"m","agent_id":"a","content":"c","created_at":"today"})", &why));
  EXPECT_EQ(why, "created_at is not an RFC 3339 time");
  auto clamped = MurmurFile::Parse(
      R"({"id":"m","agent_id":"a","content":"c","created_at":"2026-11-23T10:00:00Z","importance":9,"extra":true})");
  ASSERT_TRUE(clamped);
  EXPECT_EQ(clamped->importance, kImportanceCritical);
}

class MurmurRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/whisper-relay-XXXXXX";
    root_ = mkdtemp(pattern);
    stores_ = std::make_unique<StoreSet>(root_ / "stores", std::vector<std::string>{}, nullptr);
  }
  void TearDown() override { fs::remove_all(root_); }

  void WriteMurmur(const MurmurFile& murmur) {
    fs::path file = root_ / "checkout" / murmur.RelativePath();
    fs::create_directories(file.parent_path());
    std::ofstream(file) << murmur.Serialize();
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
  WriteMurmur({"m_old", "Mate", "too old", {}, 1, now - 30 * kHour});
  WriteMurmur({"m_mate", "Mate", "fresh", {"x"}, 1, now - kHour});
  WriteMurmur({"m_mine", "Local1", "mine", {}, 1, now - kHour});
  fs::path bad = root_ / "checkout" / "murmurs" / UtcDate(now) / "bad.json";
  fs::create_directories(bad.parent_path());
  std::ofstream(bad) << "{not json";
  RelayOutcome first = Relay(now);
  EXPECT_EQ(first.relayed, 1);
  EXPECT_EQ(first.skipped_local, 1);
  EXPECT_EQ(first.skipped_invalid, 1);
  HistoryPage page = stores_->Page("", 0, 10);
  ASSERT_EQ(page.entries.size(), 1u);
  EXPECT_EQ(page.entries[0].content, "fresh");
  EXPECT_EQ(page.entries[0].author_agent_id, "Mate");
  EXPECT_EQ(page.entries[0].source, "murmur");
  RelayOutcome second = Relay(now);
  EXPECT_EQ(second.relayed, 0);
  EXPECT_EQ(second.skipped_relayed, 1);
  EXPECT_EQ(stores_->Page("", 0, 10).entries.size(), 1u);
}

TEST_F(MurmurRelayTest, ASymlinkedMurmurFileIsNotFollowed) {
  Nanos now = NowNanos();
  fs::path outside = root_ / "secret.json";
  std::ofstream(outside) << MurmurFile{"m_s", "Mate", "secret", {}, 1, now}.Serialize();
  fs::path link = root_ / "checkout" / "murmurs" / UtcDate(now) / "m_s.json";
  fs::create_directories(link.parent_path());
  fs::create_symlink(outside, link);
  EXPECT_EQ(Relay(now).relayed, 0);
}

}  // namespace
}  // namespace oxd::whisper
