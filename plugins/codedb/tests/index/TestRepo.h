// Helpers shared by the index tests: temporary directories, running the git CLI, the fixture
// repository of tests/fixtures/codedb/make_fixture.sh, and a stable text form of results.
#pragma once

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "index/HistoryIndexer.h"
#include "index/Search.h"

namespace oxd::codedb::test {

// A fresh directory under $TMPDIR, removed with its content on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
};

// Runs argv[0] (looked up in PATH) in `directory` without a shell; stdout is captured, stderr
// goes to the test's stderr.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& directory);

// `git args…` in `repo`; fails the test (ADD_FAILURE) on a non-zero exit and returns stdout.
std::string Git(const std::string& repo, const std::vector<std::string>& args);
// The full id of a revision ("marker-added", "HEAD~2").
std::string RevParse(const std::string& repo, const std::string& revision);

// A private copy of the fixture repository under `parent` (the fixture is built once per
// script version and cached under $TMPDIR, so each test process does not pay for it).
std::string CopyFixture(const std::string& parent);

// The fixture's files that the skip rules leave out, as git pathspec exclusions for git grep.
std::vector<std::string> SkippedFileExclusions();

// Indexes `repo` into `index`; fails the test when the run is not ok.
IndexReport IndexOrFail(const std::string& repo, const std::string& index,
                        IndexOptions options = {});

// Runs a search on a fresh connection; fails the test when it is not ok.
SearchResult SearchOrFail(const std::string& index, const SearchQuery& query);
SearchResult SearchAny(const std::string& index, const SearchQuery& query);

// One line per hit with every field but took_ns, plus the total: equal strings, equal results.
std::string Describe(const SearchResult& result);

// A fixed set of searches of every kind, described: equal strings, equal indexes.
std::string AllResults(const std::string& index);

// Distinct "path" and "path:line" of hits.
std::set<std::string> PathsOf(const SearchResult& result);
std::set<std::string> PathLinesOf(const SearchResult& result);

// A suite over one indexed private copy of the fixture, built once for all its tests.
class IndexedFixtureSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    repo_ = CopyFixture(dir_->path());
    index_ = dir_->path() + "/index.db";
    IndexOrFail(repo_, index_);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static inline TempDir* dir_ = nullptr;
  static inline std::string repo_;
  static inline std::string index_;
};

}  // namespace oxd::codedb::test
