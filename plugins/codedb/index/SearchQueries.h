// The search implementations behind SearchIndex::Search, one per kind. Each receives a query
// already validated (CheckQueryText, limit range, known language) and fills hits and total.
// They throw SqliteError on database failures.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "extract/Language.h"
#include "index/Search.h"
#include "index/Sqlite.h"

namespace oxd::codedb {

// HEAD's files sorted by path, as one connection last saw them: read again only when another
// connection committed a new HEAD (PRAGMA data_version, then the fingerprint in meta). Text
// searches walk it in path order, so the first `limit` hits need no join and no sort of every
// candidate (a query as common as `template` has ~10k of them in Boost).
struct HeadFile {
  std::int64_t blob_id;
  std::string path;
  Language language;
  bool searchable;  // not skipped (binary, too large…)
};

class HeadFiles {
 public:
  const std::vector<HeadFile>& Current(Database& db);

 private:
  std::int64_t data_version_ = -1;
  bool loaded_ = false;
  std::string fingerprint_;
  std::vector<HeadFile> files_;
};

struct ValidQuery {
  const SearchQuery& request;
  std::optional<Language> language;  // set when request.lang names one
  HeadFiles* head = nullptr;         // the connection's cache
};

// Empty when `query` may run; otherwise the error SearchIndex::Search returns (query text,
// path filter length, limit, language name, filters on a commit search, checked in that order).
// Sets `language` when query.lang names one. Also used by the dirty overlay's search.
std::string CheckSearchQuery(const SearchQuery& query, std::optional<Language>& language);

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
