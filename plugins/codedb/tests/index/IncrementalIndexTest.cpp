// Incremental runs: only new commits and new blobs are processed, blobs once per id, a branch
// switch costs only the branch's own commits, and a full rebuild gives identical results.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "TestRepo.h"
#include "index/HeadFingerprint.h"

namespace oxd::codedb::test {
namespace {

// Distinct blob ids reachable from `revision`, counted by the git CLI.
std::uint64_t BlobsReachable(const std::string& repo, const std::string& revision) {
  std::string objects = Git(repo, {"rev-list", "--objects", revision});
  std::ostringstream ids;
  std::istringstream lines(objects);
  std::string line;
  while (std::getline(lines, line)) {
    ids << line.substr(0, 40) << "\n";
  }
  TempDir scratch;
  std::string list = scratch.path() + "/ids";
  std::ofstream(list) << ids.str();
  CommandResult types =
      RunCommand({"sh", "-c", "git cat-file --batch-check='%(objecttype)' < " + list}, repo);
  std::uint64_t blobs = 0;
  std::istringstream type_lines(types.out);
  while (std::getline(type_lines, line)) {
    blobs += line == "blob" ? 1 : 0;
  }
  return blobs;
}

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(IncrementalIndexTest, BlobsAreIndexedOncePerId) {
  TempDir dir;
  std::string repo = CopyFixture(dir.path());
  IndexReport report = IndexOrFail(repo, dir.path() + "/index.db");
  EXPECT_EQ(report.counters.commits, 20u);
  EXPECT_EQ(report.counters.blobs_new, BlobsReachable(repo, "HEAD"));
  EXPECT_EQ(report.counters.blobs_skipped, 3u);  // binary, too large, not UTF-8
  EXPECT_EQ(report.fingerprint, ReadHeadFingerprint(repo).value);
  EXPECT_EQ(report.fingerprint, "refs/heads/main " + RevParse(repo, "HEAD"));

  std::string error;
  auto index = SearchIndex::Open(dir.path() + "/index.db", error);
  ASSERT_NE(index, nullptr) << error;
  IndexStats stats = index->ReadStats();
  EXPECT_EQ(stats.commits, 20u);
  EXPECT_EQ(stats.blobs, report.counters.blobs_new);
  EXPECT_EQ(stats.blobs_skipped, 3u);
  EXPECT_EQ(stats.symbols, report.counters.symbols);
  EXPECT_EQ(stats.comments, report.counters.comments);
  EXPECT_GT(stats.symbols, 20u);
  EXPECT_GT(stats.indexed_at, 0);
  EXPECT_EQ(stats.fingerprint, report.fingerprint);
}

TEST(IncrementalIndexTest, SecondRunWithoutChangesDoesNothing) {
  TempDir dir;
  std::string repo = CopyFixture(dir.path());
  std::string index = dir.path() + "/index.db";
  IndexReport first = IndexOrFail(repo, index);
  IndexReport second = IndexOrFail(repo, index);
  EXPECT_EQ(second.counters.commits, 0u);
  EXPECT_EQ(second.counters.blobs_new, 0u);
  EXPECT_EQ(second.fingerprint, first.fingerprint);
}

TEST(IncrementalIndexTest, NewCommitsProcessOnlyTheirNewBlobs) {
  TempDir dir;
  std::string repo = CopyFixture(dir.path());
  std::string index = dir.path() + "/index.db";
  IndexOrFail(repo, index);
  std::string before = ReadHeadFingerprint(repo).value;

  WriteFile(repo + "/src/incremental.cpp", "int INCREMENTAL_TOKEN = 1;\n");
  std::ofstream(repo + "/README.md", std::ios::app) << "INCREMENTAL_TOKEN in the readme\n";
  Git(repo, {"add", "-A"});
  Git(repo, {"commit", "-q", "-m", "Incremental one"});
  WriteFile(repo + "/src/incremental.cpp", "int INCREMENTAL_TOKEN = 2;\n");
  Git(repo, {"commit", "-q", "-a", "-m", "Incremental two"});
  EXPECT_NE(ReadHeadFingerprint(repo).value, before);

  IndexReport report = IndexOrFail(repo, index);
  EXPECT_EQ(report.counters.commits, 2u);
  EXPECT_EQ(report.counters.blobs_new, 3u);  // two versions of the new file, one README
  SearchQuery query;
  query.query = "INCREMENTAL_TOKEN";
  SearchResult result = SearchOrFail(index, query);
  EXPECT_EQ(PathLinesOf(result), (std::set<std::string>{"README.md:4", "src/incremental.cpp:1"}));
  EXPECT_EQ(result.hits[1].snippet, "int INCREMENTAL_TOKEN = 2;");
}

TEST(IncrementalIndexTest, BranchSwitchIndexesOnlyTheBranch) {
  TempDir dir;
  std::string repo = CopyFixture(dir.path());
  std::string index = dir.path() + "/index.db";
  IndexOrFail(repo, index);
  SearchQuery feature;
  feature.query = "FEATURE_ONLY_TOKEN";
  SearchQuery main_only;
  main_only.query = "StopServer";
  EXPECT_TRUE(SearchOrFail(index, feature).hits.empty());

  Git(repo, {"checkout", "-q", "feature"});
  IndexReport to_feature = IndexOrFail(repo, index);
  EXPECT_EQ(to_feature.counters.commits, 2u);
  EXPECT_EQ(to_feature.counters.blobs_new, 2u);  // the two versions of go/feature_only.go
  EXPECT_EQ(PathsOf(SearchOrFail(index, feature)), (std::set<std::string>{"go/feature_only.go"}));
  EXPECT_TRUE(SearchOrFail(index, main_only).hits.empty());

  Git(repo, {"checkout", "-q", "main"});
  IndexReport back = IndexOrFail(repo, index);
  EXPECT_EQ(back.counters.commits, 0u);  // main's tip was kept as an indexed tip
  EXPECT_EQ(back.counters.blobs_new, 0u);
  EXPECT_TRUE(SearchOrFail(index, feature).hits.empty());
  EXPECT_EQ(PathsOf(SearchOrFail(index, main_only)), (std::set<std::string>{"go/http_server.go"}));
}

TEST(IncrementalIndexTest, FullRebuildGivesIdenticalResults) {
  TempDir dir;
  std::string repo = CopyFixture(dir.path());
  std::string index = dir.path() + "/index.db";
  IndexOrFail(repo, index);
  WriteFile(repo + "/src/incremental.cpp", "int INCREMENTAL_TOKEN = 1;\n");
  Git(repo, {"add", "-A"});
  Git(repo, {"commit", "-q", "-m", "Incremental one"});
  IndexOrFail(repo, index);
  std::string incremental = AllResults(index);

  IndexOptions full;
  full.full = true;
  IndexReport rebuilt = IndexOrFail(repo, index, full);
  EXPECT_EQ(rebuilt.counters.commits, 21u);
  EXPECT_EQ(AllResults(index), incremental);
}

}  // namespace
}  // namespace oxd::codedb::test
