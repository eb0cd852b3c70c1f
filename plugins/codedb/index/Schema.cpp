#include "index/Schema.h"

#include <iterator>
#include <string>

namespace oxd::codedb {
namespace {

// Version 1. Object ids are stored as 20-byte blobs (half the size of hex, and the unique
// index on them is what every "already indexed?" lookup hits). Languages, symbol kinds, comment
// kinds and skip reasons are stored as the small integers of their enums; their stable names
// are part of the extract library's contract, so the integers only need to stay in enum order.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE commits(
  id INTEGER PRIMARY KEY,
  oid BLOB NOT NULL UNIQUE,
  parents TEXT NOT NULL,          -- parent ids in hex, space separated, first parent first
  author_name TEXT NOT NULL,
  author_email TEXT NOT NULL,
  time INTEGER NOT NULL,          -- author time, seconds since the epoch
  message TEXT NOT NULL);
CREATE VIRTUAL TABLE commit_fts USING fts5(
  message, content='commits', content_rowid='id', tokenize='unicode61');

CREATE TABLE paths(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);

CREATE TABLE blobs(
  id INTEGER PRIMARY KEY,
  oid BLOB NOT NULL UNIQUE,
  size INTEGER NOT NULL,
  content_language INTEGER NOT NULL,  -- language by the #! line alone (for extensionless paths)
  skip_reason INTEGER NOT NULL,       -- 0: text is in blob_fts
  skip_detail TEXT NOT NULL);
CREATE TABLE blob_texts(id INTEGER PRIMARY KEY, text TEXT NOT NULL);  -- id = blobs.id
CREATE VIRTUAL TABLE blob_fts USING fts5(
  text, content='blob_texts', content_rowid='id', tokenize='trigram', detail=none);

CREATE TABLE path_blobs(
  path_id INTEGER NOT NULL,
  blob_id INTEGER NOT NULL,
  language INTEGER NOT NULL,
  first_commit INTEGER NOT NULL,      -- the commit whose diff added this version at this path
  removed_by INTEGER);                -- the commit whose diff changed or deleted it; NULL: alive
CREATE INDEX path_blobs_by_blob ON path_blobs(blob_id);
CREATE INDEX path_blobs_open ON path_blobs(path_id, blob_id) WHERE removed_by IS NULL;

CREATE TABLE head_files(
  path_id INTEGER PRIMARY KEY,
  blob_id INTEGER NOT NULL,
  language INTEGER NOT NULL);
CREATE INDEX head_files_by_blob ON head_files(blob_id);

CREATE TABLE extracted(
  blob_id INTEGER NOT NULL, language INTEGER NOT NULL,
  PRIMARY KEY(blob_id, language)) WITHOUT ROWID;
CREATE TABLE symbols(
  blob_id INTEGER NOT NULL,
  language INTEGER NOT NULL,
  name TEXT NOT NULL,
  container TEXT NOT NULL,
  kind INTEGER NOT NULL,
  line INTEGER NOT NULL);
CREATE INDEX symbols_by_name ON symbols(name COLLATE NOCASE);
CREATE TABLE comments(
  id INTEGER PRIMARY KEY,
  blob_id INTEGER NOT NULL,
  language INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  start_line INTEGER NOT NULL,
  end_line INTEGER NOT NULL,
  text TEXT NOT NULL);
CREATE VIRTUAL TABLE comment_fts USING fts5(
  text, content='comments', content_rowid='id', tokenize='unicode61');

CREATE TABLE tips(oid BLOB PRIMARY KEY) WITHOUT ROWID;
)sql";

// Migration i brings user_version from i to i + 1.
constexpr std::string_view kMigrations[] = {kVersion1};
static_assert(std::size(kMigrations) == kSchemaVersion);

int UserVersion(Database& db) {
  Statement query(db, "PRAGMA user_version");
  query.Step();
  return static_cast<int>(query.Int(0));
}

}  // namespace

void PrepareSchema(Database& db) {
  db.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768;");
  int version = UserVersion(db);
  if (version > kSchemaVersion) {
    throw SqliteError("index schema version " + std::to_string(version) +
                      " is newer than this build's " + std::to_string(kSchemaVersion) +
                      "; run a full index");
  }
  for (; version < kSchemaVersion; ++version) {
    Transaction transaction(db);
    db.Exec(kMigrations[version]);
    db.Exec("PRAGMA user_version=" + std::to_string(version + 1));
    transaction.Commit();
  }
}

std::string ReadMeta(Database& db, std::string_view key) {
  Statement query(db, "SELECT value FROM meta WHERE key = ?");
  query.Bind(1, key);
  return query.Step() ? std::string(query.Text(0)) : std::string();
}

void WriteMeta(Database& db, std::string_view key, std::string_view value) {
  Statement write(db, "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)");
  write.Bind(1, key).Bind(2, value).Run();
}

}  // namespace oxd::codedb
