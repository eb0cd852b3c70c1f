#pragma once
// Processes `heartbeat` messages from the CLI and agent hooks (docs/protocol.md#heartbeat): every
// field is optional, and a field of the wrong type is ignored on its own (debug log) — a heartbeat
// never fails and never throws, because its sender does not read a reply.
//
// Order of effects: version check → activity → credentials → trackers (repos, workspaces,
// agents + instance store, teams) → new team ids → callers. Callbacks run on the calling thread,
// outside every internal lock, so they may call back into the handler.
//
// Thread-safe: handle() may run concurrently on several threads; the read members too.

#include "common/Mutex.h"
#include "state/ActivityTracker.h"
#include "state/Credentials.h"
#include "state/InstanceStore.h"
#include "state/TimeSource.h"

#include <oxd/events.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace oxd::core {

// Fixed at construction. Each may be empty. An exception thrown by one is logged and swallowed.
struct HeartbeatCallbacks {
  // Every heartbeat: resets the inactivity clock.
  std::function<void()> on_activity;
  // cli_version's semver (the part before '+') differs from the daemon's. The daemon restarts
  // into an upgraded binary if one is installed, asynchronously; this callback must not block.
  std::function<void(const std::string& cli_version, const std::string& daemon_version)>
      on_version_mismatch;
  // Team ids the handler had not tracked before, in payload order (the daemon publishes
  // `team.seen` for each).
  std::function<void(const std::vector<std::string>& team_ids)> on_new_teams;
  // caller_path differs from the previous one: the daemon refreshes its registry entry's
  // workspace_path (and plugins their project root).
  std::function<void(const std::string& caller_path)> on_caller_path_changed;
};

struct HeartbeatOptions {
  // Full "<semver>+<build>"; only the semver part is compared.
#ifdef OXD_VERSION
  std::string daemon_version = OXD_VERSION;
#else
  std::string daemon_version;
#endif
  std::string workspace_path;  // instance workspace_path when a heartbeat has no caller_path
  std::size_t max_callers = 50;
  TimeSource clock;  // empty: the system clock
};

class HeartbeatHandler {
 public:
  // `credentials` and `instances` must outlive the handler.
  HeartbeatHandler(InstanceStore& instances, CredentialStore& credentials,
                   HeartbeatCallbacks callbacks = {}, HeartbeatOptions options = {});

  // `caller_id` is the request envelope's caller_id; when empty, callers are keyed by a hash of
  // the payload's caller_path. Returns the heartbeat as the `heartbeat` event carries it: the
  // fields read, a field of the wrong type left out, no credentials.
  sdk::HeartbeatEvent handle(const Poco::JSON::Object::Ptr& payload,
                             const std::string& caller_id = "");
  // Parses then handles; text that is not a JSON object is logged (debug) and ignored.
  void handleText(const std::string& json, const std::string& caller_id = "");

  // status `callers`: [{id, path, last_seen, agent_id?}] most recently seen first.
  Poco::JSON::Array::Ptr callersJson() const;
  std::string lastCallerPath() const;
  // status `activity`: {repos?, teams?, workspaces?, agents?}; empty lists are omitted.
  Poco::JSON::Object::Ptr activityJson(bool with_timestamps = true) const;

  const ActivityTracker& repoActivity() const { return repos_; }
  const ActivityTracker& teamActivity() const { return teams_; }
  const ActivityTracker& workspaceActivity() const { return workspaces_; }
  const ActivityTracker& agentActivity() const { return agents_; }

  // "0.3.0+20260101" → "0.3.0".
  static std::string semverOf(const std::string& version);

 private:
  struct Caller {
    std::string id;
    std::string path;
    sdk::Time last_seen{};
    std::string agent_id;
  };
  struct Parsed;

  // Returns true when the last caller path changed.
  bool recordCaller(const std::string& id, const std::string& path, const std::string& agent_id,
                    sdk::Time now);

  InstanceStore& instances_;
  CredentialStore& credentials_;
  const HeartbeatCallbacks callbacks_;
  const HeartbeatOptions options_;

  // Key caps (docs/behavior.md#instances): clients choose these keys, so each tracker is bounded.
  ActivityTracker repos_{100, 100};
  ActivityTracker teams_{100, 50};
  ActivityTracker workspaces_{100, 50};
  ActivityTracker agents_{100, 50};

  mutable Mutex callers_mutex_;
  std::unordered_map<std::string, Caller> callers_ GUARDED_BY(callers_mutex_);
  std::string last_caller_path_ GUARDED_BY(callers_mutex_);
};

}  // namespace oxd::core
