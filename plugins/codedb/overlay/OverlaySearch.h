// The searches behind OverlaySnapshot::Search, one per kind, over the dirty files in memory.
// Each receives a query already validated (CheckSearchQuery) and fills hits (sorted by path,
// then line, at most `limit`) and total. Pure functions of their arguments.
#pragma once

#include <vector>

#include "index/SearchQueries.h"
#include "overlay/DirtyFile.h"

namespace oxd::codedb {

void SearchDirtyText(const std::vector<DirtyFile>& files, const ValidQuery& query,
                     SearchResult& result);
void SearchDirtySymbols(const std::vector<DirtyFile>& files, const ValidQuery& query,
                        SearchResult& result);
void SearchDirtyComments(const std::vector<DirtyFile>& files, const ValidQuery& query,
                         SearchResult& result);

}  // namespace oxd::codedb
