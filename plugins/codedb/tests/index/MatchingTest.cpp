// The path filter's glob and the line matcher that decides text hits.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "index/LineMatcher.h"
#include "index/PathGlob.h"

namespace oxd::codedb {
namespace {

TEST(PathGlobTest, PatternWithoutSlashMatchesTheFileName) {
  EXPECT_TRUE(MatchPathGlob("*.cpp", "src/a/widget.cpp"));
  EXPECT_TRUE(MatchPathGlob("widget.?pp", "src/widget.hpp"));
  EXPECT_FALSE(MatchPathGlob("*.cpp", "src/widget.hpp"));
  EXPECT_TRUE(MatchPathGlob("", "anything"));
}

TEST(PathGlobTest, PatternWithSlashMatchesTheWholePath) {
  EXPECT_TRUE(MatchPathGlob("src/*.cpp", "src/widget.cpp"));
  EXPECT_FALSE(MatchPathGlob("src/*.cpp", "src/a/widget.cpp"));
  EXPECT_TRUE(MatchPathGlob("src/**/*.cpp", "src/a/b/widget.cpp"));
  EXPECT_TRUE(MatchPathGlob("src/**/*.cpp", "src/widget.cpp"));
  EXPECT_TRUE(MatchPathGlob("**/widget.cpp", "widget.cpp"));
  EXPECT_FALSE(MatchPathGlob("src/?", "src/"));
  EXPECT_TRUE(MatchPathGlob("src/", "src/a/b.c"));
  EXPECT_FALSE(MatchPathGlob("src/", "srcx/b.c"));
}

// Found by tests/fuzz: stars backtracked exponentially, so one `path` filter held a search for
// hours. Each case is decided within a bound of pattern length times path length.
TEST(PathGlobTest, ManyStarsAreDecidedWithoutExponentialBacktracking) {
  std::string stars;
  std::string double_stars;
  for (int i = 0; i < 40; ++i) {
    stars += "*a";
    double_stars += "**a";
  }
  std::string name(300, 'a');
  std::string path;
  for (int i = 0; i < 60; ++i) path += "aaaa/";
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(MatchPathGlob(stars + "b", name));
  EXPECT_TRUE(MatchPathGlob(stars, name));
  EXPECT_FALSE(MatchPathGlob("x/" + double_stars + "b", "x/" + path + "a"));
  EXPECT_TRUE(MatchPathGlob("x/" + double_stars, "x/" + path + "a"));
  EXPECT_FALSE(MatchPathGlob("x/" + stars + "/b", "x/" + name + "/c"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(LineMatcherTest, OneHitPerLineWithColumns) {
  LineMatcher matcher("ab", {});
  std::string text = "xxab ab\nno\r\nab\r\n";
  auto lines = matcher.FindLines(text);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].line, 1u);
  EXPECT_EQ(lines[0].column, 3u);
  EXPECT_EQ(lines[0].text, "xxab ab");
  EXPECT_EQ(lines[1].line, 3u);
  EXPECT_EQ(lines[1].column, 1u);
  EXPECT_EQ(lines[1].text, "ab");
}

TEST(LineMatcherTest, WholeWordTriesLaterOccurrences) {
  LineMatcher matcher("ab", MatchOptions{.whole_word = true});
  auto lines = matcher.FindLines("abc ab\nxab\n(ab)");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].column, 5u);
  EXPECT_EQ(lines[1].line, 3u);
}

TEST(LineMatcherTest, IgnoreCaseFoldsAscii) {
  LineMatcher matcher("WiDgEt", MatchOptions{.ignore_case = true});
  EXPECT_EQ(matcher.FindLines("a widget\nWIDGET\nwidge").size(), 2u);
}

TEST(LineMatcherTest, SnippetCutsLongLinesOnCharacterBoundaries) {
  std::string line = std::string(300, 'a') + "\xc3\xa9" + "needle" + std::string(300, 'b');
  std::string snippet = SnippetOf(line, 303, 100);
  EXPECT_LE(snippet.size(), 100u);
  EXPECT_NE(snippet.find("needle"), std::string::npos);
  EXPECT_EQ(SnippetOf("short", 1), "short");
}

}  // namespace
}  // namespace oxd::codedb
