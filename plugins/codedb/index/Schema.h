// The index database's schema and its forward migrations (README.md, "Schema", says why each
// table and index exists). The version lives in PRAGMA user_version.
#pragma once

#include "index/Sqlite.h"

namespace oxd::codedb {

// The version this build writes and reads.
inline constexpr int kSchemaVersion = 1;

// Sets the connection up (WAL, synchronous=NORMAL, foreign keys off, a larger page cache) and
// brings the schema to kSchemaVersion, each migration step in its own transaction. Throws
// SqliteError when the file holds a newer version than this build knows (a full rebuild, which
// deletes the file, is the way back).
void PrepareSchema(Database& db);

// Reads and writes the `meta` key/value table.
std::string ReadMeta(Database& db, std::string_view key);
void WriteMeta(Database& db, std::string_view key, std::string_view value);

}  // namespace oxd::codedb
