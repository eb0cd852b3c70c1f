#include "oxctl/status/StatusView.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "common/DaemonRegistry.h"

namespace oxd::cli::status {
namespace {

using nlohmann::json;

const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

std::string text(const json& object, const char* key) {
  const json* value = member(object, key);
  return value && value->is_string() ? value->get<std::string>() : std::string();
}

bool flag(const json& object, const char* key) {
  const json* value = member(object, key);
  return value && value->is_boolean() && value->get<bool>();
}

// Integers, and floats that fit (a JSON encoder may write 3e9 for a duration).
std::optional<std::int64_t> integer(const json& object, const char* key) {
  const json* value = member(object, key);
  if (!value) return std::nullopt;
  if (value->is_number_integer()) {
    if (value->is_number_unsigned() &&
        value->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      return INT64_MAX;
    }
    return value->get<std::int64_t>();
  }
  if (value->is_number_float()) {
    double number = value->get<double>();
    if (!std::isfinite(number) || std::fabs(number) >= 9.2e18) return std::nullopt;
    return static_cast<std::int64_t>(number);
  }
  return std::nullopt;
}

std::int64_t integerOr(const json& object, const char* key, std::int64_t fallback = 0) {
  return integer(object, key).value_or(fallback);
}

std::optional<TimePoint> time(const json& object, const char* key) {
  const json* value = member(object, key);
  if (!value || !value->is_string()) return std::nullopt;
  return registry::DaemonRegistry::parseTime(value->get<std::string>());
}

TimePoint timeOrZero(const json& object, const char* key) {
  return time(object, key).value_or(TimePoint{});
}

WorkspaceView parseWorkspace(const json& item, const std::string& fallback_type) {
  WorkspaceView workspace;
  workspace.id = text(item, "id");
  workspace.type = text(item, "type");
  if (workspace.type.empty()) workspace.type = fallback_type;
  workspace.path = text(item, "path");
  workspace.exists = flag(item, "exists");
  workspace.team_id = text(item, "team_id");
  workspace.team_name = text(item, "team_name");
  workspace.last_sync = timeOrZero(item, "last_sync");
  workspace.last_error = text(item, "last_error");
  workspace.syncing = flag(item, "syncing");
  workspace.last_gc = timeOrZero(item, "last_gc_time");
  std::int64_t days = integerOr(item, "gc_interval_days");
  workspace.gc_interval_days = static_cast<int>(std::clamp<std::int64_t>(days, 0, 36500));
  return workspace;
}

std::vector<WorkspaceView> parseWorkspaceList(const json& workspaces, const char* key) {
  std::vector<WorkspaceView> out;
  const json* list = member(workspaces, key);
  if (!list || !list->is_array()) return out;
  for (const json& item : *list) {
    if (item.is_object()) out.push_back(parseWorkspace(item, key));
  }
  return out;
}

ActivityView parseActivity(const json& activity, const char* key) {
  ActivityView view;
  const json* list = member(activity, key);
  if (!list || !list->is_array()) return view;
  for (const json& item : *list) {
    if (text(item, "key").empty()) continue;
    ++view.keys;
    view.last = std::max(view.last, timeOrZero(item, "last"));
  }
  return view;
}

// Agents come from two places: the agent activity tracker (heartbeats with agent_id) and the
// callers list (heartbeats with caller_path, which may name the agent). One row per agent id.
std::vector<AgentView> parseAgents(const json& data) {
  std::map<std::string, AgentView> by_id;
  if (const json* activity = member(data, "activity")) {
    if (const json* list = member(*activity, "agents"); list && list->is_array()) {
      for (const json& item : *list) {
        std::string id = text(item, "key");
        if (id.empty()) continue;
        AgentView& agent = by_id[id];
        agent.id = id;
        agent.last_seen = std::max(agent.last_seen, timeOrZero(item, "last"));
      }
    }
  }
  if (const json* callers = member(data, "callers"); callers && callers->is_array()) {
    for (const json& item : *callers) {
      std::string id = text(item, "agent_id");
      if (id.empty()) continue;
      AgentView& agent = by_id[id];
      agent.id = id;
      TimePoint seen = timeOrZero(item, "last_seen");
      if (agent.path.empty() || seen >= agent.last_seen) {
        std::string path = text(item, "path");
        if (!path.empty()) agent.path = path;
      }
      agent.last_seen = std::max(agent.last_seen, seen);
    }
  }
  std::vector<AgentView> agents;
  for (auto& [id, agent] : by_id) agents.push_back(std::move(agent));
  std::stable_sort(agents.begin(), agents.end(), [](const AgentView& a, const AgentView& b) {
    return a.last_seen > b.last_seen;
  });
  return agents;
}

std::vector<IssueView> parseIssues(const json& data) {
  std::vector<IssueView> issues;
  const json* list = member(data, "issues");
  if (!list || !list->is_array()) return issues;
  for (const json& item : *list) {
    if (!item.is_object()) continue;
    IssueView issue;
    issue.type = text(item, "type");
    issue.severity = text(item, "severity");
    issue.repo = text(item, "repo");
    issue.summary = text(item, "summary");
    issue.since = timeOrZero(item, "since");
    issue.requires_confirm = flag(item, "requires_confirm");
    if (issue.summary.empty() && issue.type.empty()) continue;
    if (issue.summary.empty()) issue.summary = issue.type;
    issues.push_back(std::move(issue));
  }
  // The daemon sorts already; sorting again keeps the view right with an older daemon.
  std::stable_sort(issues.begin(), issues.end(), [](const IssueView& a, const IssueView& b) {
    return severityRank(a.severity) > severityRank(b.severity);
  });
  return issues;
}

}  // namespace

std::string WorkspaceView::displayName() const {
  if (!team_name.empty()) return team_name;
  if (!team_id.empty()) return team_id;
  return id;
}

int severityRank(std::string_view severity) {
  if (severity == "critical") return 3;
  if (severity == "error") return 2;
  if (severity == "warning") return 1;
  return 0;
}

StatusView parseStatus(const json& data) {
  StatusView view;
  if (!data.is_object()) return view;
  view.pid = integer(data, "pid");
  view.version = text(data, "version");
  if (const json* github = member(data, "github"); github && github->is_object()) {
    view.update_available = text(*github, "update_available");
  }
  view.uptime_ns = integer(data, "uptime");
  view.workspace_path = text(data, "workspace_path");
  view.ledger_path = text(data, "ledger_path");

  for (const char* key : {"workspaces", "last_sync", "sync_interval_read", "total_syncs"}) {
    if (member(data, key)) view.sync_reported = true;
  }
  view.last_sync = time(data, "last_sync");
  view.sync_interval_ns = integerOr(data, "sync_interval_read");
  view.total_syncs = integerOr(data, "total_syncs");
  view.avg_sync_ns = integerOr(data, "avg_sync_time");
  if (const json* workspaces = member(data, "workspaces")) {
    view.ledgers = parseWorkspaceList(*workspaces, "ledger");
    view.team_contexts = parseWorkspaceList(*workspaces, "team-context");
  }
  view.project_team_id = text(data, "project_team_id");

  view.recent_error_count = integerOr(data, "recent_error_count");
  view.last_error = text(data, "last_error");
  view.last_error_time = time(data, "last_error_time");
  view.unviewed_error_count = integerOr(data, "unviewed_error_count");

  view.inactivity_timeout_ns = integer(data, "inactivity_timeout");
  view.time_since_activity_ns = integerOr(data, "time_since_activity");

  if (const json* activity = member(data, "activity")) {
    view.repos = parseActivity(*activity, "repos");
    view.teams = parseActivity(*activity, "teams");
    view.agents_activity = parseActivity(*activity, "agents");
  }
  view.agents = parseAgents(data);
  if (const json* user = member(data, "authenticated_user")) view.user_email = text(*user, "email");
  view.startup_ms = integerOr(data, "startup_duration_ms");
  view.throttle_ms = integerOr(data, "throttle_duration_ms");
  view.issues = parseIssues(data);
  return view;
}

std::vector<PluginView> parsePlugins(const json& data) {
  std::vector<PluginView> plugins;
  const json* list = member(data, "plugins");
  if (!list || !list->is_array()) return plugins;
  for (const json& item : *list) {
    PluginView plugin;
    plugin.name = text(item, "name");
    if (plugin.name.empty()) continue;
    plugin.state = text(item, "state");
    if (plugin.state.empty()) plugin.state = "unknown";
    plugin.version = text(item, "version");
    plugin.last_error = text(item, "last_error");
    plugins.push_back(std::move(plugin));
  }
  return plugins;
}

std::vector<SyncEventView> parseHistory(const json& data) {
  std::vector<SyncEventView> events;
  const json* list = data.is_array() ? &data : member(data, "events");
  if (!list || !list->is_array()) return events;
  for (const json& item : *list) {
    std::optional<TimePoint> when = time(item, "time");
    if (!when || isZero(*when)) continue;  // an event without a time cannot be placed
    SyncEventView event;
    event.time = *when;
    event.type = text(item, "type");
    event.workspace_id = text(item, "workspace_id");
    event.duration_ns = integerOr(item, "duration");
    event.files_changed = integerOr(item, "files_changed");
    events.push_back(std::move(event));
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const SyncEventView& a, const SyncEventView& b) { return a.time < b.time; });
  return events;
}

}  // namespace oxd::cli::status
