#include "state/ActivityTracker.h"

#include <Poco/JSON/Object.h>

#include <algorithm>

namespace oxd::core {

sdk::Time ActivityTracker::Ring::last() const {
  if (count == 0) return sdk::Time{};
  return stamps[(head + stamps.size() - 1) % stamps.size()];
}

std::vector<sdk::Time> ActivityTracker::Ring::ordered() const {
  std::vector<sdk::Time> out;
  out.reserve(count);
  std::size_t start = (head + stamps.size() - count) % stamps.size();
  for (std::size_t i = 0; i < count; ++i) out.push_back(stamps[(start + i) % stamps.size()]);
  return out;
}

ActivityTracker::ActivityTracker(int capacity, int max_keys)
    : capacity_(capacity < 1 ? kDefaultCapacity : capacity),
      max_keys_(max_keys < 0 ? 0 : max_keys) {}

bool ActivityTracker::record(const std::string& key) {
  return recordAt(key, std::chrono::system_clock::now());
}

bool ActivityTracker::recordAt(const std::string& key, sdk::Time stamp) {
  MutexLock lock(mutex_);
  auto found = rings_.find(key);
  bool added = found == rings_.end();
  if (added) {
    if (max_keys_ > 0 && rings_.size() >= static_cast<std::size_t>(max_keys_)) evictOldestKey();
    found = rings_.emplace(key, Ring{}).first;
    found->second.stamps.resize(static_cast<std::size_t>(capacity_));
  }
  Ring& ring = found->second;
  ring.stamps[ring.head] = stamp;
  ring.head = (ring.head + 1) % ring.stamps.size();
  ring.count = std::min(ring.count + 1, ring.stamps.size());
  return added;
}

void ActivityTracker::evictOldestKey() {
  auto oldest = rings_.end();
  for (auto it = rings_.begin(); it != rings_.end(); ++it) {
    if (it->second.count == 0) {  // an empty ring carries no information: it goes first
      oldest = it;
      break;
    }
    if (oldest == rings_.end() || it->second.last() < oldest->second.last()) oldest = it;
  }
  if (oldest != rings_.end()) rings_.erase(oldest);
}

std::vector<sdk::Time> ActivityTracker::get(const std::string& key) const {
  MutexLock lock(mutex_);
  auto found = rings_.find(key);
  return found == rings_.end() ? std::vector<sdk::Time>{} : found->second.ordered();
}

bool ActivityTracker::has(const std::string& key) const {
  MutexLock lock(mutex_);
  return rings_.count(key) != 0;
}

int ActivityTracker::count(const std::string& key) const {
  MutexLock lock(mutex_);
  auto found = rings_.find(key);
  return found == rings_.end() ? 0 : static_cast<int>(found->second.count);
}

sdk::Time ActivityTracker::last(const std::string& key) const {
  MutexLock lock(mutex_);
  auto found = rings_.find(key);
  return found == rings_.end() ? sdk::Time{} : found->second.last();
}

std::vector<std::string> ActivityTracker::keys() const {
  MutexLock lock(mutex_);
  std::vector<std::string> out;
  out.reserve(rings_.size());
  for (const auto& [key, ring] : rings_) out.push_back(key);
  return out;
}

std::size_t ActivityTracker::size() const {
  MutexLock lock(mutex_);
  return rings_.size();
}

void ActivityTracker::clear(const std::string& key) {
  MutexLock lock(mutex_);
  rings_.erase(key);
}

void ActivityTracker::reset() {
  MutexLock lock(mutex_);
  rings_.clear();
}

Poco::JSON::Array::Ptr ActivityTracker::toJson(bool with_timestamps) const {
  struct Entry {
    std::string key;
    std::vector<sdk::Time> stamps;
  };
  std::vector<Entry> entries;
  {
    MutexLock lock(mutex_);
    entries.reserve(rings_.size());
    for (const auto& [key, ring] : rings_) entries.push_back({key, ring.ordered()});
  }
  auto lastOf = [](const Entry& entry) {
    return entry.stamps.empty() ? sdk::Time{} : entry.stamps.back();
  };
  std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
    return lastOf(a) != lastOf(b) ? lastOf(a) > lastOf(b) : a.key < b.key;
  });
  Poco::JSON::Array::Ptr out = sdk::emptyList();
  for (const Entry& entry : entries) {
    Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    item->set("key", entry.key);
    item->set("count", static_cast<int>(entry.stamps.size()));
    item->set("last", sdk::formatTime(lastOf(entry)));
    if (with_timestamps && !entry.stamps.empty()) {
      Poco::JSON::Array::Ptr stamps = sdk::emptyList();
      for (sdk::Time stamp : entry.stamps) stamps->add(sdk::formatTime(stamp));
      item->set("timestamps", stamps);
    }
    out->add(item);
  }
  return out;
}

}  // namespace oxd::core
