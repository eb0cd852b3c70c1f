// The store and the registry without a daemon: delivery exactly once (also across a reopen and
// from concurrent callers), filters, pages across stores, relay marks, retention, byte cap and
// healing of a corrupt file.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "StoreSet.h"
#include "WhisperStore.h"

namespace oxd::whisper {
namespace {

namespace fs = std::filesystem;

class WhisperStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/whisper-store-XXXXXX";
    directory_ = mkdtemp(pattern);
  }
  void TearDown() override { fs::remove_all(directory_); }

  std::unique_ptr<StoreSet> Open(std::vector<std::string> teams = {}) {
    return std::make_unique<StoreSet>(
        directory_, teams,
        [this](const StoreIdentity& store, const std::string& problem, const fs::path& moved) {
          healed_.push_back(store.name() + ": " + problem + " -> " + moved.string());
        });
  }

  static WhisperEntry Entry(const std::string& content, int importance = kImportanceNormal,
                            std::string topic = {}) {
    WhisperEntry entry;
    entry.source = "manual";
    entry.content = content;
    entry.importance = importance;
    entry.topic = std::move(topic);
    return entry;
  }

  void Add(StoreSet& stores, std::vector<WhisperEntry> entries, const std::string& team = "") {
    auto store = team.empty() ? stores.Ledger() : stores.Team(team);
    store->Append(entries, [&] { return stores.NextCreatedAt(); });
  }

  static std::vector<std::string> Contents(const std::vector<WhisperEntry>& entries) {
    std::vector<std::string> out;
    for (const auto& entry : entries) out.push_back(entry.content);
    return out;
  }

  std::vector<WhisperEntry> Deliver(StoreSet& stores, const std::string& agent,
                                    DeliveryFilter filter = {}) {
    Nanos now = NowNanos();
    auto delivery = stores.Deliver(agent, filter, now, now - 3'600'000'000'000LL);
    delivery->Commit(NowNanos());  // as after a reply the agent's socket took
    return delivery->entries();
  }

  fs::path directory_;
  std::vector<std::string> healed_;
};

TEST_F(WhisperStoreTest, ADeliveryDroppedUncommittedIsHandedOutAgain) {
  auto stores = Open();
  Add(*stores, {Entry("one"), Entry("two")});
  Nanos now = NowNanos();
  {
    auto cut_off = stores->Deliver("A", {}, now, now - 3'600'000'000'000LL);
    EXPECT_EQ(Contents(cut_off->entries()), (std::vector<std::string>{"one", "two"}));
  }  // the reply never reached the agent: no Commit
  EXPECT_EQ(Contents(Deliver(*stores, "A")), (std::vector<std::string>{"one", "two"}));
  EXPECT_TRUE(Deliver(*stores, "A").empty());
}

TEST_F(WhisperStoreTest, ASecondPollOfTheSameAgentWaitsForTheFirstDelivery) {
  auto stores = Open();
  Add(*stores, {Entry("one")});
  Nanos now = NowNanos();
  auto first = stores->Deliver("A", {}, now, now - 3'600'000'000'000LL);
  EXPECT_THROW(stores->Deliver("A", {}, now, 0, std::chrono::milliseconds(50)), std::runtime_error);
  EXPECT_EQ(Deliver(*stores, "B").size(), 1u) << "other agents do not wait";
  std::thread commit([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    first->Commit(NowNanos());
    first.reset();
  });
  EXPECT_TRUE(Deliver(*stores, "A").empty()) << "waited for the first, then saw it delivered";
  commit.join();
}

TEST_F(WhisperStoreTest, EachEntryIsDeliveredOnceAndAgainAfterReopenNothing) {
  {
    auto stores = Open({"team_1"});
    Add(*stores, {Entry("one"), Entry("two")});
    Add(*stores, {Entry("three")}, "team_1");
    EXPECT_EQ(Contents(Deliver(*stores, "A")), (std::vector<std::string>{"one", "two", "three"}));
    EXPECT_TRUE(Deliver(*stores, "A").empty());
    EXPECT_EQ(Deliver(*stores, "B").size(), 3u) << "each agent has its own cursor";
    Add(*stores, {Entry("four")});
  }
  auto stores = Open({"team_1"});
  EXPECT_EQ(Contents(Deliver(*stores, "A")), (std::vector<std::string>{"four"}));
  EXPECT_TRUE(healed_.empty());
}

TEST_F(WhisperStoreTest, ImportanceFirstThenOldestFirstAcrossStores) {
  auto stores = Open({"team_1"});
  Add(*stores, {Entry("old normal")});
  Add(*stores, {Entry("urgent", kImportanceCritical)}, "team_1");
  Add(*stores, {Entry("new normal")}, "team_1");
  EXPECT_EQ(Contents(Deliver(*stores, "A")),
            (std::vector<std::string>{"urgent", "old normal", "new normal"}));
}

TEST_F(WhisperStoreTest, TargetsAuthorsAndExpiryDecideWhoSeesWhat) {
  auto stores = Open();
  WhisperEntry for_b = Entry("for B");
  for_b.agent_id = "B";
  WhisperEntry by_a = Entry("said by A");
  by_a.author_agent_id = "A";
  WhisperEntry expired = Entry("expired");
  expired.expires_at = NowNanos() - 1;
  Add(*stores, {for_b, by_a, expired});
  EXPECT_TRUE(Deliver(*stores, "A").empty());
  EXPECT_EQ(Contents(Deliver(*stores, "B")), (std::vector<std::string>{"for B", "said by A"}));
}

TEST_F(WhisperStoreTest, AttentionAndTopicsFilterAndWhatTheyLeaveOutIsNotKept) {
  auto stores = Open();
  Add(*stores, {Entry("ambient", kImportanceAmbient), Entry("normal"),
                Entry("important", kImportanceCritical), Entry("parser", 1, "parser"),
                Entry("ui", 1, {"ui"})});
  DeliveryFilter focused{Attention::kFocused, {}};
  EXPECT_EQ(Contents(Deliver(*stores, "F", focused)), (std::vector<std::string>{"important"}));
  EXPECT_TRUE(Deliver(*stores, "F").empty()) << "filtered entries are consumed";
  DeliveryFilter parser{Attention::kNormal, {"parser"}};
  EXPECT_EQ(Contents(Deliver(*stores, "P", parser)),
            (std::vector<std::string>{"important", "normal", "parser"}));
  DeliveryFilter all{Attention::kAll, {}};
  EXPECT_EQ(Deliver(*stores, "X", all).size(), 5u);
}

TEST_F(WhisperStoreTest, ConcurrentCallersForOneAgentNeverShareAnEntry) {
  auto stores = Open({"team_1"});
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 300; ++i)
      Add(*stores, {Entry("e" + std::to_string(i))}, i % 2 ? "team_1" : "");
    done = true;
  });
  std::vector<std::vector<std::string>> received(4);
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&, r] {
      while (true) {
        bool finished = done.load();
        for (auto& entry : Deliver(*stores, "same-agent")) received[r].push_back(entry.content);
        if (finished) break;
      }
    });
  }
  writer.join();
  for (auto& reader : readers) reader.join();
  std::multiset<std::string> all;
  for (auto& part : received) all.insert(part.begin(), part.end());
  EXPECT_EQ(all.size(), 300u);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 300u);
}

TEST_F(WhisperStoreTest, PagesCoverEveryEntryOnceNewestFirst) {
  auto stores = Open({"t1", "t2"});
  for (int i = 0; i < 250; ++i) {
    std::string team = i % 3 == 0 ? "" : (i % 3 == 1 ? "t1" : "t2");
    Add(*stores, {Entry(std::to_string(i))}, team);
  }
  std::vector<std::string> seen;
  Nanos before = 0;
  for (int page = 0; page < 10; ++page) {
    HistoryPage result = stores->Page("", before, 40);
    for (auto& entry : result.entries) seen.push_back(entry.content);
    if (!result.has_more) break;
    before = result.entries.back().created_at;
  }
  ASSERT_EQ(seen.size(), 250u);
  for (int i = 0; i < 250; ++i) EXPECT_EQ(seen[i], std::to_string(249 - i));
}

TEST_F(WhisperStoreTest, RelayMarksAreWrittenWithTheEntries) {
  auto stores = Open();
  std::vector<WhisperEntry> entries{Entry("m")};
  stores->Ledger()->Append(entries, [&] { return stores->NextCreatedAt(); }, {"m_1"});
  EXPECT_TRUE(stores->Ledger()->IsRelayed("m_1"));
  EXPECT_FALSE(stores->Ledger()->IsRelayed("m_2"));
}

TEST_F(WhisperStoreTest, TheWalIsFoldedIntoTheDatabaseInTheBackground) {
  auto stores = Open();
  fs::path database = fs::path(directory_) / "ledger.db";
  auto initial = fs::file_size(database);
  // About 2,500 WAL pages of commits: past the 1,000-page threshold twice over. Requests never
  // checkpoint (no auto-checkpoint); the store's checkpointer must, or the WAL grows forever.
  for (int i = 0; i < 2500; ++i) Add(*stores, {Entry(std::string(3000, 'a' + i % 26))});
  bool folded = false;
  for (int i = 0; i < 100 && !folded; ++i) {
    folded = fs::file_size(database) > initial + 4'000'000;
    if (!folded) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(folded) << "database " << fs::file_size(database) << " bytes, WAL "
                      << fs::file_size(database.string() + "-wal") << " bytes";
  EXPECT_LT(fs::file_size(database.string() + "-wal"), 20'000'000u) << "the WAL starts over";
  EXPECT_EQ(stores->Ledger()->CachedEntryCount(), 2500);
}

TEST_F(WhisperStoreTest, RetentionAndByteCapRemoveTheOldestFirst) {
  auto stores = Open();
  Add(*stores, {Entry("old")});
  Nanos cutoff = NowNanos();
  std::string big(2000, 'x');
  for (int i = 0; i < 400; ++i) Add(*stores, {Entry(std::to_string(i) + big)});
  auto reports = stores->MaintainAll(NowNanos(), cutoff, 0, 200 * 1024);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].report.integrity, "ok");
  EXPECT_GT(reports[0].report.pruned, 1);
  EXPECT_LE(reports[0].report.size_after, 240 * 1024);
  HistoryPage newest = stores->Page("", 0, 1);
  ASSERT_EQ(newest.entries.size(), 1u);
  EXPECT_EQ(newest.entries[0].content, "399" + big) << "the newest entry is kept";
  for (const auto& entry : stores->Page("", 0, 200).entries) EXPECT_NE(entry.content, "old");
}

TEST_F(WhisperStoreTest, ACorruptFileIsMovedAsideAndRecreated) {
  { Open(); }
  {
    std::fstream file(directory_ / "ledger.db", std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(0);
    file << "this is not an SQLite header at all";
  }
  auto stores = Open();
  ASSERT_EQ(healed_.size(), 1u);
  EXPECT_NE(healed_[0].find("ledger"), std::string::npos) << healed_[0];
  Add(*stores, {Entry("after")});
  EXPECT_EQ(Deliver(*stores, "A").size(), 1u);
  bool moved = false;
  for (const auto& item : fs::directory_iterator(directory_)) {
    moved |= item.path().filename().string().rfind("ledger.db.corrupt-", 0) == 0;
  }
  EXPECT_TRUE(moved);
}

TEST_F(WhisperStoreTest, ATeamStoreCreatedOnDemandIsOpenedAgainAfterARestart) {
  {
    auto stores = Open();
    EXPECT_EQ(stores->Team("team/heartbeat"), nullptr);
    Add(*stores, {Entry("from a team the project file does not list")}, "");
    std::vector<WhisperEntry> entries{Entry("team news")};
    stores->TeamOrCreate("team/heartbeat")->Append(entries, [&] {
      return stores->NextCreatedAt();
    });
  }
  auto stores = Open();
  ASSERT_NE(stores->Team("team/heartbeat"), nullptr);
  EXPECT_EQ(stores->Team("team/heartbeat")->identity().path.filename(), "team-team_heartbeat.db");
  std::vector<std::string> delivered = Contents(Deliver(*stores, "A"));
  EXPECT_NE(std::find(delivered.begin(), delivered.end(), "team news"), delivered.end());
}

TEST_F(WhisperStoreTest, CreatedAtIsUniqueAndIncreasing) {
  auto stores = Open();
  Nanos previous = 0;
  for (int i = 0; i < 1000; ++i) {
    Nanos next = stores->NextCreatedAt();
    EXPECT_GT(next, previous);
    previous = next;
  }
}

}  // namespace
}  // namespace oxd::whisper
