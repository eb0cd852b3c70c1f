// One published state of the dirty overlay: every uncommitted path of the working tree with
// its text, symbols and comments. Immutable once built; a shared_ptr<const OverlaySnapshot>
// is handed to any number of query threads, which read it without locks.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "index/Search.h"
#include "overlay/DirtyFile.h"

namespace oxd::codedb {

class OverlaySnapshot {
 public:
  // `files` must be sorted by path, one entry a path; `head` as head() says.
  OverlaySnapshot(std::vector<DirtyFile> files, std::string head);

  const std::vector<DirtyFile>& files() const { return files_; }
  // The commit id of HEAD this snapshot is against ("unborn" before the first commit): when
  // it differs from what the committed index holds, HEAD moved and a reindex is due.
  const std::string& head() const { return head_; }
  const DirtyFile* Find(std::string_view path) const;

  // True when a committed (HEAD) hit at `path` must be dropped: the working tree's version of
  // every dirty path is the overlay's (its hits come from Search; a deleted path has none).
  // That is every path here, added and untracked ones too, so a committed index that lags
  // behind HEAD never shows a second, stale version of them.
  bool Hides(std::string_view path) const { return Find(path) != nullptr; }

  // Same validation, errors and hit fields as SearchIndex::Search (index/Search.h) over the
  // searchable dirty files only: hits carry dirty = true and no commit. `history` is ignored
  // (the working tree has one version), so is `hidden`; commit searches find nothing.
  // `total` is always exact.
  SearchResult Search(const SearchQuery& query) const;

 private:
  std::vector<DirtyFile> files_;
  std::string head_;
};

using OverlaySnapshotPtr = std::shared_ptr<const OverlaySnapshot>;

}  // namespace oxd::codedb
