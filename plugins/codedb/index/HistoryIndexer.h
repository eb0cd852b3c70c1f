// The history indexer: brings one repository's index database up to date with HEAD.
//
// A run walks the commits reachable from HEAD and not from the tips indexed before (parents
// first), skips commits already stored (a resumed run), indexes each commit whole in a batch
// transaction, then in a last transaction rebuilds head_files from HEAD's tree and records the
// new tips and the HEAD fingerprint. A crash or a cancel loses at most the open batch; what
// is visible is always a set of whole commits, and the next run goes on from there.
//
// One run at a time per index file (the caller serializes; SQLite's write lock would make a
// second writer wait, not corrupt). Runs on the caller's thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "extract/SkipRules.h"
#include "index/CommitIndexer.h"

namespace oxd::codedb {

struct IndexProgress {
  std::string_view stage;  // "walk", "commits", "head", "done"
  int percent = 0;         // 0..100, never decreasing within a run
  std::uint64_t commits_done = 0;
  std::uint64_t commits_total = 0;  // commits this run has to index
};

struct IndexOptions {
  bool full = false;  // delete the index file (and its WAL) first, then rebuild
  SkipOptions skip;
  // A batch commits after this many commits or this many bytes of new text, whichever first.
  std::size_t batch_commits = 500;
  std::size_t batch_bytes = 64 * 1024 * 1024;
  // Checked between commits; when set, the open batch is committed and the run stops.
  const std::atomic<bool>* cancel = nullptr;
  // Called on the indexing thread at most once per percent step and at each stage change.
  std::function<void(const IndexProgress&)> progress;
};

struct IndexReport {
  bool ok = false;
  bool cancelled = false;  // stopped by the flag: resumable, fingerprint not recorded
  std::string error;
  std::string fingerprint;  // HEAD's, after a good run: cache it for ReadHeadFingerprint
  IndexCounters counters;
  std::int64_t walk_ms = 0;
  std::int64_t commits_ms = 0;
  std::int64_t head_ms = 0;
};

IndexReport IndexHistory(const std::string& repo_path, const std::string& index_path,
                         const IndexOptions& options);

}  // namespace oxd::codedb
