// A project search: the committed index, minus the files the working tree changed, plus the
// dirty overlay's hits (dirty = true), in one order (path, then line) and one limit.
#pragma once

#include "index/Search.h"
#include "overlay/OverlaySnapshot.h"

namespace oxd::codedb {

class IndexStore;

// `overlay` may be null (no overlay): then this is the committed search alone.
SearchResult MergedSearch(IndexStore& committed, const OverlaySnapshot* overlay, SearchQuery query);

}  // namespace oxd::codedb
