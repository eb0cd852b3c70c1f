#include "overlay/OverlaySnapshot.h"

#include <algorithm>
#include <chrono>

#include "index/SearchQueries.h"
#include "overlay/OverlaySearch.h"

namespace oxd::codedb {

OverlaySnapshot::OverlaySnapshot(std::vector<DirtyFile> files, std::string head)
    : files_(std::move(files)), head_(std::move(head)) {}

const DirtyFile* OverlaySnapshot::Find(std::string_view path) const {
  auto at = std::lower_bound(files_.begin(), files_.end(), path,
                             [](const DirtyFile& file, std::string_view wanted) {
                               return std::string_view(file.path) < wanted;
                             });
  return at != files_.end() && at->path == path ? &*at : nullptr;
}

SearchResult OverlaySnapshot::Search(const SearchQuery& query) const {
  auto start = std::chrono::steady_clock::now();
  SearchResult result;
  // The caller may pass the query it gives the index, `hidden` set to this snapshot's Hides:
  // applied here it would hide every dirty file from itself.
  SearchQuery own = query;
  own.hidden = nullptr;
  ValidQuery valid{own, std::nullopt};
  result.error = CheckSearchQuery(own, valid.language);
  if (!result.error.empty()) {
    return result;
  }
  switch (own.kind) {
    case SearchKind::kText:
      SearchDirtyText(files_, valid, result);
      break;
    case SearchKind::kSymbol:
      SearchDirtySymbols(files_, valid, result);
      break;
    case SearchKind::kComment:
      SearchDirtyComments(files_, valid, result);
      break;
    case SearchKind::kCommit:
      break;
  }
  for (SearchHit& hit : result.hits) {
    hit.dirty = true;
  }
  result.ok = true;
  result.took_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
          .count();
  return result;
}

}  // namespace oxd::codedb
