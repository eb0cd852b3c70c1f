// The index file itself: an empty repository, a schema from a newer build, a missing index.
#include <gtest/gtest.h>

#include <fstream>

#include "TestRepo.h"
#include "index/HeadFingerprint.h"
#include "index/Schema.h"
#include "index/Sqlite.h"

namespace oxd::codedb::test {
namespace {

TEST(StoreTest, UnbornHeadGivesAnEmptyIndex) {
  TempDir dir;
  RunCommand({"git", "init", "-q", "-b", "main", "repo"}, dir.path());
  std::string repo = dir.path() + "/repo";
  EXPECT_EQ(ReadHeadFingerprint(repo).value, "unborn refs/heads/main");
  IndexReport report = IndexOrFail(repo, dir.path() + "/index.db");
  EXPECT_EQ(report.fingerprint, "unborn refs/heads/main");
  EXPECT_EQ(report.counters.commits, 0u);
  SearchQuery query;
  query.query = "anything";
  SearchResult result = SearchOrFail(dir.path() + "/index.db", query);
  EXPECT_TRUE(result.hits.empty());
}

TEST(StoreTest, NotARepositoryIsAnError) {
  TempDir dir;
  HeadFingerprint fingerprint = ReadHeadFingerprint(dir.path() + "/missing");
  EXPECT_FALSE(fingerprint.ok);
  EXPECT_NE(fingerprint.error.find("cannot open"), std::string::npos) << fingerprint.error;
  IndexReport report = IndexHistory(dir.path() + "/missing", dir.path() + "/index.db", {});
  EXPECT_FALSE(report.ok);
  EXPECT_FALSE(report.error.empty());
}

TEST(StoreTest, NewerSchemaIsRefusedUntilAFullRun) {
  TempDir dir;
  std::string repo = CopyFixture(dir.path());
  std::string index = dir.path() + "/index.db";
  {
    Database db(index);
    db.Exec("PRAGMA user_version=" + std::to_string(kSchemaVersion + 1));
  }
  IndexReport refused = IndexHistory(repo, index, {});
  EXPECT_FALSE(refused.ok);
  EXPECT_NE(refused.error.find("run a full index"), std::string::npos) << refused.error;
  std::string error;
  EXPECT_EQ(SearchIndex::Open(index, error), nullptr);
  EXPECT_NE(error.find("run a full index"), std::string::npos) << error;

  IndexOptions full;
  full.full = true;
  IndexOrFail(repo, index, full);
  EXPECT_NE(SearchIndex::Open(index, error), nullptr) << error;
}

TEST(StoreTest, MissingIndexIsAnError) {
  TempDir dir;
  std::string error;
  EXPECT_EQ(SearchIndex::Open(dir.path() + "/none.db", error), nullptr);
  EXPECT_EQ(error, "no index at " + dir.path() + "/none.db");
}

}  // namespace
}  // namespace oxd::codedb::test

namespace oxd::codedb::test {
namespace {

// Eight files of 900 KB, every line a hit: past the limit, counting stops after
// kTotalCountBudgetBytes more text and says so.
TEST(TotalCountTest, CountingStopsAfterTheBudget) {
  TempDir dir;
  RunCommand({"git", "init", "-q", "-b", "main", "repo"}, dir.path());
  std::string repo = dir.path() + "/repo";
  std::string text;
  for (int i = 0; i < 75000; ++i) {
    text += "needle line\n";
  }
  for (int file = 0; file < 8; ++file) {
    std::ofstream(repo + "/f" + std::to_string(file) + ".txt") << text;
  }
  Git(repo, {"add", "-A"});
  Git(repo, {"commit", "-q", "-m", "big"});
  std::string index = dir.path() + "/index.db";
  IndexOrFail(repo, index);

  SearchQuery query;
  query.query = "needle";
  query.limit = 10;
  SearchResult result = SearchOrFail(index, query);
  EXPECT_EQ(result.hits.size(), 10u);
  EXPECT_FALSE(result.total_exact);
  // The first file (holding the limit), then whole files until the budget is spent.
  std::uint64_t files_counted = 1 + (kTotalCountBudgetBytes + 900000 - 1) / 900000;
  ASSERT_LT(files_counted, 8u);
  EXPECT_EQ(result.total, files_counted * 75000u);

  query.query = "needle line";
  query.path = "f0.txt";
  result = SearchOrFail(index, query);
  EXPECT_TRUE(result.total_exact);
  EXPECT_EQ(result.total, 75000u);
}

}  // namespace
}  // namespace oxd::codedb::test
