#include "state/InstanceStore.h"

#include <limits>

#include "common/Process.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <utility>

namespace oxd::core {

namespace {

bool newerFirst(const InstanceInfo& a, const InstanceInfo& b) {
  return a.last_heartbeat != b.last_heartbeat ? a.last_heartbeat > b.last_heartbeat
                                              : a.agent_id < b.agent_id;
}

}  // namespace

InstanceStore::InstanceStore(InstanceStoreOptions options) : options_(std::move(options)) {}

sdk::Time InstanceStore::now() const { return currentTime(options_.clock); }

std::string InstanceStore::statusOf(const InstanceInfo& info, sdk::Time now) const {
  auto elapsed = now - info.last_heartbeat;
  // oxctl sends the agent's process, not the hook's shell (docs/behavior.md#instances), so a
  // dead one means the agent is gone: at once, as the seed has it.
  if (info.parent_pid > 0 && !process::isAlive(info.parent_pid)) return "exited";
  if (elapsed <= options_.idle_threshold) return "active";
  if (info.parent_pid > 0) return "idle";
  return elapsed <= options_.stale_threshold ? "idle" : "stale";
}

bool InstanceStore::recordHeartbeat(const AgentHeartbeat& heartbeat) {
  if (heartbeat.agent_id.empty()) return false;
  sdk::Time stamp = now();
  MutexLock lock(mutex_);
  auto found = agents_.find(heartbeat.agent_id);
  if (found == agents_.end()) {
    if (options_.max_instances > 0 && agents_.size() >= options_.max_instances) evictOne(stamp);
    InstanceInfo fresh;
    fresh.agent_id = heartbeat.agent_id;
    fresh.first_seen = stamp;
    found = agents_.emplace(heartbeat.agent_id, std::move(fresh)).first;
  }
  InstanceInfo& info = found->second;
  info.last_heartbeat = stamp;
  ++info.heartbeat_count;
  if (!heartbeat.workspace_path.empty()) info.workspace_path = heartbeat.workspace_path;
  if (!heartbeat.parent_agent_id.empty()) info.parent_agent_id = heartbeat.parent_agent_id;
  if (!heartbeat.agent_type.empty()) info.agent_type = heartbeat.agent_type;
  if (heartbeat.parent_pid > 0) info.parent_pid = heartbeat.parent_pid;
  if (!heartbeat.cli_version.empty()) info.cli_version = heartbeat.cli_version;
  if (heartbeat.context_tokens > 0) {
    // Clients choose the numbers: saturate rather than wrap (or trap under UBSan).
    if (__builtin_add_overflow(info.cumulative_context_tokens, heartbeat.context_tokens,
                               &info.cumulative_context_tokens)) {
      info.cumulative_context_tokens = std::numeric_limits<std::int64_t>::max();
    }
    ++info.command_count;
  }
  return true;
}

void InstanceStore::evictOne(sdk::Time now) {
  auto oldest_gone = agents_.end();
  auto oldest = agents_.end();
  for (auto it = agents_.begin(); it != agents_.end(); ++it) {
    if (oldest == agents_.end() || it->second.last_heartbeat < oldest->second.last_heartbeat) {
      oldest = it;
    }
    std::string status = statusOf(it->second, now);
    if ((status == "stale" || status == "exited") &&
        (oldest_gone == agents_.end() ||
         it->second.last_heartbeat < oldest_gone->second.last_heartbeat)) {
      oldest_gone = it;
    }
  }
  agents_.erase(oldest_gone != agents_.end() ? oldest_gone : oldest);
}

bool InstanceStore::setLastWhisper(const std::string& agent_id, sdk::Time when) {
  MutexLock lock(mutex_);
  auto found = agents_.find(agent_id);
  if (found == agents_.end()) return false;
  found->second.last_whisper = when;
  return true;
}

bool InstanceStore::remove(const std::string& agent_id) {
  MutexLock lock(mutex_);
  return agents_.erase(agent_id) != 0;
}

std::optional<InstanceInfo> InstanceStore::get(const std::string& agent_id) const {
  sdk::Time stamp = now();
  MutexLock lock(mutex_);
  auto found = agents_.find(agent_id);
  if (found == agents_.end()) return std::nullopt;
  InstanceInfo info = found->second;
  info.status = statusOf(info, stamp);
  return info;
}

std::vector<InstanceInfo> InstanceStore::list(bool include_stale) const {
  sdk::Time stamp = now();
  std::vector<InstanceInfo> out;
  {
    MutexLock lock(mutex_);
    out.reserve(agents_.size());
    for (const auto& [id, info] : agents_) {
      InstanceInfo copy = info;
      copy.status = statusOf(copy, stamp);
      if (copy.status == "stale" && !include_stale) continue;
      out.push_back(std::move(copy));
    }
  }
  std::sort(out.begin(), out.end(), newerFirst);
  return out;
}

std::vector<std::string> InstanceStore::activeAgentIds() const {
  std::vector<std::string> out;
  for (const InstanceInfo& info : list()) {
    if (info.status == "active" || info.status == "idle") out.push_back(info.agent_id);
  }
  return out;
}

std::size_t InstanceStore::size() const {
  MutexLock lock(mutex_);
  return agents_.size();
}

std::vector<std::string> InstanceStore::cleanup() {
  sdk::Time cutoff = now() - options_.max_age;
  std::vector<std::string> removed;
  MutexLock lock(mutex_);
  for (auto it = agents_.begin(); it != agents_.end();) {
    if (it->second.last_heartbeat < cutoff) {
      removed.push_back(it->first);
      it = agents_.erase(it);
    } else {
      ++it;
    }
  }
  return removed;
}

std::vector<std::string> InstanceStore::evictExited() {
  sdk::Time stamp = now();
  std::vector<std::string> removed;
  MutexLock lock(mutex_);
  for (auto it = agents_.begin(); it != agents_.end();) {
    // Shown as exited at once, evicted only after the idle threshold: a grace for the agent's
    // last hooks, whose sessions are finalized then.
    if (statusOf(it->second, stamp) == "exited" &&
        stamp - it->second.last_heartbeat > options_.idle_threshold) {
      removed.push_back(it->first);
      it = agents_.erase(it);
    } else {
      ++it;
    }
  }
  return removed;
}

Poco::JSON::Object::Ptr InstanceStore::toJson(const InstanceInfo& info) {
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("agent_id", info.agent_id);
  out->set("workspace_path", info.workspace_path);
  out->set("last_heartbeat", sdk::formatTime(info.last_heartbeat));
  out->set("heartbeat_count", info.heartbeat_count);
  out->set("status", info.status);
  if (info.cumulative_context_tokens != 0) {
    out->set("cumulative_context_tokens", info.cumulative_context_tokens);
  }
  if (info.command_count != 0) out->set("command_count", info.command_count);
  if (!info.parent_agent_id.empty()) out->set("parent_agent_id", info.parent_agent_id);
  if (!info.agent_type.empty()) out->set("agent_type", info.agent_type);
  if (info.parent_pid > 0) out->set("parent_pid", static_cast<int>(info.parent_pid));
  if (!info.cli_version.empty()) out->set("cli_version", info.cli_version);
  // Go's omitempty does not omit a zero time.Time, but docs/protocol.md#instance marks last_whisper
  // optional (a *time.Time in 0.6): absent until the agent has been whispered to.
  if (info.last_whisper != sdk::Time{})
    out->set("last_whisper", sdk::formatTime(info.last_whisper));
  return out;
}

Poco::JSON::Object::Ptr InstanceStore::instancesJson(bool include_stale) const {
  Poco::JSON::Array::Ptr items = sdk::emptyList();
  for (const InstanceInfo& info : list(include_stale)) items->add(toJson(info));
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("instances", items);
  return out;
}

Poco::JSON::Object::Ptr InstanceStore::sessionsJson(bool include_stale) const {
  Poco::JSON::Array::Ptr items = sdk::emptyList();
  for (const InstanceInfo& info : list(include_stale)) {
    Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    item->set("agent_id", info.agent_id);
    item->set("workspace_path", info.workspace_path);
    item->set("last_heartbeat", sdk::formatTime(info.last_heartbeat));
    item->set("heartbeat_count", info.heartbeat_count);
    item->set("status", info.status);
    items->add(item);
  }
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("sessions", items);
  return out;
}

}  // namespace oxd::core
