// The indexer's writes, one prepared statement each, reused across a run. Every method runs
// inside the caller's open Transaction: IndexWriter never begins or commits one.
//
// Threading: one thread, the one that owns the Database.
#pragma once

#include <git2.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "extract/Language.h"
#include "extract/SkipRules.h"
#include "index/Sqlite.h"

namespace oxd::codedb {

struct StoredBlob {
  std::int64_t id = 0;
  Language content_language = Language::kUnknown;  // by #! line alone
  bool indexed = false;                            // its text is in blob_fts
};

struct CommitRecord {
  const git_oid* oid;
  std::string parents;  // hex ids, space separated
  std::string_view author_name;
  std::string_view author_email;
  std::int64_t time;
  std::string_view message;
};

class IndexWriter {
 public:
  explicit IndexWriter(Database& db);

  bool HasCommit(const git_oid& oid);
  std::int64_t AddCommit(const CommitRecord& commit);

  std::int64_t PathId(std::string_view path);

  std::optional<StoredBlob> FindBlob(const git_oid& oid);
  // `text` is stored in blob_texts and indexed in blob_fts when skip.reason is kNone; otherwise
  // only the reason is kept.
  StoredBlob AddBlob(const git_oid& oid, std::size_t size, Language content_language,
                     const SkipDecision& skip, std::string_view text);

  bool IsExtracted(std::int64_t blob_id, Language language);
  // Extracts symbols and comments of `text` as `language` and stores them under the blob.
  // Returns how many symbols and comments were stored.
  std::pair<std::size_t, std::size_t> StoreExtraction(std::int64_t blob_id, Language language,
                                                      std::string_view text);

  // A version of a file appeared at `path_id` in `commit_id` (no-op while an open row for the
  // same path and blob exists, as after a merge of a branch that added it).
  void OpenPathRow(std::int64_t path_id, std::int64_t blob_id, Language language,
                   std::int64_t commit_id);
  // That version was changed or deleted by `commit_id`.
  void ClosePathRow(std::int64_t path_id, std::int64_t blob_id, std::int64_t commit_id);

  void ClearHeadFiles();
  void AddHeadFile(std::int64_t path_id, std::int64_t blob_id, Language language);

 private:
  Database& db_;
  Statement has_commit_;
  Statement add_commit_;
  Statement add_commit_fts_;
  Statement find_path_;
  Statement add_path_;
  Statement find_blob_;
  Statement add_blob_;
  Statement add_blob_text_;
  Statement add_blob_fts_;
  Statement is_extracted_;
  Statement mark_extracted_;
  Statement add_symbol_;
  Statement add_comment_;
  Statement add_comment_fts_;
  Statement has_open_row_;
  Statement open_row_;
  Statement close_row_;
  Statement add_head_file_;
  // Paths repeat in every commit that touches them: a cache saves the lookup.
  std::unordered_map<std::string, std::int64_t> path_ids_;
};

}  // namespace oxd::codedb
