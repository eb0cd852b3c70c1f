// History hits name the commits that added and removed a version; symbol, comment and
// commit-message searches find what the fixture holds.
#include <gtest/gtest.h>

#include "TestRepo.h"

namespace oxd::codedb::test {
namespace {

class HistorySearchTest : public IndexedFixtureSuite {
 protected:
  static SearchResult Find(const std::string& query, SearchKind kind, bool history) {
    SearchQuery request;
    request.query = query;
    request.kind = kind;
    request.history = history;
    request.limit = kMaxSearchLimit;
    return SearchOrFail(index_, request);
  }
  // The commit on main whose subject is `subject`.
  static std::string CommitWithSubject(const std::string& subject) {
    std::string out = Git(repo_, {"log", "--format=%H", "--fixed-strings", "--grep", subject});
    return out.substr(0, out.find('\n'));
  }
};

TEST_F(HistorySearchTest, AStringAddedThenRemovedNamesBothCommits) {
  EXPECT_TRUE(Find("ephemeral_marker_42", SearchKind::kText, false).hits.empty());
  SearchResult result = Find("ephemeral_marker_42", SearchKind::kText, true);
  ASSERT_EQ(result.hits.size(), 2u) << Describe(result);  // a comment line and a return line
  for (const SearchHit& hit : result.hits) {
    EXPECT_EQ(hit.path, "py/tool.py");
    EXPECT_EQ(hit.commit, RevParse(repo_, "marker-added"));
    EXPECT_EQ(hit.removed_in, RevParse(repo_, "marker-removed"));
  }
  EXPECT_EQ(result.hits[0].line, 12u);
  EXPECT_EQ(result.hits[1].line, 13u);
}

TEST_F(HistorySearchTest, DeletedFileIsOnlyInHistory) {
  EXPECT_TRUE(Find("obsolete_helper_text", SearchKind::kText, false).hits.empty());
  SearchResult result = Find("obsolete_helper_text", SearchKind::kText, true);
  ASSERT_EQ(result.hits.size(), 1u) << Describe(result);
  EXPECT_EQ(result.hits[0].path, "web/old.js");
  EXPECT_EQ(result.hits[0].commit, RevParse(repo_, "HEAD~19"));  // the first commit
  EXPECT_EQ(result.hits[0].removed_in, CommitWithSubject("Delete the legacy helper"));
}

TEST_F(HistorySearchTest, RenamedFileKeepsBothPaths) {
  SearchResult result = Find("StartServer listens", SearchKind::kText, true);
  std::string first = RevParse(repo_, "HEAD~19");
  std::string renamed = RevParse(repo_, "renamed");
  std::string stop_added = CommitWithSubject("Add StopServer");
  std::set<std::string> versions;
  for (const SearchHit& hit : result.hits) {
    versions.insert(hit.path + " " + hit.commit + " " + hit.removed_in);
  }
  EXPECT_EQ(versions, (std::set<std::string>{"go/server.go " + first + " " + renamed,
                                             "go/http_server.go " + renamed + " " + stop_added,
                                             "go/http_server.go " + stop_added + " "}));
}

TEST_F(HistorySearchTest, HistoryHitsIncludeCurrentVersions) {
  SearchResult head = Find("compute_checksum", SearchKind::kText, false);
  SearchResult history = Find("compute_checksum", SearchKind::kText, true);
  ASSERT_EQ(head.hits.size(), 1u);
  ASSERT_EQ(history.hits.size(), 2u);  // before and after CHECKSUM_SEED was added
  std::string seed_added;
  for (const SearchHit& hit : history.hits) {
    if (!hit.removed_in.empty()) {
      seed_added = hit.removed_in;
    }
  }
  EXPECT_EQ(seed_added, CommitWithSubject("Add CHECKSUM_SEED"));
}

TEST_F(HistorySearchTest, SymbolsAtHead) {
  SearchResult result = Find("resize", SearchKind::kSymbol, false);
  std::set<std::string> found;
  for (const SearchHit& hit : result.hits) {
    found.insert(hit.path + ":" + std::to_string(hit.line) + " " + hit.symbol_kind + " " +
                 hit.container);
    EXPECT_EQ(hit.kind, "symbol");
    EXPECT_EQ(hit.symbol, "resize");
    EXPECT_NE(hit.snippet.find("resize"), std::string::npos);
    EXPECT_GT(hit.column, 0u);
  }
  EXPECT_EQ(found, (std::set<std::string>{"src/widget.hpp:6 prototype Widget",
                                          "src/widget.cpp:6 method Widget"}));
  EXPECT_EQ(Find("Widget::resize", SearchKind::kSymbol, false).hits.size(), 2u);
  EXPECT_EQ(Find("Gadget::resize", SearchKind::kSymbol, false).hits.size(), 0u);
  EXPECT_EQ(Find("RESIZE", SearchKind::kSymbol, false).hits.size(), 0u);
}

TEST_F(HistorySearchTest, SymbolsInEveryLanguage) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"greet", "src/main.c"},        {"StartServer", "go/http_server.go"},
      {"parse_args", "py/tool.py"},   {"renderApp", "web/app.js"},
      {"UserRecord", "web/types.ts"}, {"compute_checksum", "rust/lib.rs"},
      {"Greeter", "java/App.java"},   {"build_all", "scripts/build.sh"},
      {"run_main", "bin/run"},        {"Widget", "src/widget.hpp"}};
  for (const auto& [name, path] : expected) {
    SearchResult result = Find(name, SearchKind::kSymbol, false);
    EXPECT_EQ(PathsOf(result).count(path), 1u) << name << "\n" << Describe(result);
  }
  // Only in history: the symbol of the deleted file and the file before its rename.
  EXPECT_TRUE(Find("legacyHelper", SearchKind::kSymbol, false).hits.empty());
  EXPECT_EQ(Find("legacyHelper", SearchKind::kSymbol, true).hits.size(), 1u);
}

TEST_F(HistorySearchTest, Comments) {
  SearchResult result = Find("command line arguments", SearchKind::kComment, false);
  ASSERT_EQ(result.hits.size(), 1u) << Describe(result);
  EXPECT_EQ(result.hits[0].path, "py/tool.py");
  EXPECT_EQ(result.hits[0].kind, "comment");
  EXPECT_EQ(result.hits[0].symbol_kind, "doc");
  EXPECT_EQ(result.hits[0].line, 7u);
  // Words out of order are another phrase.
  EXPECT_TRUE(Find("arguments command line", SearchKind::kComment, false).hits.empty());
}

TEST_F(HistorySearchTest, CommitMessages) {
  SearchResult result = Find("Remove the marker", SearchKind::kCommit, false);
  ASSERT_EQ(result.hits.size(), 1u) << Describe(result);
  EXPECT_EQ(result.hits[0].commit, RevParse(repo_, "marker-removed"));
  EXPECT_EQ(result.hits[0].snippet, "Remove the marker from describe");
  EXPECT_EQ(result.hits[0].kind, "commit");
  // Newest first.
  SearchResult adds = Find("Add", SearchKind::kCommit, false);
  ASSERT_GE(adds.hits.size(), 2u);
  EXPECT_EQ(adds.hits[0].commit, CommitWithSubject("Add an empty file"));
}

}  // namespace
}  // namespace oxd::codedb::test
