// Symbol, comment and commit-message queries. Symbols are looked up by exact name through the
// NOCASE index; comments and commit messages through unicode61 FTS5 tables, the query being
// one quoted FTS5 phrase (QueryText.h), so its words must appear in that order.
#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

#include "extract/Extraction.h"
#include "index/LineMatcher.h"
#include "index/QueryText.h"
#include "index/SearchHits.h"
#include "index/SearchQueries.h"

namespace oxd::codedb {
namespace {

// The part of a file joined to a symbol or comment row: HEAD's files, or every version.
std::string VersionJoin(bool history, std::string_view table) {
  std::string t(table);
  if (!history) {
    return " JOIN head_files h ON h.blob_id = " + t + ".blob_id AND h.language = " + t +
           ".language JOIN paths p ON p.id = h.path_id ";
  }
  return " JOIN path_blobs h ON h.blob_id = " + t + ".blob_id AND h.language = " + t +
         ".language JOIN paths p ON p.id = h.path_id "
         "JOIN commits fc ON fc.id = h.first_commit "
         "LEFT JOIN commits rc ON rc.id = h.removed_by ";
}

std::string VersionColumns(bool history) { return history ? ", fc.oid, rc.oid" : ", NULL, NULL"; }

void FillVersion(const Statement& row, int first_column, SearchHit& hit) {
  if (!row.IsNull(first_column)) {
    hit.commit = OidHex(row.Blob(first_column));
  }
  if (!row.IsNull(first_column + 1)) {
    hit.removed_in = OidHex(row.Blob(first_column + 1));
  }
}

}  // namespace

void SearchSymbols(Database& db, const ValidQuery& query, SearchResult& result) {
  const SearchQuery& request = query.request;
  // "Widget::resize" and "Widget.resize" name a container too.
  SymbolQuery symbol = SymbolQuery::Parse(request);
  Statement select(db,
                   "SELECT p.path, s.line, s.name, s.container, s.kind, s.blob_id, "
                   "s.language" +
                       VersionColumns(request.history) + " FROM symbols s" +
                       VersionJoin(request.history, "s") + "WHERE s.name = ? COLLATE NOCASE");
  select.Bind(1, symbol.name);
  struct Found {
    SearchHit hit;
    std::int64_t blob_id;
  };
  std::vector<Found> found;
  while (select.Step()) {
    std::string_view found_name = select.Text(2);
    std::string_view found_container = select.Text(3);
    auto language = static_cast<Language>(select.Int(6));
    if (!symbol.Matches(found_name, found_container) ||
        !PassesFilters(query, select.Text(0), language)) {
      continue;
    }
    SearchHit hit;
    hit.path = std::string(select.Text(0));
    hit.line = static_cast<std::uint32_t>(select.Int(1));
    hit.kind = "symbol";
    hit.symbol = std::string(found_name);
    hit.container = std::string(found_container);
    hit.symbol_kind = std::string(SymbolKindName(static_cast<SymbolKind>(select.Int(4))));
    hit.language = std::string(LanguageName(language));
    FillVersion(select, 7, hit);
    found.push_back(Found{std::move(hit), select.Int(5)});
  }
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return std::tie(a.hit.path, a.hit.line, a.hit.commit) <
           std::tie(b.hit.path, b.hit.line, b.hit.commit);
  });
  result.total = found.size();
  found.resize(std::min(found.size(), request.limit));
  // Only the hits returned pay for reading their file's text.
  BlobTextReader reader(db);
  std::map<std::int64_t, std::string> texts;
  for (Found& entry : found) {
    auto [text, inserted] = texts.try_emplace(entry.blob_id);
    if (inserted) {
      text->second = std::string(reader.Read(entry.blob_id));
    }
    SearchHit& hit = entry.hit;
    FillSymbolPosition(text->second, hit);
    result.hits.push_back(std::move(hit));
  }
}

void SearchComments(Database& db, const ValidQuery& query, SearchResult& result) {
  const SearchQuery& request = query.request;
  Statement select(db, "SELECT p.path, c.start_line, c.text, c.language, c.kind" +
                           VersionColumns(request.history) +
                           " FROM comment_fts f JOIN comments c ON c.id = f.rowid" +
                           VersionJoin(request.history, "c") + "WHERE comment_fts MATCH ?");
  select.Bind(1, FtsString(request.query));
  while (select.Step()) {
    auto language = static_cast<Language>(select.Int(3));
    if (!PassesFilters(query, select.Text(0), language)) {
      continue;
    }
    SearchHit hit;
    hit.path = std::string(select.Text(0));
    hit.line = static_cast<std::uint32_t>(select.Int(1));
    hit.kind = "comment";
    hit.symbol_kind = std::string(CommentKindName(static_cast<CommentKind>(select.Int(4))));
    hit.language = std::string(LanguageName(language));
    hit.snippet = CommentSnippet(select.Text(2));
    FillVersion(select, 5, hit);
    result.hits.push_back(std::move(hit));
  }
  SortAndTrim(result, request.limit);
}

void SearchCommits(Database& db, const ValidQuery& query, SearchResult& result) {
  Statement select(db,
                   "SELECT c.oid, c.message FROM commit_fts f JOIN commits c ON c.id = f.rowid "
                   "WHERE commit_fts MATCH ? ORDER BY c.time DESC, c.id DESC");
  select.Bind(1, FtsString(query.request.query));
  while (select.Step()) {
    ++result.total;
    if (result.hits.size() >= query.request.limit) {
      continue;
    }
    SearchHit hit;
    hit.kind = "commit";
    hit.commit = OidHex(select.Blob(0));
    std::string_view message = select.Text(1);
    hit.snippet = SnippetOf(message.substr(0, message.find('\n')), 1);
    result.hits.push_back(std::move(hit));
  }
}

}  // namespace oxd::codedb
