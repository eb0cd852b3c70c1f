#include "StoreSet.h"

#include <Poco/Exception.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <system_error>

namespace oxd::whisper {

namespace {

std::string SafeFileStem(const std::string& team_id) {
  std::string stem;
  for (char c : team_id) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.';
    stem += plain ? c : '_';
  }
  return stem.empty() || stem[0] == '.' ? "_" + stem : stem;
}

// Moves the database and its WAL and shared-memory files aside; returns the new main path.
std::filesystem::path MoveAside(const std::filesystem::path& path) {
  auto unix_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::filesystem::path moved = path.string() + ".corrupt-" + std::to_string(unix_seconds);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code error;
    std::filesystem::rename(path.string() + suffix, moved.string() + suffix, error);
  }
  return moved;
}

}  // namespace

std::filesystem::path StoreSet::StorePath(const std::filesystem::path& directory,
                                          const std::string& scope, const std::string& team_id) {
  if (scope == kTeamScope) return directory / ("team-" + SafeFileStem(team_id) + ".db");
  return directory / "ledger.db";
}

StoreSet::StoreSet(std::filesystem::path directory, const std::vector<std::string>& team_ids,
                   CorruptionHandler on_corrupt)
    : directory_(std::move(directory)), on_corrupt_(std::move(on_corrupt)) {
  ledger_ = OpenHealing({kLedgerScope, "", StorePath(directory_, kLedgerScope, "")});
  for (const std::string& team_id : team_ids) {
    if (teams_.count(team_id)) continue;
    teams_[team_id] = OpenTeam(team_id);
  }
  OpenTeamsCreatedOnDemand();
  Nanos newest = 0;
  for (const auto& store : All()) newest = std::max(newest, store->NewestCreatedAt());
  last_created_at_.store(newest);
}

std::shared_ptr<WhisperStore> StoreSet::OpenTeam(const std::string& team_id) {
  std::shared_ptr<WhisperStore> store =
      OpenHealing({kTeamScope, team_id, StorePath(directory_, kTeamScope, team_id)});
  if (store->Meta("team_id") != team_id) store->SetMeta("team_id", team_id);
  return store;
}

void StoreSet::OpenTeamsCreatedOnDemand() {
  std::error_code error;
  for (const auto& item : std::filesystem::directory_iterator(directory_, error)) {
    std::string name = item.path().filename().string();
    if (name.rfind("team-", 0) != 0 || item.path().extension() != ".db") continue;
    bool known = false;
    for (const auto& [id, store] : teams_) known |= store->identity().path == item.path();
    if (known) continue;
    try {
      std::optional<std::string> team_id =
          WhisperStore::Open({kTeamScope, "", item.path()})->Meta("team_id");
      if (team_id && !team_id->empty() && !teams_.count(*team_id)) {
        teams_[*team_id] = OpenTeam(*team_id);
      }
    } catch (const std::exception&) {
      // Unreadable and not listed: left alone; a pull of its team reopens (and heals) it.
    }
  }
}

std::shared_ptr<WhisperStore> StoreSet::TeamOrCreate(const std::string& team_id) {
  if (auto existing = Team(team_id)) return existing;
  std::unique_lock lock(mutex_);
  auto found = teams_.find(team_id);
  if (found != teams_.end()) return found->second;
  std::shared_ptr<WhisperStore> store = OpenTeam(team_id);
  teams_[team_id] = store;
  return store;
}

std::shared_ptr<WhisperStore> StoreSet::OpenHealing(const StoreIdentity& identity) {
  try {
    return std::shared_ptr<WhisperStore>(WhisperStore::Open(identity));
  } catch (const StoreCorrupt& error) {
    return Heal(identity, error.what());
  }
}

std::shared_ptr<WhisperStore> StoreSet::Heal(const StoreIdentity& identity,
                                             const std::string& problem) {
  std::filesystem::path moved = MoveAside(identity.path);
  std::shared_ptr<WhisperStore> fresh(WhisperStore::Open(identity));
  if (on_corrupt_) on_corrupt_(identity, problem, moved);
  return fresh;
}

std::shared_ptr<WhisperStore> StoreSet::Ledger() const {
  std::shared_lock lock(mutex_);
  return ledger_;
}

std::shared_ptr<WhisperStore> StoreSet::Team(const std::string& team_id) const {
  std::shared_lock lock(mutex_);
  auto found = teams_.find(team_id);
  return found == teams_.end() ? nullptr : found->second;
}

std::vector<std::shared_ptr<WhisperStore>> StoreSet::All() const {
  std::shared_lock lock(mutex_);
  std::vector<std::shared_ptr<WhisperStore>> all{ledger_};
  for (const auto& [id, store] : teams_) all.push_back(store);
  return all;
}

Nanos StoreSet::NextCreatedAt() {
  Nanos previous = last_created_at_.load();
  Nanos next;
  do {
    next = std::max(NowNanos(), previous + 1);
  } while (!last_created_at_.compare_exchange_weak(previous, next));
  return next;
}

std::unique_ptr<StoreSet::Delivery> StoreSet::Deliver(const std::string& agent_id,
                                                      const DeliveryFilter& filter, Nanos now,
                                                      Nanos new_agent_floor,
                                                      std::chrono::milliseconds wait) {
  {
    std::unique_lock lock(delivering_mutex_);
    if (!delivery_done_.wait_for(lock, wait, [&] { return !delivering_.contains(agent_id); })) {
      throw std::runtime_error("whispers for " + agent_id +
                               " are still being handed out by another poll; try again");
    }
    delivering_.insert(agent_id);
  }
  std::unique_ptr<Delivery> delivery(new Delivery(*this, agent_id));  // releases the agent
  for (const auto& store : All()) {
    DeliveryResult result = store->Deliver(agent_id, filter, now, new_agent_floor);
    std::move(result.entries.begin(), result.entries.end(), std::back_inserter(delivery->entries_));
    if (result.advance_to) delivery->advances_.emplace_back(store, *result.advance_to);
  }
  std::sort(delivery->entries_.begin(), delivery->entries_.end(), DeliveryOrder);
  return delivery;
}

void StoreSet::AwaitDelivery(const std::string& agent_id, std::chrono::milliseconds wait) {
  std::unique_lock lock(delivering_mutex_);
  delivery_done_.wait_for(lock, wait, [&] { return !delivering_.contains(agent_id); });
}

void StoreSet::Delivery::Commit(Nanos now) {
  for (const auto& [store, through] : advances_) store->Advance(agent_id_, through, now);
  advances_.clear();
}

StoreSet::Delivery::~Delivery() {
  {
    std::lock_guard lock(set_.delivering_mutex_);
    set_.delivering_.erase(agent_id_);
  }
  set_.delivery_done_.notify_all();
}

HistoryPage StoreSet::Page(const std::string& agent_id, Nanos before, int limit) {
  HistoryPage page;
  for (const auto& store : All()) {
    // One more than asked from each store tells whether anything remains after the page.
    std::vector<WhisperEntry> part = store->Page(agent_id, before, limit + 1);
    std::move(part.begin(), part.end(), std::back_inserter(page.entries));
  }
  std::sort(page.entries.begin(), page.entries.end(), HistoryOrder);
  if (page.entries.size() > static_cast<std::size_t>(limit)) {
    page.has_more = true;
    page.entries.resize(static_cast<std::size_t>(limit));
  }
  return page;
}

std::optional<Nanos> StoreSet::EarliestCursor(const std::string& agent_id) {
  std::optional<Nanos> earliest;
  for (const auto& store : All()) {
    std::optional<Nanos> cursor = store->Cursor(agent_id);
    if (cursor && (!earliest || *cursor < *earliest)) earliest = cursor;
  }
  return earliest;
}

std::vector<StoreSet::StoreReport> StoreSet::MaintainAll(Nanos now, Nanos entry_cutoff,
                                                         Nanos relay_cutoff,
                                                         std::int64_t max_bytes_per_store) {
  std::vector<StoreReport> reports;
  for (const auto& store : All()) {
    StoreReport entry{store->identity(), {}, false, {}};
    std::string problem;
    try {
      entry.report = store->Maintain(now, entry_cutoff, relay_cutoff, max_bytes_per_store);
      if (entry.report.integrity != "ok") problem = "integrity_check: " + entry.report.integrity;
    } catch (const std::exception& error) {
      const auto* poco = dynamic_cast<const Poco::Exception*>(&error);
      std::string text = poco ? poco->displayText() : error.what();
      (IsCorruption(error) ? problem : entry.error) = text;
    }
    if (!problem.empty()) {
      try {
        std::shared_ptr<WhisperStore> fresh = Heal(entry.store, problem);
        std::unique_lock lock(mutex_);
        if (entry.store.scope == kLedgerScope) {
          ledger_ = fresh;
        } else {
          teams_[entry.store.team_id] = fresh;
        }
        entry.healed = true;
      } catch (const std::exception& error) {
        entry.error = std::string("could not recreate the store: ") + error.what();
      }
    }
    reports.push_back(std::move(entry));
  }
  return reports;
}

}  // namespace oxd::whisper
