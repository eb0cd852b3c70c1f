#include "Schema.h"

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace oxd::whisper {

namespace {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;

// Version 1. Times are int64 nanoseconds since the Unix epoch (0 = none). Topics are joined
// with U+001F (unit separator), which a validated topic never contains: no JSON parse per row.
// scope/team_id are not columns: a store holds one scope, and entries take it from the store.
void CreateVersion1(Poco::Data::Session& session) {
  session << "CREATE TABLE whispers ("
             " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
             " id TEXT NOT NULL UNIQUE,"
             " source TEXT NOT NULL,"
             " target_agent TEXT NOT NULL DEFAULT '',"
             " author_agent TEXT NOT NULL DEFAULT '',"
             " topics TEXT NOT NULL DEFAULT '',"
             " importance INTEGER NOT NULL,"
             " content TEXT NOT NULL,"
             " created_at INTEGER NOT NULL UNIQUE,"
             " expires_at INTEGER NOT NULL DEFAULT 0)",
      now;
  // Who nudged whom and who murmured when (docs/behavior.md#nudges: history comes from the store).
  session << "CREATE INDEX whispers_by_source ON whispers(source, target_agent, created_at)", now;
  session << "CREATE INDEX whispers_by_author ON whispers(author_agent, created_at)", now;
  // One row per agent: everything with created_at <= delivered_through has been considered.
  session << "CREATE TABLE cursors ("
             " agent_id TEXT PRIMARY KEY,"
             " delivered_through INTEGER NOT NULL,"
             " updated_at INTEGER NOT NULL) WITHOUT ROWID",
      now;
  session << "CREATE TABLE relayed_murmurs ("
             " murmur_id TEXT PRIMARY KEY,"
             " relayed_at INTEGER NOT NULL) WITHOUT ROWID",
      now;
  // Agents this daemon has seen (heartbeats, whispers polls) and their nudge pause.
  session << "CREATE TABLE agents ("
             " agent_id TEXT PRIMARY KEY,"
             " first_seen INTEGER NOT NULL,"
             " last_seen INTEGER NOT NULL,"
             " murmur_paused INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID",
      now;
  session << "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID", now;
}

// Version 2: the original's entry shape (docs/protocol.md#whisperentry). One `topic` instead of a
// list (an entry keeps its first topic), the original's `type`, a murmur's principal and
// metadata (a JSON object of strings, '' = none), and three importance levels: the old
// important (2) and urgent (3) both become critical (2).
void MigrateToVersion2(Poco::Data::Session& session) {
  session << "ALTER TABLE whispers ADD COLUMN topic TEXT NOT NULL DEFAULT ''", now;
  session << "ALTER TABLE whispers ADD COLUMN type TEXT NOT NULL DEFAULT ''", now;
  session << "ALTER TABLE whispers ADD COLUMN principal_id TEXT NOT NULL DEFAULT ''", now;
  session << "ALTER TABLE whispers ADD COLUMN principal_type TEXT NOT NULL DEFAULT ''", now;
  session << "ALTER TABLE whispers ADD COLUMN metadata TEXT NOT NULL DEFAULT ''", now;
  session << "UPDATE whispers SET topic = CASE WHEN instr(topics, char(31)) > 0"
             " THEN substr(topics, 1, instr(topics, char(31)) - 1) ELSE topics END",
      now;
  session << "UPDATE whispers SET importance = 2 WHERE importance > 2", now;
  session << "UPDATE whispers SET importance = 0 WHERE importance < 0", now;
  session << "UPDATE whispers SET type = CASE source"
             " WHEN 'nudge' THEN 'time-based' WHEN 'activity' THEN 'time-based'"
             " WHEN 'murmur' THEN 'trigger' WHEN 'sync' THEN 'trigger' ELSE 'structural' END",
      now;
  session << "ALTER TABLE whispers DROP COLUMN topics", now;
}

const std::vector<std::function<void(Poco::Data::Session&)>> kMigrations{CreateVersion1,
                                                                         MigrateToVersion2};

}  // namespace

void MigrateSchema(Poco::Data::Session& session) {
  session << "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", now;
  std::vector<int> versions;
  session << "SELECT version FROM schema_version", into(versions), now;
  int version = versions.empty() ? 0 : versions.front();
  if (version > kSchemaVersion) {
    throw std::runtime_error("whisper store has schema version " + std::to_string(version) +
                             ", newer than this oxd's " + std::to_string(kSchemaVersion));
  }
  for (; version < kSchemaVersion; ++version) kMigrations[version](session);
  session << "DELETE FROM schema_version", now;
  session << "INSERT INTO schema_version (version) VALUES (?)", use(version), now;
}

}  // namespace oxd::whisper
