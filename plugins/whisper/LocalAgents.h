// The agents of this machine: every agent that sent this daemon a heartbeat or polled its
// whispers. Their murmurs are never relayed back (no echo), and the nudge source asks when each
// was first seen. Paused nudges are kept here too. Persisted in the ledger store's `agents`
// table, cached in memory so the relay and the status section never wait on SQLite.
//
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "StoreSet.h"

namespace oxd::whisper {

class LocalAgents {
 public:
  explicit LocalAgents(StoreSet& stores);

  // Heartbeats arrive on every agent turn: the table is written when the agent is new or its
  // row is older than five minutes, not on every beat.
  void Seen(const std::string& agent_id, Nanos now);
  std::set<std::string> Ids() const;
  Nanos FirstSeen(const std::string& agent_id) const;  // 0: never seen
  // Seen here, or has a delivery cursor in any store.
  bool Knows(const std::string& agent_id) const;

  void SetPaused(const std::string& agent_id, bool paused, Nanos now);
  bool Paused(const std::string& agent_id) const;
  std::set<std::string> PausedIds() const;

 private:
  StoreSet& stores_;
  mutable std::mutex mutex_;
  std::map<std::string, Nanos> first_seen_;      // GUARDED_BY(mutex_)
  std::map<std::string, Nanos> last_persisted_;  // GUARDED_BY(mutex_)
  std::set<std::string> paused_;                 // GUARDED_BY(mutex_)
};

}  // namespace oxd::whisper
