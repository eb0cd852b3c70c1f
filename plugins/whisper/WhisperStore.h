// One whisper database (SQLite through Poco::Data): the ledger scope's or one team context's.
// WAL with synchronous=FULL, so an append that returned survives a power cut; a cursor advance
// survives any crash of the process and is made power-cut proof by the next append (Deliver).
// busy_timeout 5 s. Thread-safe: one connection, every method under one mutex (SQLite
// connections are not shared between threads). The statements of the request paths (appends,
// deliveries, pages) are prepared once per connection (CachedStatement.h).
//
// Delivery model: each agent has one cursor a store, `delivered_through` (a created_at). An
// entry is pending for an agent when it is newer than the cursor, meant for it (no target, or
// the agent is the target), not its own (author ≠ agent) and not expired. Deliver() reads the
// pending entries and says where the cursor goes; Advance() moves it there once the entries have
// reached the agent (StoreSet serialises an agent's deliveries, docs/reliability.md). created_at
// values are unique and increase with every append (the caller's clock, see StoreSet), which is
// what makes a time a sound cursor.
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "CachedStatement.h"
#include "WalCheckpointer.h"
#include "WhisperEntry.h"

namespace oxd::whisper {

struct TransactionStatements;

// The file is not a usable SQLite database (or integrity_check failed): move it aside.
class StoreCorrupt : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Whether an error from a store says its file can no longer be trusted: StoreCorrupt, or
// SQLite's "malformed" / "not a database" (Poco's what() is only a class name: its
// displayText() is read).
bool IsCorruption(const std::exception& error);

struct StoreIdentity {
  std::string scope;    // kLedgerScope or kTeamScope
  std::string team_id;  // team scope only
  std::filesystem::path path;
  std::string name() const { return scope == kTeamScope ? "team " + team_id : scope; }
};

// Hands out created_at values: called once per new entry, under the store's lock.
using CreatedAtClock = std::function<Nanos()>;

struct DeliveryResult {
  std::vector<WhisperEntry> entries;  // pending entries that passed the filter
  std::size_t considered = 0;         // pending entries, filtered out ones included
  std::optional<Nanos> advance_to;    // the cursor once these are delivered; none: stays
};

struct MaintenanceReport {
  std::int64_t pruned = 0;       // entries removed by retention, expiry and the byte cap
  std::int64_t size_before = 0;  // bytes of the database and its WAL
  std::int64_t size_after = 0;
  bool vacuumed = false;
  std::string integrity = "ok";  // "ok", else SQLite's first complaint
};

class WhisperStore {
 public:
  // Opens (creating the file and its directory) and migrates. Throws StoreCorrupt when the file
  // is not a database or fails quick_check; other failures (permissions, disk) as they come.
  static std::unique_ptr<WhisperStore> Open(StoreIdentity identity);
  ~WhisperStore();
  WhisperStore(const WhisperStore&) = delete;
  WhisperStore& operator=(const WhisperStore&) = delete;

  const StoreIdentity& identity() const { return identity_; }

  // Appends in one transaction; fills each entry's created_at (from `clock`), scope and team
  // id. `relayed_murmur_ids` are recorded as relayed in the same transaction.
  void Append(std::vector<WhisperEntry>& entries, const CreatedAtClock& clock,
              const std::vector<std::string>& relayed_murmur_ids = {});
  // A cursor that does not exist yet starts at `new_agent_floor`. Reads only.
  DeliveryResult Deliver(const std::string& agent_id, const DeliveryFilter& filter, Nanos now,
                         Nanos new_agent_floor);
  // Moves the agent's cursor to `through` (never back), after the entries reached the agent.
  void Advance(const std::string& agent_id, Nanos through, Nanos now);
  // Up to `limit` entries with created_at < before (0: no bound), newest first; agent "" = all.
  std::vector<WhisperEntry> Page(const std::string& agent_id, Nanos before, int limit);
  std::optional<Nanos> Cursor(const std::string& agent_id);
  std::vector<std::string> AgentsWithCursors();

  bool IsRelayed(const std::string& murmur_id);
  Nanos NewestCreatedAt();
  std::int64_t EntryCount();
  std::int64_t FileBytes() const;  // database + WAL on disk
  // Kept in memory (counted at open, after each write and after maintenance) for `status`,
  // which must not wait behind a long SQLite operation.
  std::int64_t CachedEntryCount() const;
  std::set<std::string> CachedAgentsWithCursors() const;

  // Newest created_at of an entry from `source` targeted at `agent_id` (nudges), or authored by
  // it (murmurs); 0 when none.
  Nanos LastTargeted(const std::string& source, const std::string& agent_id);
  Nanos LastAuthored(const std::string& source, const std::string& agent_id);

  // Agents and settings (kept in the ledger store).
  void NoteAgent(const std::string& agent_id, Nanos seen);
  std::map<std::string, Nanos> AgentsFirstSeen();
  bool KnowsAgent(const std::string& agent_id);
  void SetMurmurPaused(const std::string& agent_id, bool paused, Nanos now);
  std::set<std::string> MurmurPausedAgents();
  std::optional<std::string> Meta(const std::string& key);
  void SetMeta(const std::string& key, const std::string& value);

  // Retention (entries and cursors older than `entry_cutoff`, expired entries, relay marks older
  // than `relay_cutoff`), then the byte cap (oldest entries first), integrity_check and, when a
  // quarter of the file is free pages, VACUUM. max_bytes <= 0: no cap.
  MaintenanceReport Maintain(Nanos now, Nanos entry_cutoff, Nanos relay_cutoff,
                             std::int64_t max_bytes);
  std::string IntegrityCheck();  // "ok" or the problems

 private:
  struct RequestStatements;  // WhisperStore.cpp

  WhisperStore(StoreIdentity identity, std::unique_ptr<Poco::Data::Session> session);
  WhisperEntry ReadEntry(const CachedStatement::Run& row) const;
  std::int64_t UsedBytes();
  std::int64_t EnforceMaxBytes(std::int64_t max_bytes);
  void RefreshCache();  // REQUIRES: mutex_ held
  void TruncateWal();   // REQUIRES: mutex_ held

  const StoreIdentity identity_;
  std::mutex mutex_;
  // Declared before the session: it outlives every commit whose WAL hook can wake it.
  std::unique_ptr<WalCheckpointer> checkpointer_;
  std::unique_ptr<Poco::Data::Session> session_;  // GUARDED_BY(mutex_)
  // Prepared on session_; finalized before it closes.
  std::unique_ptr<TransactionStatements> transactions_;  // GUARDED_BY(mutex_)
  std::unique_ptr<RequestStatements> requests_;          // GUARDED_BY(mutex_)
  mutable std::mutex cache_mutex_;
  std::int64_t cached_entries_ = 0;             // GUARDED_BY(cache_mutex_)
  std::set<std::string> cached_cursor_agents_;  // GUARDED_BY(cache_mutex_)
};

}  // namespace oxd::whisper
