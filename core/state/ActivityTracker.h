#pragma once
// Recent timestamps per key (repo, team, workspace, agent): the data behind the `activity`
// section of `status` and its sparklines.
//
// Each key keeps a ring of its newest `capacity` stamps. The number of keys is capped because
// keys come from clients (a buggy or hostile one could send a new id on every heartbeat): a new
// key at the cap evicts the key whose newest stamp is the oldest. A key already tracked never
// evicts anything.
//
// Thread-safe: every member may be called from any thread.

#include <oxd/json.h>
#include "common/Mutex.h"

#include <Poco/JSON/Array.h>

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace oxd::core {

class ActivityTracker {
 public:
  static constexpr int kDefaultCapacity = 50;  // stamps per key when `capacity` < 1 (as Go)
  static constexpr int kDefaultMaxKeys = 1000;

  // capacity < 1 selects kDefaultCapacity; max_keys <= 0 means no cap on keys.
  explicit ActivityTracker(int capacity = 100, int max_keys = kDefaultMaxKeys);

  // Both return true when `key` was not tracked before (decided under the lock, so exactly one
  // of several concurrent first recordings sees true).
  bool record(const std::string& key);  // stamped with the system clock
  bool recordAt(const std::string& key, sdk::Time stamp);

  std::vector<sdk::Time> get(const std::string& key) const;  // oldest → newest; empty if unknown
  bool has(const std::string& key) const;
  int count(const std::string& key) const;       // stamps kept (≤ capacity)
  sdk::Time last(const std::string& key) const;  // Time{} if unknown
  std::vector<std::string> keys() const;         // unordered
  std::size_t size() const;                      // number of keys
  int capacity() const { return capacity_; }
  void clear(const std::string& key);
  void reset();

  // [{key, count, last, timestamps?}] newest `last` first; timestamps oldest → newest and
  // present only when `with_timestamps` (status uses them for sparklines).
  Poco::JSON::Array::Ptr toJson(bool with_timestamps = true) const;

 private:
  struct Ring {
    std::vector<sdk::Time> stamps;  // sized to capacity_ once created
    std::size_t head = 0;           // next write position
    std::size_t count = 0;
    sdk::Time last() const;
    std::vector<sdk::Time> ordered() const;
  };

  void evictOldestKey() REQUIRES(mutex_);

  const int capacity_;
  const int max_keys_;
  mutable Mutex mutex_;
  std::unordered_map<std::string, Ring> rings_ GUARDED_BY(mutex_);
};

}  // namespace oxd::core
