#pragma once
// What `oxctl status` shows, parsed from up to three replies: `status` (StatusData,
// docs/protocol.md#status), `plugins` and `sync_history`. Parsing is defensive: a field of the
// wrong type or a damaged element reads as absent and is left out of the view; nothing here throws
// on daemon data. The daemon may be newer or older than this CLI, and plugins add sections of their
// own.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "oxctl/status/Format.h"

namespace oxd::cli::status {

// One repository the sync plugin keeps (StatusData `workspaces.*[]`).
struct WorkspaceView {
  std::string id;
  std::string type;  // "ledger" | "team-context"
  std::string path;
  bool exists = false;
  std::string team_id;
  std::string team_name;
  TimePoint last_sync{};  // zero: never synced
  std::string last_error;
  bool syncing = false;
  TimePoint last_gc{};       // zero: never GC'd
  int gc_interval_days = 0;  // ≤ 0: the default of 7

  // Team name, else team id, else workspace id.
  std::string displayName() const;
};

struct IssueView {
  std::string type;
  std::string severity;
  std::string repo;
  std::string summary;
  TimePoint since{};
  bool requires_confirm = false;
};

// One tracker of StatusData `activity` (repos, teams, workspaces, agents).
struct ActivityView {
  std::size_t keys = 0;
  TimePoint last{};
};

// An agent seen by the daemon: `activity.agents` merged with `callers` by agent id.
struct AgentView {
  std::string id;
  TimePoint last_seen{};
  std::string path;  // the caller's clone or worktree, when it reported one
};

struct PluginView {
  std::string name;
  std::string state;  // "running", "failed", "disabled", …
  std::string version;
  std::string last_error;
};

struct SyncEventView {
  TimePoint time{};
  std::string type;
  std::string workspace_id;  // "ledger" or a team id
  std::int64_t duration_ns = 0;
  std::int64_t files_changed = 0;
};

struct StatusView {
  std::optional<std::int64_t> pid;
  std::string version;           // the daemon's semver
  std::string update_available;  // github.update_available: a newer release's tag, else ""
  std::optional<std::int64_t> uptime_ns;
  std::string workspace_path;
  std::string ledger_path;

  // True once the sync plugin reports anything; without it the view says so instead of
  // claiming "Syncing 0 repos".
  bool sync_reported = false;
  std::optional<TimePoint> last_sync;  // present: the key was there (zero: never)
  std::int64_t sync_interval_ns = 0;
  std::int64_t total_syncs = 0;
  std::int64_t avg_sync_ns = 0;
  std::vector<WorkspaceView> ledgers;
  std::vector<WorkspaceView> team_contexts;
  std::string project_team_id;

  std::int64_t recent_error_count = 0;
  std::string last_error;
  std::optional<TimePoint> last_error_time;
  std::int64_t unviewed_error_count = 0;

  std::optional<std::int64_t> inactivity_timeout_ns;
  std::int64_t time_since_activity_ns = 0;

  ActivityView repos, teams, agents_activity;
  std::vector<AgentView> agents;  // newest first
  std::string user_email;
  std::int64_t startup_ms = 0;
  std::int64_t throttle_ms = 0;

  std::vector<IssueView> issues;  // most severe first (stable within a severity)

  std::optional<std::vector<PluginView>> plugins;  // absent: not asked or no answer
  std::vector<SyncEventView> history;              // oldest → newest; empty: none or no plugin
};

// `status` reply data. Anything but an object yields an empty view.
StatusView parseStatus(const nlohmann::json& data);
// `plugins` reply data ({"plugins": [...]}); malformed entries are skipped.
std::vector<PluginView> parsePlugins(const nlohmann::json& data);
// `sync_history` reply data: {"events": [...]} or a bare array (the Go daemon's shape).
std::vector<SyncEventView> parseHistory(const nlohmann::json& data);

// critical 3 > error 2 > warning 1 > anything else 0 (docs/behavior.md#issues).
int severityRank(std::string_view severity);

}  // namespace oxd::cli::status
