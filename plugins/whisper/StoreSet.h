// The whisper registry (docs/behavior.md#whisper-delivery): the ledger store and one store per team
// context, all under <workspace data dir>/whispers/ — outside every git checkout, so a ledger GC
// swap (which replaces the checkout directory) never touches them and nothing needs reopening after
// it.
//
// Owns the created_at clock: every entry of every store gets a created_at that is unique and
// larger than any before it (max(now, previous + 1 ns), seeded from the stores at open), so a
// time is a sound delivery cursor and `before` pages have no gaps even when the wall clock
// steps back.
//
// Thread-safe. A store found corrupt (at open or by Maintain) is moved aside
// (<file>.corrupt-<unix>, with its -wal/-shm) and recreated empty; `on_corrupt` is told so the
// plugin can raise an issue. The daemon keeps serving throughout.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "WhisperStore.h"

namespace oxd::whisper {

struct HistoryPage {
  std::vector<WhisperEntry> entries;
  bool has_more = false;
};

class StoreSet {
 public:
  using CorruptionHandler =
      std::function<void(const StoreIdentity& store, const std::string& problem,
                         const std::filesystem::path& moved_to)>;

  // Opens (healing) the ledger store, one store per team id given, and every team store a
  // previous run created on demand (its team id is kept in its meta table). Throws when a store
  // can neither be opened nor recreated (permissions, disk).
  StoreSet(std::filesystem::path directory, const std::vector<std::string>& team_ids,
           CorruptionHandler on_corrupt);

  static std::filesystem::path StorePath(const std::filesystem::path& directory,
                                         const std::string& scope, const std::string& team_id);

  std::shared_ptr<WhisperStore> Ledger() const;
  std::shared_ptr<WhisperStore> Team(const std::string& team_id) const;  // null: no such team
  // The team's store, created on first use (docs/behavior.md#whisper): a team context the sync
  // plugin pulls although the project file does not list it (one a heartbeat named).
  std::shared_ptr<WhisperStore> TeamOrCreate(const std::string& team_id);
  std::vector<std::shared_ptr<WhisperStore>> All() const;  // ledger first, teams by id

  Nanos NextCreatedAt();

  // What one `whispers` poll hands an agent, merged across stores in delivery order
  // (WhisperEntry.h). The cursors move only with Commit(), once the reply has reached the agent;
  // dropped uncommitted, the entries are handed out again by the agent's next poll. While it
  // lives, the agent's next Deliver waits (one delivery an agent at a time), so no entry is
  // handed out twice by concurrent polls.
  class Delivery {
   public:
    ~Delivery();
    Delivery(const Delivery&) = delete;
    Delivery& operator=(const Delivery&) = delete;
    const std::vector<WhisperEntry>& entries() const { return entries_; }
    void Commit(Nanos now);  // moves every store's cursor; throws on a store error

   private:
    friend class StoreSet;
    Delivery(StoreSet& set, std::string agent_id) : set_(set), agent_id_(std::move(agent_id)) {}
    StoreSet& set_;
    const std::string agent_id_;
    std::vector<WhisperEntry> entries_;
    std::vector<std::pair<std::shared_ptr<WhisperStore>, Nanos>> advances_;
  };
  // Waits (at most `wait`) until no delivery to `agent_id` is in flight: a client that has read
  // a `whispers` reply may ask before its cursor moved, and must see those entries delivered.
  void AwaitDelivery(const std::string& agent_id, std::chrono::milliseconds wait);
  // Waits up to `wait` for a delivery to the same agent still in flight; throws
  // std::runtime_error when it does not end by then.
  std::unique_ptr<Delivery> Deliver(const std::string& agent_id, const DeliveryFilter& filter,
                                    Nanos now, Nanos new_agent_floor,
                                    std::chrono::milliseconds wait = std::chrono::seconds(10));
  HistoryPage Page(const std::string& agent_id, Nanos before, int limit);
  // The earliest of the agent's cursors (docs/protocol.md#whisper_history: the display uses the
  // earliest), if any.
  std::optional<Nanos> EarliestCursor(const std::string& agent_id);

  // Runs Maintain on every store, one after the other; a store that fails integrity_check (or
  // turns out not to be a database) is healed. One store's failure never stops the others.
  struct StoreReport {
    StoreIdentity store;
    MaintenanceReport report;
    bool healed = false;
    std::string error;  // a failure other than corruption
  };
  std::vector<StoreReport> MaintainAll(Nanos now, Nanos entry_cutoff, Nanos relay_cutoff,
                                       std::int64_t max_bytes_per_store);

 private:
  std::shared_ptr<WhisperStore> OpenHealing(const StoreIdentity& identity);
  std::shared_ptr<WhisperStore> OpenTeam(const std::string& team_id);  // records its id in meta
  void OpenTeamsCreatedOnDemand();
  std::shared_ptr<WhisperStore> Heal(const StoreIdentity& identity, const std::string& problem);

  const std::filesystem::path directory_;
  CorruptionHandler on_corrupt_;
  mutable std::shared_mutex mutex_;  // guards the map; stores lock themselves
  std::shared_ptr<WhisperStore> ledger_;
  std::map<std::string, std::shared_ptr<WhisperStore>> teams_;
  std::atomic<Nanos> last_created_at_{0};
  std::mutex delivering_mutex_;
  std::condition_variable delivery_done_;
  std::set<std::string> delivering_;  // GUARDED_BY(delivering_mutex_): agents with a Delivery
};

}  // namespace oxd::whisper
