// One indexed repository as the daemon holds it: the index file, a pool of read connections
// for searches, and the figures of the last run, cached so status never touches the file.
//
// Writers: one run at a time (IndexRuns serializes them). An incremental run writes the live
// file (WAL: searches keep answering from the last committed batch). A full run builds a new
// file beside it and swaps it in, so searches answer from the old index until the new one is
// whole, and a crash in between leaves the old one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "index/HistoryIndexer.h"
#include "index/Search.h"

namespace oxd::codedb {

struct IndexTarget {
  std::string name;             // "project", "ledger", or a remote's URL
  std::filesystem::path repo;   // the repository (working tree or checkout)
  std::filesystem::path index;  // its database file
};

// What code_status shows of one index.
struct IndexFigures {
  bool exists = false;
  IndexStats stats;        // totals in the file after the last good run (or a cold read)
  std::string last_error;  // of the last run, "" when it went well
  std::int64_t last_run_ms = 0;
};

class IndexStore {
 public:
  explicit IndexStore(IndexTarget target);
  const IndexTarget& target() const { return target_; }

  // Brings the index up to date (or rebuilds it: options.full). On the caller's thread.
  IndexReport Update(IndexOptions options);
  // On a pooled connection; many threads at once. "no index yet" when there is none.
  SearchResult Search(const SearchQuery& query);
  // Cached; the first call with nothing cached reads the file (a cold start: it counts rows,
  // milliseconds to a second on a large index — not for the IPC thread).
  IndexFigures Figures();
  // What is cached, nullopt before the first run or cold read: never touches the file.
  std::optional<IndexFigures> CachedFigures() const;
  // The HEAD fingerprint of the last good run, "" when none yet (so the first check runs).
  std::string Fingerprint() const;

 private:
  std::filesystem::path RebuildPath() const;
  void SwapIn(const std::filesystem::path& rebuilt);
  IndexFigures ReadFigures() const;

  const IndexTarget target_;
  // Searches hold it shared while they use a connection; a swap holds it exclusively to close
  // every connection before the file under them is replaced.
  std::shared_mutex swap_mutex_;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<SearchIndex>> pool_;
  mutable std::mutex figures_mutex_;
  std::optional<IndexFigures> figures_;
  std::string fingerprint_;
};

}  // namespace oxd::codedb
