#include "overlay/OverlaySearch.h"

#include "index/LineMatcher.h"
#include "index/SearchHits.h"
#include "overlay/CommentPhrase.h"

namespace oxd::codedb {
namespace {

// Files in scope of the query's filters, in path order (files are sorted by path).
template <typename Visit>
void ForEachSearchable(const std::vector<DirtyFile>& files, const ValidQuery& query, Visit visit) {
  for (const DirtyFile& file : files) {
    if (file.searchable() && PassesFilters(query, file.path, file.content->language)) {
      visit(file, *file.content);
    }
  }
}

}  // namespace

void SearchDirtyText(const std::vector<DirtyFile>& files, const ValidQuery& query,
                     SearchResult& result) {
  const SearchQuery& request = query.request;
  LineMatcher matcher(request.query, MatchOptions{request.whole_word, request.ignore_case});
  ForEachSearchable(files, query, [&](const DirtyFile& file, const DirtyContent& content) {
    for (const LineMatch& match : matcher.FindLines(content.text)) {
      ++result.total;
      if (result.hits.size() < request.limit) {
        result.hits.push_back(TextHit(file.path, content.language, match));
      }
    }
  });
}

void SearchDirtySymbols(const std::vector<DirtyFile>& files, const ValidQuery& query,
                        SearchResult& result) {
  SymbolQuery symbol = SymbolQuery::Parse(query.request);
  ForEachSearchable(files, query, [&](const DirtyFile& file, const DirtyContent& content) {
    for (const Symbol& found : content.extraction.symbols) {
      if (!symbol.Matches(found.name, found.container)) {
        continue;
      }
      SearchHit hit;
      hit.path = file.path;
      hit.line = found.line;
      hit.kind = "symbol";
      hit.symbol = std::string(found.name);
      hit.container = std::string(found.container);
      hit.symbol_kind = std::string(SymbolKindName(found.kind));
      hit.language = std::string(LanguageName(content.language));
      FillSymbolPosition(content.text, hit);
      result.hits.push_back(std::move(hit));
    }
  });
  // Symbols come by line within a file, but the index orders equal lines by path and line
  // only: sort the same way, stable for ties.
  SortAndTrim(result, query.request.limit);
}

void SearchDirtyComments(const std::vector<DirtyFile>& files, const ValidQuery& query,
                         SearchResult& result) {
  CommentPhrase phrase(query.request.query);
  if (phrase.tokens().empty()) {
    return;
  }
  ForEachSearchable(files, query, [&](const DirtyFile& file, const DirtyContent& content) {
    for (const Comment& comment : content.extraction.comments) {
      if (!phrase.MatchesIn(comment.text)) {
        continue;
      }
      SearchHit hit;
      hit.path = file.path;
      hit.line = comment.start_line;
      hit.kind = "comment";
      hit.symbol_kind = std::string(CommentKindName(comment.kind));
      hit.language = std::string(LanguageName(content.language));
      hit.snippet = CommentSnippet(comment.text);
      result.hits.push_back(std::move(hit));
    }
  });
  SortAndTrim(result, query.request.limit);
}

}  // namespace oxd::codedb
