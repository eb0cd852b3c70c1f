// Skip rules in the index (binary, too large, not UTF-8: not searchable, reason recorded) and
// bad queries (empty, huge, not UTF-8, multi-line, bad limits and filters, FTS5 syntax).
#include <gtest/gtest.h>

#include "TestRepo.h"
#include "index/PathGlob.h"
#include "index/QueryText.h"
#include "index/Sqlite.h"

namespace oxd::codedb::test {
namespace {

class SkipAndQueryTest : public IndexedFixtureSuite {
 protected:
  static SearchResult Run(const std::string& text, SearchKind kind = SearchKind::kText) {
    SearchQuery query;
    query.query = text;
    query.kind = kind;
    return SearchAny(index_, query);
  }
};

TEST_F(SkipAndQueryTest, SkippedFilesKeepTheirReasonAndAreNotSearchable) {
  Database db(index_);
  Statement reasons(db,
                    "SELECT p.path, b.skip_reason, b.skip_detail FROM head_files h "
                    "JOIN paths p ON p.id = h.path_id JOIN blobs b ON b.id = h.blob_id "
                    "WHERE b.skip_reason != 0 ORDER BY p.path");
  std::vector<std::string> skipped;
  while (reasons.Step()) {
    skipped.push_back(std::string(reasons.Text(0)) + " " +
                      std::string(SkipReasonName(static_cast<SkipReason>(reasons.Int(1)))));
    EXPECT_FALSE(reasons.Text(2).empty());
  }
  EXPECT_EQ(skipped, (std::vector<std::string>{"assets/logo.bin binary", "data/large.txt too_large",
                                               "legacy/latin1.txt not_utf8"}));
  Statement in_fts(db,
                   "SELECT count(*) FROM blob_texts t JOIN blobs b ON b.id = t.id "
                   "WHERE b.skip_reason != 0");
  in_fts.Step();
  EXPECT_EQ(in_fts.Int(0), 0);
  // git grep finds them; the index does not.
  for (const char* needle : {"LARGE_FILE_NEEDLE", "LATIN1_NEEDLE", "binary_needle_inside"}) {
    EXPECT_FALSE(Git(repo_, {"grep", "-l", "-a", "-F", needle}).empty()) << needle;
    SearchResult result = Run(needle);
    EXPECT_TRUE(result.ok);
    EXPECT_TRUE(result.hits.empty()) << needle;
  }
}

TEST_F(SkipAndQueryTest, EmptyHugeAndMalformedQueriesAreRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "empty query"},
      {std::string(kMaxQueryBytes + 1, 'a'), "query is 1025 bytes; the limit is 1024"},
      {"caf\xe9", "query is not valid UTF-8"},
      {"two\nlines", "query must be one line (no line break or NUL)"},
      {std::string("nul\0byte", 8), "query must be one line (no line break or NUL)"}};
  for (SearchKind kind :
       {SearchKind::kText, SearchKind::kSymbol, SearchKind::kComment, SearchKind::kCommit}) {
    for (const auto& [text, error] : cases) {
      SearchResult result = Run(text, kind);
      EXPECT_FALSE(result.ok);
      EXPECT_EQ(result.error, error);
      EXPECT_TRUE(result.hits.empty());
    }
  }
  SearchResult longest = Run(std::string(kMaxQueryBytes, 'a'));
  EXPECT_TRUE(longest.ok) << longest.error;
  EXPECT_TRUE(longest.hits.empty());
}

TEST_F(SkipAndQueryTest, BadLimitsAndFiltersAreRefused) {
  SearchQuery query;
  query.query = "fixture";
  query.limit = 0;
  EXPECT_EQ(SearchAny(index_, query).error, "limit must be between 1 and 1000");
  query.limit = kMaxSearchLimit + 1;
  EXPECT_EQ(SearchAny(index_, query).error, "limit must be between 1 and 1000");
  query.limit = 10;
  query.path = std::string(kMaxPathGlobBytes + 1, '*');
  EXPECT_EQ(SearchAny(index_, query).error, "path filter longer than 1024 bytes");
  query.path.clear();
  query.lang = "cobol";
  EXPECT_EQ(SearchAny(index_, query).error, "unknown language \"cobol\"");
  query.lang.clear();
  query.kind = SearchKind::kCommit;
  query.path = "src/";
  EXPECT_EQ(SearchAny(index_, query).error,
            "path and lang filters do not apply to commit searches");
}

TEST_F(SkipAndQueryTest, FtsSyntaxIsReadLiterally) {
  // Each is FTS5 syntax if unquoted; none may raise an error or match as an operator.
  const std::vector<std::string> odd = {
      "\"", "\"unbalanced", "NEAR(", "NEAR(a b)",    "*",     "fix*",         "^",      "^Widget",
      "-",  "-fixture",     "AND",   "a OR b",       "NOT x", "text:fixture", "{text}", "(",
      ")",  "\"\"",         "+",     "fixture\"app", "   "};
  for (SearchKind kind :
       {SearchKind::kText, SearchKind::kSymbol, SearchKind::kComment, SearchKind::kCommit}) {
    for (const std::string& text : odd) {
      SearchResult result = Run(text, kind);
      EXPECT_TRUE(result.ok) << text << ": " << result.error;
    }
  }
  // "fix*" is not a prefix query: no comment says "fix" followed by a star.
  EXPECT_TRUE(Run("fix*", SearchKind::kComment).hits.empty());
  EXPECT_TRUE(Run("fix*", SearchKind::kText).hits.empty());
  // "a OR b" is not a disjunction: no commit message holds that phrase.
  EXPECT_TRUE(Run("Widget OR greet", SearchKind::kCommit).hits.empty());
  EXPECT_FALSE(Run("greet", SearchKind::kCommit).hits.empty());
}

TEST(QueryTextTest, FtsStringDoublesQuotes) {
  EXPECT_EQ(FtsString("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(FtsString("NEAR("), "\"NEAR(\"");
}

TEST(QueryTextTest, TrigramExpressionTakesDistinctCodePointTrigrams) {
  EXPECT_EQ(TrigramExpression("ab"), "");
  EXPECT_EQ(TrigramExpression("abc"), "\"abc\"");
  EXPECT_EQ(TrigramExpression("aaaa"), "\"aaa\"");
  EXPECT_EQ(TrigramExpression("a\"bc"), "\"a\"\"b\" AND \"\"\"bc\"");
  EXPECT_EQ(TrigramExpression("\xc3\xa9t\xc3\xa9"), "\"\xc3\xa9t\xc3\xa9\"");
  std::string expression =
      TrigramExpression("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
  std::size_t terms = 1;
  for (std::size_t at = expression.find(" AND "); at != std::string::npos;
       at = expression.find(" AND ", at + 1)) {
    ++terms;
  }
  EXPECT_EQ(terms, kMaxTrigrams);
}

}  // namespace
}  // namespace oxd::codedb::test
