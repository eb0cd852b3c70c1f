// The search implementations behind SearchIndex::Search, one per kind. Each receives a query
// already validated (CheckQueryText, limit range, known language) and fills hits and total.
// They throw SqliteError on database failures.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "extract/Language.h"
#include "index/Search.h"
#include "index/Sqlite.h"

namespace oxd::codedb {

struct ValidQuery {
  const SearchQuery& request;
  std::optional<Language> language;  // set when request.lang names one
};

void SearchText(Database& db, const ValidQuery& query, SearchResult& result);
void SearchSymbols(Database& db, const ValidQuery& query, SearchResult& result);
void SearchComments(Database& db, const ValidQuery& query, SearchResult& result);
void SearchCommits(Database& db, const ValidQuery& query, SearchResult& result);

// Shared by the implementations.
bool PassesFilters(const ValidQuery& query, std::string_view path, Language language);
// Reads the text of indexed blobs (empty when a blob has none), one statement reused. The
// view stays valid until the next Read or the reader's end: no copy of the text is made.
class BlobTextReader {
 public:
  explicit BlobTextReader(Database& db);
  std::string_view Read(std::int64_t blob_id);

 private:
  Statement read_;
};
std::string OidHex(std::string_view raw);
// Sorts by path, then line, then commit, and keeps the first `limit`.
void SortAndTrim(SearchResult& result, std::size_t limit);

}  // namespace oxd::codedb
