// Indexes one commit: its record, the file versions its diff against the first parent adds and
// removes (path_blobs rows), and each blob it introduces, once per blob id: skip rules, text
// into blob_fts, symbols and comments per language. Also rebuilds head_files from a tree.
//
// Threading: one thread; the repository handle and the writer are that thread's.
#pragma once

#include <git2.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "extract/SkipRules.h"
#include "index/GitHandles.h"
#include "index/IndexWriter.h"

namespace oxd::codedb {

struct IndexCounters {
  std::uint64_t commits = 0;
  std::uint64_t blobs_new = 0;      // blob rows created (indexed + skipped)
  std::uint64_t blobs_indexed = 0;  // their text went into blob_fts
  std::uint64_t blobs_skipped = 0;
  std::uint64_t bytes_indexed = 0;
  std::uint64_t symbols = 0;
  std::uint64_t comments = 0;
  std::uint64_t extract_ns = 0;  // scanning and storing symbols and comments
};

class CommitIndexer {
 public:
  // Throws std::runtime_error when the repository's object database cannot be opened.
  CommitIndexer(git_repository* repo, IndexWriter& writer, const SkipOptions& skip);
  ~CommitIndexer();
  CommitIndexer(const CommitIndexer&) = delete;
  CommitIndexer& operator=(const CommitIndexer&) = delete;

  // Throws SqliteError or std::runtime_error (libgit2 failures).
  void IndexCommit(git_commit* commit);
  // Replaces head_files with the blobs of `tree` (nullptr: an unborn HEAD, no files).
  void RebuildHeadFiles(git_tree* tree);

  const IndexCounters& counters() const { return counters_; }

 private:
  struct FileVersion {
    std::int64_t path_id;
    std::int64_t blob_id;
    Language language;
  };
  // Finds or indexes the blob at `path`, extracting it for the path's language if that was
  // never done for this blob.
  FileVersion IndexFile(std::string_view path, const git_oid& oid);
  StoredBlob AddBlob(const git_oid& oid, std::string& text_out);
  std::string ReadBlobText(const git_oid& oid);

  git_repository* repo_;
  // Blob sizes come from object headers: a blob over the size limit is never loaded.
  OdbPtr odb_;
  IndexWriter& writer_;
  SkipOptions skip_;
  IndexCounters counters_;
};

}  // namespace oxd::codedb
