#include "MergedSearch.h"

#include <algorithm>
#include <chrono>

#include "IndexStore.h"

namespace oxd::codedb {

SearchResult MergedSearch(IndexStore& committed, const OverlaySnapshot* overlay,
                          SearchQuery query) {
  // Commit messages have no working-tree version.
  if (!overlay || query.kind == SearchKind::kCommit) return committed.Search(query);
  auto started = std::chrono::steady_clock::now();
  query.hidden = [overlay](std::string_view path) { return overlay->Hides(path); };
  SearchResult result = committed.Search(query);
  if (!result.ok) return result;
  SearchResult dirty = overlay->Search(query);
  if (!dirty.ok) return dirty;
  if (!dirty.hits.empty()) {
    result.total += dirty.total;
    result.total_exact = result.total_exact && dirty.total_exact;
    for (SearchHit& hit : dirty.hits) result.hits.push_back(std::move(hit));
    // History hits keep their order within a path (newest commit first); a dirty hit is newer
    // than any of them and sorts first among equal path and line.
    std::stable_sort(result.hits.begin(), result.hits.end(),
                     [](const SearchHit& a, const SearchHit& b) {
                       if (a.path != b.path) return a.path < b.path;
                       if (a.line != b.line) return a.line < b.line;
                       return a.dirty && !b.dirty;
                     });
    if (result.hits.size() > query.limit) result.hits.resize(query.limit);
  }
  result.took_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::steady_clock::now() - started)
                       .count();
  return result;
}

}  // namespace oxd::codedb
