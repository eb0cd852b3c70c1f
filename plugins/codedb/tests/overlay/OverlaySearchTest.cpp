// OverlaySnapshot::Search: text, symbol and comment hits in dirty files only (dirty = true, no
// commit), filters, and the very errors SearchIndex gives for bad queries.
#include <gtest/gtest.h>

#include <filesystem>

#include "OverlayTestSupport.h"
#include "overlay/DirtyScanner.h"

namespace oxd::codedb::test {
namespace {
namespace fs = std::filesystem;

// A SearchQuery built field by field (designated initializers would leave some unnamed).
struct Q {
  explicit Q(std::string text) { query.query = std::move(text); }
  Q& kind(SearchKind value) { return query.kind = value, *this; }
  Q& path(std::string value) { return query.path = std::move(value), *this; }
  Q& lang(std::string value) { return query.lang = std::move(value), *this; }
  Q& limit(std::size_t value) { return query.limit = value, *this; }
  Q& whole_word(bool value) { return query.whole_word = value, *this; }
  Q& ignore_case(bool value) { return query.ignore_case = value, *this; }
  operator SearchQuery() const { return query; }
  SearchQuery query;
};

class OverlaySearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    repo_ = dir_->path() + "/repo";
    InitRepo(repo_,
             {{"src/widget.cpp",
               "// Widget drawing helpers.\nclass Widget {\n public:\n  void resize();\n};\n"},
              {"src/clean.cpp", "int clean_needle = 1;\n"},
              {"doomed.txt", "dirty_needle in a file that goes\n"}});
    IndexOrFail(repo_, dir_->path() + "/index.db");
    WriteFile(repo_ + "/src/widget.cpp",
              "// Widget drawing helpers, now with dirty_needle.\n"
              "class Widget {\n public:\n  void resize();\n  /// Grows the dirty widget.\n"
              "  void grow();\n};\nvoid Widget::resize() { int dirty_needle = 0; }\n");
    WriteFile(repo_ + "/tools/new_tool.py",
              "\"\"\"Untracked tool with a dirty_needle.\"\"\"\n\ndef run_tool():\n"
              "    # Runs the DIRTY_NEEDLE check.\n    return 1\n");
    fs::remove(repo_ + "/doomed.txt");
    scanner_ = new DirtyScanner(repo_);
    snapshot_ = scanner_->Rescan();
  }
  static void TearDownTestSuite() {
    snapshot_.reset();
    delete scanner_;
    delete dir_;
  }

  static SearchResult Run(SearchQuery query) {
    SearchResult result = snapshot_->Search(query);
    EXPECT_TRUE(result.ok) << query.query << ": " << result.error;
    for (const SearchHit& hit : result.hits) {
      EXPECT_TRUE(hit.dirty);
      EXPECT_TRUE(hit.commit.empty());
    }
    return result;
  }

  static inline TempDir* dir_ = nullptr;
  static inline std::string repo_;
  static inline DirtyScanner* scanner_ = nullptr;
  static inline OverlaySnapshotPtr snapshot_;
};

TEST_F(OverlaySearchTest, TextHitsInDirtyFilesOnly) {
  SearchResult result = Run(Q("dirty_needle"));
  EXPECT_EQ(PathLinesOf(result),
            (std::set<std::string>{"src/widget.cpp:1", "src/widget.cpp:8", "tools/new_tool.py:1"}));
  EXPECT_EQ(result.total, 3u);
  ASSERT_EQ(result.hits.size(), 3u);
  EXPECT_EQ(result.hits[1].column, 29u);
  EXPECT_EQ(result.hits[1].snippet, "void Widget::resize() { int dirty_needle = 0; }");
  EXPECT_EQ(result.hits[1].kind, "text");
  EXPECT_EQ(result.hits[1].language, "cpp");
  EXPECT_TRUE(Run(Q("clean_needle")).hits.empty());  // committed, clean: not here
  // ignore_case, whole_word and limit as in the index.
  EXPECT_EQ(Run(Q("dirty_needle").ignore_case(true)).total, 4u);
  EXPECT_EQ(Run(Q("dirty").whole_word(true)).total, 1u);
  SearchResult limited = Run(Q("dirty_needle").limit(1));
  EXPECT_EQ(limited.hits.size(), 1u);
  EXPECT_EQ(limited.total, 3u);
}

TEST_F(OverlaySearchTest, Filters) {
  EXPECT_EQ(PathsOf(Run(Q("dirty_needle").path("*.py"))),
            (std::set<std::string>{"tools/new_tool.py"}));
  EXPECT_EQ(PathsOf(Run(Q("dirty_needle").path("src/"))),
            (std::set<std::string>{"src/widget.cpp"}));
  EXPECT_EQ(PathsOf(Run(Q("dirty_needle").lang("python"))),
            (std::set<std::string>{"tools/new_tool.py"}));
  EXPECT_TRUE(Run(Q("dirty_needle").lang("go")).hits.empty());
  // `hidden` (meant for the index) does not hide the overlay's own files.
  SearchQuery query = Q("dirty_needle");
  query.hidden = [](std::string_view path) { return snapshot_->Hides(path); };
  EXPECT_EQ(Run(query).total, 3u);
}

TEST_F(OverlaySearchTest, Symbols) {
  SearchResult result = Run(Q("grow").kind(SearchKind::kSymbol));
  ASSERT_EQ(result.hits.size(), 1u);
  EXPECT_EQ(result.hits[0].path, "src/widget.cpp");
  EXPECT_EQ(result.hits[0].line, 6u);
  EXPECT_EQ(result.hits[0].column, 8u);
  EXPECT_EQ(result.hits[0].symbol_kind, "prototype");
  EXPECT_EQ(result.hits[0].container, "Widget");
  EXPECT_EQ(result.hits[0].kind, "symbol");
  EXPECT_EQ(PathLinesOf(Run(Q("Widget::resize").kind(SearchKind::kSymbol))),
            (std::set<std::string>{"src/widget.cpp:4", "src/widget.cpp:8"}));
  EXPECT_TRUE(Run(Q("Other::resize").kind(SearchKind::kSymbol)).hits.empty());
  EXPECT_EQ(Run(Q("RUN_TOOL").kind(SearchKind::kSymbol).ignore_case(true)).total, 1u);
  EXPECT_TRUE(Run(Q("RUN_TOOL").kind(SearchKind::kSymbol)).hits.empty());
}

TEST_F(OverlaySearchTest, Comments) {
  SearchResult result = Run(Q("dirty widget").kind(SearchKind::kComment));
  ASSERT_EQ(result.hits.size(), 1u);
  EXPECT_EQ(result.hits[0].line, 5u);
  EXPECT_EQ(result.hits[0].symbol_kind, "doc");
  EXPECT_EQ(result.hits[0].snippet, "Grows the dirty widget.");
  // unicode61 phrase: case folded, punctuation between words ignored, order matters.
  EXPECT_EQ(Run(Q("DIRTY_NEEDLE check").kind(SearchKind::kComment)).total, 1u);
  EXPECT_EQ(Run(Q("helpers now").kind(SearchKind::kComment)).total, 1u);
  EXPECT_TRUE(Run(Q("widget dirty").kind(SearchKind::kComment)).hits.empty());
  EXPECT_TRUE(Run(Q("  ").kind(SearchKind::kComment)).hits.empty());
  EXPECT_EQ(PathsOf(Run(Q("untracked tool").kind(SearchKind::kComment))),
            (std::set<std::string>{"tools/new_tool.py"}));
}

TEST_F(OverlaySearchTest, CommitSearchesFindNothing) {
  SearchResult result = Run(Q("initial").kind(SearchKind::kCommit));
  EXPECT_TRUE(result.hits.empty());
  EXPECT_EQ(result.total, 0u);
}

TEST_F(OverlaySearchTest, BadQueriesGiveTheIndexErrors) {
  std::vector<SearchQuery> bad = {
      Q(""),
      Q(std::string(1025, 'a')),
      Q("caf\xe9"),
      Q("two\nlines"),
      Q("x").limit(0),
      Q("x").limit(kMaxSearchLimit + 1),
      Q("x").lang("klingon"),
      Q("x").kind(SearchKind::kCommit).path("src/"),
      Q("x").kind(SearchKind::kCommit).lang("cpp"),
      Q("").kind(SearchKind::kSymbol),
      Q("a\nb").kind(SearchKind::kComment),
  };
  std::string error;
  auto index = SearchIndex::Open(dir_->path() + "/index.db", error);
  ASSERT_NE(index, nullptr) << error;
  for (const SearchQuery& query : bad) {
    SearchResult expected = index->Search(query);
    SearchResult actual = snapshot_->Search(query);
    EXPECT_FALSE(expected.ok);
    EXPECT_FALSE(actual.ok);
    EXPECT_FALSE(actual.error.empty());
    EXPECT_EQ(actual.error, expected.error);
  }
}

TEST_F(OverlaySearchTest, DeletedAndSkippedFilesHaveNoHits) {
  EXPECT_TRUE(Run(Q("in a file that goes")).hits.empty());
  EXPECT_TRUE(snapshot_->Hides("doomed.txt"));
  EXPECT_TRUE(snapshot_->Hides("src/widget.cpp"));
  EXPECT_FALSE(snapshot_->Hides("src/clean.cpp"));
}

}  // namespace
}  // namespace oxd::codedb::test
