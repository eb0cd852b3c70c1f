// Text queries: the trigram index proposes candidate blobs (every distinct trigram of the
// query present, in any order and case), LineMatcher decides on the blob's text. Queries
// shorter than three characters cannot use the index and scan every indexed blob in scope.
#include <algorithm>
#include <optional>
#include <vector>

#include "index/LineMatcher.h"
#include "index/QueryText.h"
#include "index/SearchHits.h"
#include "index/SearchQueries.h"

namespace oxd::codedb {
namespace {

// Blob ids holding every trigram of the query, ascending; no trigrams (a query shorter than
// three characters): nullopt, every blob is a candidate.
std::optional<std::vector<std::int64_t>> TrigramCandidates(Database& db,
                                                           const std::string& trigrams) {
  if (trigrams.empty()) {
    return std::nullopt;
  }
  Statement match(db, "SELECT rowid FROM blob_fts WHERE blob_fts MATCH ?");
  match.Bind(1, trigrams);
  std::vector<std::int64_t> ids;
  while (match.Step()) {
    ids.push_back(match.Int(0));
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// HEAD's files in path order (cached by the connection), each a candidate's text read only
// while hits are still wanted or counted: the first `limit` hits cost no sort of the others.
void SearchHead(Database& db, const ValidQuery& query, const LineMatcher& matcher,
                const std::string& trigrams, SearchResult& result) {
  HeadFiles uncached;
  const std::vector<HeadFile>& files = (query.head ? *query.head : uncached).Current(db);
  std::optional<std::vector<std::int64_t>> candidates = TrigramCandidates(db, trigrams);
  BlobTextReader reader(db);
  std::size_t counted_beyond_limit = 0;  // bytes scanned only to count
  for (const HeadFile& file : files) {
    if (!file.searchable ||
        (candidates && !std::binary_search(candidates->begin(), candidates->end(), file.blob_id)) ||
        !PassesFilters(query, file.path, file.language)) {
      continue;
    }
    if (result.hits.size() >= query.request.limit &&
        counted_beyond_limit >= kTotalCountBudgetBytes) {
      result.total_exact = false;
      break;
    }
    std::string_view text = reader.Read(file.blob_id);
    if (result.hits.size() >= query.request.limit) {
      counted_beyond_limit += text.size();
    }
    for (const LineMatch& match : matcher.FindLines(text)) {
      ++result.total;
      if (result.hits.size() < query.request.limit) {
        result.hits.push_back(TextHit(file.path, file.language, match));
      }
    }
  }
}

void SearchHistory(Database& db, const ValidQuery& query, const LineMatcher& matcher,
                   const std::string& trigrams, SearchResult& result) {
  Statement blobs(db, trigrams.empty() ? "SELECT id FROM blobs WHERE skip_reason = 0"
                                       : "SELECT rowid FROM blob_fts WHERE blob_fts MATCH ?");
  if (!trigrams.empty()) {
    blobs.Bind(1, trigrams);
  }
  Statement versions(db,
                     "SELECT p.path, pb.language, c.oid, r.oid FROM path_blobs pb "
                     "JOIN paths p ON p.id = pb.path_id "
                     "JOIN commits c ON c.id = pb.first_commit "
                     "LEFT JOIN commits r ON r.id = pb.removed_by WHERE pb.blob_id = ?");
  BlobTextReader reader(db);
  while (blobs.Step()) {
    std::int64_t blob_id = blobs.Int(0);
    std::vector<SearchHit> blob_hits;  // one per version in scope, line fields filled later
    versions.Bind(1, blob_id);
    while (versions.Step()) {
      auto language = static_cast<Language>(versions.Int(1));
      if (PassesFilters(query, versions.Text(0), language)) {
        SearchHit hit;
        hit.path = std::string(versions.Text(0));
        hit.language = std::string(LanguageName(language));
        hit.commit = OidHex(versions.Blob(2));
        hit.removed_in = versions.IsNull(3) ? std::string() : OidHex(versions.Blob(3));
        blob_hits.push_back(std::move(hit));
      }
    }
    versions.Reset();
    if (blob_hits.empty()) {
      continue;
    }
    std::string_view text = reader.Read(blob_id);
    for (const LineMatch& match : matcher.FindLines(text)) {
      for (const SearchHit& version : blob_hits) {
        SearchHit hit = TextHit(version.path, Language::kUnknown, match);
        hit.language = version.language;
        hit.commit = version.commit;
        hit.removed_in = version.removed_in;
        result.hits.push_back(std::move(hit));
      }
    }
  }
  SortAndTrim(result, query.request.limit);
}

}  // namespace

void SearchText(Database& db, const ValidQuery& query, SearchResult& result) {
  const SearchQuery& request = query.request;
  LineMatcher matcher(request.query, MatchOptions{request.whole_word, request.ignore_case});
  std::string trigrams = TrigramExpression(request.query);
  if (request.history) {
    SearchHistory(db, query, matcher, trigrams, result);
  } else {
    SearchHead(db, query, matcher, trigrams, result);
  }
}

}  // namespace oxd::codedb
