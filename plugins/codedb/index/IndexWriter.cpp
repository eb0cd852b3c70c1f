#include "index/IndexWriter.h"

#include "extract/Extraction.h"

namespace oxd::codedb {
namespace {

constexpr std::size_t kOidBytes = GIT_OID_RAWSZ;

std::int64_t LanguageId(Language language) { return static_cast<std::int64_t>(language); }

}  // namespace

IndexWriter::IndexWriter(Database& db)
    : db_(db),
      has_commit_(db, "SELECT 1 FROM commits WHERE oid = ?"),
      add_commit_(db,
                  "INSERT INTO commits(oid, parents, author_name, author_email, time, message) "
                  "VALUES (?, ?, ?, ?, ?, ?)"),
      add_commit_fts_(db, "INSERT INTO commit_fts(rowid, message) VALUES (?, ?)"),
      find_path_(db, "SELECT id FROM paths WHERE path = ?"),
      add_path_(db, "INSERT INTO paths(path) VALUES (?)"),
      find_blob_(db, "SELECT id, content_language, skip_reason FROM blobs WHERE oid = ?"),
      add_blob_(db,
                "INSERT INTO blobs(oid, size, content_language, skip_reason, skip_detail) "
                "VALUES (?, ?, ?, ?, ?)"),
      add_blob_text_(db, "INSERT INTO blob_texts(id, text) VALUES (?, ?)"),
      add_blob_fts_(db, "INSERT INTO blob_fts(rowid, text) VALUES (?, ?)"),
      is_extracted_(db, "SELECT 1 FROM extracted WHERE blob_id = ? AND language = ?"),
      mark_extracted_(db, "INSERT INTO extracted(blob_id, language) VALUES (?, ?)"),
      add_symbol_(db,
                  "INSERT INTO symbols(blob_id, language, name, container, kind, line) "
                  "VALUES (?, ?, ?, ?, ?, ?)"),
      add_comment_(db,
                   "INSERT INTO comments(blob_id, language, kind, start_line, end_line, text) "
                   "VALUES (?, ?, ?, ?, ?, ?)"),
      add_comment_fts_(db, "INSERT INTO comment_fts(rowid, text) VALUES (?, ?)"),
      has_open_row_(db,
                    "SELECT 1 FROM path_blobs WHERE path_id = ? AND blob_id = ? "
                    "AND removed_by IS NULL"),
      open_row_(db,
                "INSERT INTO path_blobs(path_id, blob_id, language, first_commit) "
                "VALUES (?, ?, ?, ?)"),
      close_row_(db,
                 "UPDATE path_blobs SET removed_by = ? WHERE path_id = ? AND blob_id = ? "
                 "AND removed_by IS NULL"),
      add_head_file_(db, "INSERT INTO head_files(path_id, blob_id, language) VALUES (?, ?, ?)") {}

bool IndexWriter::HasCommit(const git_oid& oid) {
  has_commit_.BindBlob(1, oid.id, kOidBytes);
  bool found = has_commit_.Step();
  has_commit_.Reset();
  return found;
}

std::int64_t IndexWriter::AddCommit(const CommitRecord& commit) {
  add_commit_.BindBlob(1, commit.oid->id, kOidBytes)
      .Bind(2, commit.parents)
      .Bind(3, commit.author_name)
      .Bind(4, commit.author_email)
      .Bind(5, commit.time)
      .Bind(6, commit.message)
      .Run();
  std::int64_t id = db_.LastInsertId();
  add_commit_fts_.Bind(1, id).Bind(2, commit.message).Run();
  return id;
}

std::int64_t IndexWriter::PathId(std::string_view path) {
  std::string key(path);
  if (auto cached = path_ids_.find(key); cached != path_ids_.end()) {
    return cached->second;
  }
  std::int64_t id = 0;
  find_path_.Bind(1, path);
  if (find_path_.Step()) {
    id = find_path_.Int(0);
    find_path_.Reset();
  } else {
    find_path_.Reset();
    add_path_.Bind(1, path).Run();
    id = db_.LastInsertId();
  }
  path_ids_.emplace(std::move(key), id);
  return id;
}

std::optional<StoredBlob> IndexWriter::FindBlob(const git_oid& oid) {
  find_blob_.BindBlob(1, oid.id, kOidBytes);
  std::optional<StoredBlob> found;
  if (find_blob_.Step()) {
    found = StoredBlob{find_blob_.Int(0), static_cast<Language>(find_blob_.Int(1)),
                       find_blob_.Int(2) == 0};
  }
  find_blob_.Reset();
  return found;
}

StoredBlob IndexWriter::AddBlob(const git_oid& oid, std::size_t size, Language content_language,
                                const SkipDecision& skip, std::string_view text) {
  add_blob_.BindBlob(1, oid.id, kOidBytes)
      .Bind(2, static_cast<std::int64_t>(size))
      .Bind(3, LanguageId(content_language))
      .Bind(4, static_cast<std::int64_t>(skip.reason))
      .Bind(5, skip.detail)
      .Run();
  StoredBlob blob{db_.LastInsertId(), content_language, !skip.skip()};
  if (blob.indexed) {
    add_blob_text_.Bind(1, blob.id).Bind(2, text).Run();
    add_blob_fts_.Bind(1, blob.id).Bind(2, text).Run();
  }
  return blob;
}

bool IndexWriter::IsExtracted(std::int64_t blob_id, Language language) {
  is_extracted_.Bind(1, blob_id).Bind(2, LanguageId(language));
  bool found = is_extracted_.Step();
  is_extracted_.Reset();
  return found;
}

std::pair<std::size_t, std::size_t> IndexWriter::StoreExtraction(std::int64_t blob_id,
                                                                 Language language,
                                                                 std::string_view text) {
  mark_extracted_.Bind(1, blob_id).Bind(2, LanguageId(language)).Run();
  Extraction found = Extract(language, text);
  for (const Symbol& symbol : found.symbols) {
    add_symbol_.Bind(1, blob_id)
        .Bind(2, LanguageId(language))
        .Bind(3, symbol.name)
        .Bind(4, symbol.container)
        .Bind(5, static_cast<std::int64_t>(symbol.kind))
        .Bind(6, static_cast<std::int64_t>(symbol.line))
        .Run();
  }
  for (const Comment& comment : found.comments) {
    add_comment_.Bind(1, blob_id)
        .Bind(2, LanguageId(language))
        .Bind(3, static_cast<std::int64_t>(comment.kind))
        .Bind(4, static_cast<std::int64_t>(comment.start_line))
        .Bind(5, static_cast<std::int64_t>(comment.end_line))
        .Bind(6, comment.text)
        .Run();
    add_comment_fts_.Bind(1, db_.LastInsertId()).Bind(2, comment.text).Run();
  }
  return {found.symbols.size(), found.comments.size()};
}

void IndexWriter::OpenPathRow(std::int64_t path_id, std::int64_t blob_id, Language language,
                              std::int64_t commit_id) {
  has_open_row_.Bind(1, path_id).Bind(2, blob_id);
  bool open = has_open_row_.Step();
  has_open_row_.Reset();
  if (!open) {
    open_row_.Bind(1, path_id).Bind(2, blob_id).Bind(3, LanguageId(language)).Bind(4, commit_id);
    open_row_.Run();
  }
}

void IndexWriter::ClosePathRow(std::int64_t path_id, std::int64_t blob_id, std::int64_t commit_id) {
  close_row_.Bind(1, commit_id).Bind(2, path_id).Bind(3, blob_id).Run();
}

void IndexWriter::ClearHeadFiles() { db_.Exec("DELETE FROM head_files"); }

void IndexWriter::AddHeadFile(std::int64_t path_id, std::int64_t blob_id, Language language) {
  add_head_file_.Bind(1, path_id).Bind(2, blob_id).Bind(3, LanguageId(language)).Run();
}

}  // namespace oxd::codedb
