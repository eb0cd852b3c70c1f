#pragma once
// The agents this daemon has heard from in heartbeats: what `instances` and `sessions` return
// and what plugins ask for "which agents are alive" (docs/behavior.md#instances).
//
// Status of an agent, from the time since its last heartbeat (`elapsed`):
//   exited   its parent_pid is confirmed dead (kill 0 → ESRCH), however recent the heartbeat:
//            oxctl heartbeat sends the agent's process, skipping a hook's shell
//   active   elapsed ≤ idle threshold (5 min)
//   idle     elapsed ≤ stale threshold (15 min), or later while its parent_pid is alive
//            (a live process is better evidence than a quiet one)
//   stale    otherwise
// At most `max_instances` (100) agents are kept: a new agent at the cap evicts the one with the
// oldest heartbeat among the stale or exited, else the oldest overall.
//
// Thread-safe: every member may be called from any thread. Liveness checks (kill 0) run under
// the internal lock; they are syscalls that never block.

#include "common/Mutex.h"
#include "state/TimeSource.h"

#include <oxd/json.h>

#include <Poco/JSON/Object.h>

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace oxd::core {

struct InstanceStoreOptions {
  std::chrono::nanoseconds idle_threshold = std::chrono::minutes(5);
  std::chrono::nanoseconds stale_threshold = std::chrono::minutes(15);
  std::chrono::nanoseconds max_age = std::chrono::hours(24);  // see cleanup()
  std::size_t max_instances = 100;
  TimeSource clock;  // empty: the system clock
};

// What one heartbeat says about its agent. Empty strings and parent_pid 0 mean "not sent" and
// leave the stored value alone.
struct AgentHeartbeat {
  std::string agent_id;
  std::string workspace_path;
  std::string parent_agent_id;
  std::string agent_type;
  pid_t parent_pid = 0;
  std::int64_t context_tokens = 0;  // > 0: added to the total and counted as one command
  std::string cli_version;
};

struct InstanceInfo {
  std::string agent_id;
  std::string workspace_path;
  sdk::Time first_seen{};
  sdk::Time last_heartbeat{};
  // Heartbeats received since the agent was first seen (Go 0.3 reported the stamps kept in its
  // ring, at most 100; a true count is more useful and reads the same).
  std::int64_t heartbeat_count = 0;
  std::int64_t cumulative_context_tokens = 0;
  std::int64_t command_count = 0;
  std::string parent_agent_id;
  std::string agent_type;
  pid_t parent_pid = 0;
  std::string cli_version;  // oxd's extra: the version of the CLI that sent the last heartbeat
  sdk::Time last_whisper{};
  std::string status;  // filled in by the listing calls
};

class InstanceStore {
 public:
  explicit InstanceStore(InstanceStoreOptions options = {});

  // Upserts the agent and stamps it now. Returns false (and stores nothing) for an empty id.
  bool recordHeartbeat(const AgentHeartbeat& heartbeat);
  // Returns false if the agent is unknown.
  bool setLastWhisper(const std::string& agent_id, sdk::Time when);
  bool remove(const std::string& agent_id);

  std::optional<InstanceInfo> get(const std::string& agent_id) const;
  // Newest heartbeat first. Stale agents are left out unless `include_stale` (the 0.6 listing
  // rule); exited ones are always listed so their sessions can be seen to have ended.
  std::vector<InstanceInfo> list(bool include_stale = false) const;
  // Agents whose status is active or idle, newest first.
  std::vector<std::string> activeAgentIds() const;
  std::size_t size() const;

  // Removes every agent whose last heartbeat is older than max_age (24 h), whatever its status:
  // a day of silence means abandoned, even if a recycled PID looks alive. Returns the ids
  // removed. Meant to run every minute (docs/behavior.md#instances).
  std::vector<std::string> cleanup();
  // Removes every agent whose status is `exited` and whose last heartbeat is older than the idle
  // threshold (a grace period), and returns their ids, so the daemon can
  // finalize their orphaned sessions (docs/behavior.md#instances).
  std::vector<std::string> evictExited();

  // {"instances":[InstanceInfo…]} newest first; optional fields omitted when zero/empty.
  Poco::JSON::Object::Ptr instancesJson(bool include_stale = false) const;
  // {"sessions":[{agent_id, workspace_path, last_heartbeat, heartbeat_count, status}]}
  Poco::JSON::Object::Ptr sessionsJson(bool include_stale = false) const;

  static Poco::JSON::Object::Ptr toJson(const InstanceInfo& info);

 private:
  sdk::Time now() const;
  std::string statusOf(const InstanceInfo& info, sdk::Time now) const;
  void evictOne(sdk::Time now) REQUIRES(mutex_);

  const InstanceStoreOptions options_;
  mutable Mutex mutex_;
  std::unordered_map<std::string, InstanceInfo> agents_ GUARDED_BY(mutex_);
};

}  // namespace oxd::core
