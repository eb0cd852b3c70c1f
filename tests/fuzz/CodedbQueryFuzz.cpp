// libFuzzer target: codedb's query handling — a `code_search` query as SearchIndex::Search
// checks it (CheckSearchQuery: text, limit, language, filters), turns it into FTS5 text
// (FtsString, TrigramExpression) and runs it against a real index file (the plugin's schema,
// SQLite's FTS5), the path glob (MatchPathGlob) and the line matcher that decides each hit
// (LineMatcher, SnippetOf).
//
// Input: one flag byte (bits 0-1 the kind, 2 word, 3 ignore_case, 4 history), then lines:
// the query, the path glob, the language, a file path, and the rest is a file's text the query
// is matched in. Invariant: user text never reaches FTS5 as query syntax, so a query
// CheckSearchQuery accepts always runs (a search error or an FTS5 syntax error is a finding);
// a crash, a leak or a sanitizer report is a finding.
//
// Build and run: tests/fuzz/run.sh (tests/fuzz/README.md).

#include "extract/Language.h"
#include "index/LineMatcher.h"
#include "index/PathGlob.h"
#include "index/QueryText.h"
#include "index/Schema.h"
#include "index/Search.h"
#include "index/SearchQueries.h"
#include "index/Sqlite.h"

#include <unistd.h>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace {

using namespace oxd::codedb;
namespace fs = std::filesystem;

struct Index {
  fs::path dir;
  std::unique_ptr<SearchIndex> search;
  std::unique_ptr<Database> db;
};

Index& index() {
  static Index* instance = nullptr;
  if (!instance) {
    instance = new Index;
    // Under $TMPDIR: run.sh points it at a dir it removes (libFuzzer ends without atexit).
    std::string pattern = (fs::temp_directory_path() / "oxd-fuzz-codedb-XXXXXX").string();
    if (!mkdtemp(pattern.data())) std::abort();
    instance->dir = pattern.c_str();
    std::string path = (instance->dir / "index.sqlite").string();
    instance->db = std::make_unique<Database>(path);
    PrepareSchema(*instance->db);
    std::string error;
    instance->search = SearchIndex::Open(path, error);
    if (!instance->search) {
      std::fprintf(stderr, "cannot open the index: %s\n", error.c_str());
      std::abort();
    }
    std::atexit([] {
      std::error_code ignored;
      fs::remove_all(instance->dir, ignored);
    });
  }
  return *instance;
}

[[noreturn]] void finding(const std::string& what, std::string_view query) {
  std::fprintf(stderr, "%s (query %zu bytes)\n", what.c_str(), query.size());
  std::abort();
}

std::string_view nextLine(std::string_view& rest) {
  auto newline = rest.find('\n');
  std::string_view line = rest.substr(0, newline);
  rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  return line;
}

// The FTS5 text the searches bind must parse as a MATCH expression whatever the user typed.
void runMatch(Database& db, const char* table, const std::string& expression,
              std::string_view query) {
  if (expression.empty()) return;
  try {
    Statement match(
        db, std::string("SELECT rowid FROM ") + table + " WHERE " + table + " MATCH ? LIMIT 1");
    match.Bind(1, expression);
    while (match.Step()) {
    }
  } catch (const SqliteError& error) {
    finding(std::string("FTS5 refused the expression for ") + table + ": " + error.what(), query);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::uint8_t flags = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  SearchQuery query;
  query.query = std::string(nextLine(rest));
  query.path = std::string(nextLine(rest));
  query.lang = std::string(nextLine(rest));
  std::string_view file_path = nextLine(rest);
  std::string_view text = rest;
  query.kind = static_cast<SearchKind>(flags & 3);
  query.whole_word = flags & 4;
  query.ignore_case = flags & 8;
  query.history = flags & 16;

  std::optional<Language> language;
  bool accepted = CheckSearchQuery(query, language).empty();
  bool text_ok = CheckQueryText(query.query).empty();

  Index& state = index();
  SearchResult result = state.search->Search(query);
  if (accepted && !result.ok) finding("an accepted query failed: " + result.error, query.query);
  if (!accepted && result.ok) finding("a refused query ran", query.query);
  if (text_ok) {
    runMatch(*state.db, "blob_fts", TrigramExpression(query.query), query.query);
    runMatch(*state.db, "comment_fts", FtsString(query.query), query.query);
    runMatch(*state.db, "commit_fts", FtsString(query.query), query.query);
  }

  MatchPathGlob(query.path, file_path);
  DetectLanguage(file_path, text);
  if (!query.query.empty()) {
    LineMatcher matcher(query.query, {query.whole_word, query.ignore_case});
    for (const LineMatch& match : matcher.FindLines(text)) {
      if (match.column == 0 || match.column > match.text.size() + 1)
        finding("match column outside its line", query.query);
      if (match.text.data() < text.data() ||
          match.text.data() + match.text.size() > text.data() + text.size())
        finding("match line outside the text", query.query);
      SnippetOf(match.text, match.column);
      SnippetOf(match.text, match.column, 8);
    }
  }
  return 0;
}
