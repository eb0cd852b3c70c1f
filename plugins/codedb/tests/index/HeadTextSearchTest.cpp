// Text search at HEAD against `git grep -F` on the same fixture: the files (-l) and the line
// numbers (-n) must be the same, for tokens, substrings, punctuation, FTS5 syntax characters,
// short queries (no trigram) and case variants, also as whole words (-w) and ignoring case (-i).
#include <gtest/gtest.h>

#include <sstream>

#include "TestRepo.h"

namespace oxd::codedb::test {
namespace {

class HeadTextSearchTest : public IndexedFixtureSuite {
 protected:
  // "path:line" (or "path" with -l) of `git grep -I -F flags -e query` over HEAD's files,
  // leaving out what the skip rules leave out (SkipIndexTest checks those separately).
  static std::set<std::string> GitGrep(const std::string& query, const std::string& flags) {
    std::vector<std::string> argv = {"git", "grep", "-I", "-F", flags, "-e", query, "HEAD", "--"};
    std::vector<std::string> exclusions = SkippedFileExclusions();
    argv.insert(argv.end(), exclusions.begin(), exclusions.end());
    CommandResult grep = RunCommand(argv, repo_);
    EXPECT_LE(grep.exit_code, 1) << "git grep failed for " << query;
    std::set<std::string> found;
    std::istringstream lines(grep.out);
    std::string line;
    while (std::getline(lines, line)) {
      // "HEAD:path" with -l, "HEAD:path:line:text" with -n.
      std::string rest = line.substr(line.find(':') + 1);
      if (flags.find('n') == std::string::npos) {
        found.insert(rest);
      } else {
        std::size_t path_end = rest.find(':');
        std::size_t line_end = rest.find(':', path_end + 1);
        found.insert(rest.substr(0, line_end));
      }
    }
    return found;
  }

  static SearchResult Text(const std::string& query, bool whole_word, bool ignore_case) {
    SearchQuery request;
    request.query = query;
    request.limit = kMaxSearchLimit;
    request.whole_word = whole_word;
    request.ignore_case = ignore_case;
    return SearchOrFail(index_, request);
  }
};

const std::vector<std::string> kQueries = {"widget_count",
                                           "Widget",
                                           "widget",
                                           "WIDGET",
                                           "wIdGeT",
                                           "resize",
                                           "fixture",
                                           "hello, fixture!",
                                           "a->b",
                                           "operator==",
                                           "x*y",
                                           "^caret",
                                           "-dash",
                                           "NEAR(",
                                           "NEAR(x, \"quoted\"",
                                           "\"quoted\"",
                                           "\"",
                                           "*",
                                           "^",
                                           "-",
                                           "(",
                                           "e",
                                           "re",
                                           "int",
                                           "return",
                                           "CRLF",
                                           "last line",
                                           "described",
                                           "StopServer",
                                           "FEATURE_ONLY_TOKEN",
                                           "ephemeral_marker_42",
                                           "obsolete_helper_text",
                                           "no_such_string_anywhere",
                                           "AND",
                                           "OR NOT",
                                           "text:fixture",
                                           "{",
                                           "//",
                                           "/**",
                                           "::",
                                           "  ",
                                           "fixture app",
                                           "#!/bin/sh"};

TEST_F(HeadTextSearchTest, FilesAndLinesEqualGitGrep) {
  for (const std::string& query : kQueries) {
    SearchResult result = Text(query, false, false);
    EXPECT_EQ(PathsOf(result), GitGrep(query, "-l")) << "query: " << query;
    EXPECT_EQ(PathLinesOf(result), GitGrep(query, "-n")) << "query: " << query;
    EXPECT_EQ(result.total, result.hits.size()) << "query: " << query;
  }
}

TEST_F(HeadTextSearchTest, WholeWordsEqualGitGrepW) {
  for (const std::string& query : kQueries) {
    SearchResult result = Text(query, true, false);
    EXPECT_EQ(PathLinesOf(result), GitGrep(query, "-nw")) << "query: " << query;
  }
}

TEST_F(HeadTextSearchTest, IgnoringCaseEqualsGitGrepI) {
  for (const std::string& query : kQueries) {
    SearchResult result = Text(query, false, true);
    EXPECT_EQ(PathLinesOf(result), GitGrep(query, "-ni")) << "query: " << query;
  }
}

TEST_F(HeadTextSearchTest, HitsCarryColumnSnippetAndLanguage) {
  SearchResult result = Text("widget_count", false, false);
  ASSERT_FALSE(result.hits.empty());
  const SearchHit* cpp = nullptr;
  for (const SearchHit& hit : result.hits) {
    if (hit.path == "src/widget.cpp" && cpp == nullptr) {
      cpp = &hit;
    }
    EXPECT_EQ(hit.kind, "text");
    EXPECT_FALSE(hit.dirty);
    EXPECT_TRUE(hit.commit.empty());
  }
  ASSERT_NE(cpp, nullptr);
  EXPECT_EQ(cpp->line, 3u);
  EXPECT_EQ(cpp->column, 5u);
  EXPECT_EQ(cpp->snippet, "int widget_count = 0;");
  EXPECT_EQ(cpp->language, "cpp");
}

TEST_F(HeadTextSearchTest, CrlfLinesLoseTheirCarriageReturn) {
  SearchResult result = Text("WINDOWS_LINE", false, false);
  ASSERT_EQ(result.hits.size(), 1u);
  EXPECT_EQ(result.hits[0].snippet, "WINDOWS_LINE with CRLF");
}

TEST_F(HeadTextSearchTest, LimitKeepsTheTotal) {
  SearchQuery request;
  request.query = "fixture";
  request.limit = 2;
  SearchResult result = SearchOrFail(index_, request);
  EXPECT_EQ(result.hits.size(), 2u);
  EXPECT_EQ(result.total, GitGrep("fixture", "-n").size());
}

TEST_F(HeadTextSearchTest, PathAndLanguageFilters) {
  SearchQuery request;
  request.query = "fixture";
  request.limit = kMaxSearchLimit;
  request.path = "*.js";
  EXPECT_EQ(PathsOf(SearchOrFail(index_, request)),
            (std::set<std::string>{"web/app.js", "web/app_copy.js"}));
  request.path = "web/**";
  request.lang = "typescript";
  request.query = "User";
  EXPECT_EQ(PathsOf(SearchOrFail(index_, request)), (std::set<std::string>{"web/types.ts"}));
  request.path.clear();
  request.lang = "shell";
  request.query = "fixture";
  // bin/run has no extension: its #! line makes it shell.
  EXPECT_EQ(PathsOf(SearchOrFail(index_, request)),
            (std::set<std::string>{"bin/run", "scripts/build.sh"}));
}

}  // namespace
}  // namespace oxd::codedb::test
