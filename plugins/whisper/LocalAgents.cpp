#include "LocalAgents.h"

namespace oxd::whisper {

namespace {
constexpr Nanos kPersistEvery = 5LL * 60 * 1'000'000'000;
}

LocalAgents::LocalAgents(StoreSet& stores) : stores_(stores) {
  auto ledger = stores_.Ledger();
  first_seen_ = ledger->AgentsFirstSeen();
  paused_ = ledger->MurmurPausedAgents();
}

void LocalAgents::Seen(const std::string& agent_id, Nanos now) {
  {
    std::lock_guard lock(mutex_);
    first_seen_.emplace(agent_id, now);
    auto persisted = last_persisted_.find(agent_id);
    if (persisted != last_persisted_.end() && now - persisted->second < kPersistEvery) return;
    last_persisted_[agent_id] = now;
  }
  stores_.Ledger()->NoteAgent(agent_id, now);
}

std::set<std::string> LocalAgents::Ids() const {
  std::lock_guard lock(mutex_);
  std::set<std::string> ids;
  for (const auto& [id, seen] : first_seen_) ids.insert(id);
  return ids;
}

Nanos LocalAgents::FirstSeen(const std::string& agent_id) const {
  std::lock_guard lock(mutex_);
  auto found = first_seen_.find(agent_id);
  return found == first_seen_.end() ? 0 : found->second;
}

bool LocalAgents::Knows(const std::string& agent_id) const {
  {
    std::lock_guard lock(mutex_);
    if (first_seen_.count(agent_id) || paused_.count(agent_id)) return true;
  }
  return stores_.EarliestCursor(agent_id).has_value();
}

void LocalAgents::SetPaused(const std::string& agent_id, bool paused, Nanos now) {
  // Persisted first: an acknowledged pause survives a crash.
  stores_.Ledger()->SetMurmurPaused(agent_id, paused, now);
  std::lock_guard lock(mutex_);
  first_seen_.emplace(agent_id, now);
  if (paused) {
    paused_.insert(agent_id);
  } else {
    paused_.erase(agent_id);
  }
}

bool LocalAgents::Paused(const std::string& agent_id) const {
  std::lock_guard lock(mutex_);
  return paused_.count(agent_id) > 0;
}

std::set<std::string> LocalAgents::PausedIds() const {
  std::lock_guard lock(mutex_);
  return paused_;
}

}  // namespace oxd::whisper
