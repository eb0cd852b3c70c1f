// `oxctl status --json` (docs/behavior.md#oxctl-status): the text view's facts, machine-readable,
// one line. Field names are the Go/wire names wherever the wire has one. The Go `ox` does not fix
// the inner shapes; these are the ones chosen (absent fields are omitted):
//
//   {"running": true, "health": "healthy"|"warning"|"critical", "pid", "version",
//    "version_match": bool,                 this CLI's semver equals the daemon's
//    "uptime": "5m 30s",                    compact duration
//    "ledger_path", "last_sync",            deprecated 0.3 aliases, kept for old scripts
//    "sync": {"repos": n, "interval": "5m", "total_syncs": n, "avg": "1s", "errors": n,
//             "last_error", "last_error_time"},       no "interval" etc. without a sync plugin
//    "unviewed_error_count": n,
//    "project": {"ledger": {"path", "exists", "last_sync", "status", "last_error"},
//                "team_context": {"team_id", "name", "path", "exists", "last_sync", "status",
//                                 "last_error", "gc_due_in": "4d"|"due"}},
//    "other_teams": [{"team_id", "name", "status", "last_sync", "last_error", "gc_in"}],
//    "agents": [{"agent_id", "last_seen", "path"}],
//    "plugins": [{"name", "state", "version", "last_error"}],
//    "issues": [{"type", "severity", "repo", "summary", "since", "requires_confirm"}],
//    "auto_exit_in": "59m 48s"}
//
// status values: not_cloned | error | syncing | not_synced | synced. Times are RFC 3339 UTC;
// a last_sync of Go's zero time is printed as such ("0001-01-01T00:00:00Z"), like the wire.

#include "common/DaemonRegistry.h"
#include "oxctl/Output.h"
#include "oxctl/status/Health.h"
#include "oxctl/status/Render.h"

namespace oxd::cli::status {
namespace {

using nlohmann::ordered_json;

std::string timeText(TimePoint time) { return registry::DaemonRegistry::formatTime(time); }

ordered_json repoJson(const WorkspaceView& workspace) {
  ordered_json out;
  if (!workspace.team_id.empty()) out["team_id"] = workspace.team_id;
  if (workspace.type != "ledger") out["name"] = workspace.displayName();
  if (!workspace.path.empty()) out["path"] = workspace.path;
  out["exists"] = workspace.exists;
  out["last_sync"] = timeText(workspace.last_sync);
  out["status"] = repoStateKey(repoState(workspace));
  if (!workspace.last_error.empty()) out["last_error"] = workspace.last_error;
  return out;
}

std::string gcText(const WorkspaceView& workspace, TimePoint now) {
  auto remaining = gcRemaining(workspace, now);
  return remaining ? ageText(*remaining) : "due";
}

ordered_json syncJson(const StatusView& view) {
  ordered_json sync;
  if (view.sync_reported) {
    sync["repos"] = view.ledgers.size() + view.team_contexts.size();
    if (view.sync_interval_ns > 0) sync["interval"] = compactDuration(view.sync_interval_ns);
    sync["total_syncs"] = view.total_syncs;
    if (view.avg_sync_ns > 0) sync["avg"] = compactDuration(view.avg_sync_ns);
  }
  sync["errors"] = view.recent_error_count;
  if (!view.last_error.empty()) {
    sync["last_error"] = view.last_error;
    if (view.last_error_time) sync["last_error_time"] = timeText(*view.last_error_time);
  }
  return sync;
}

}  // namespace

ordered_json statusJson(const StatusView& view, const RenderContext& context) {
  ordered_json out;
  out["running"] = true;
  out["health"] = healthKey(assessHealth(view, context.now));
  if (view.pid) out["pid"] = *view.pid;
  if (!view.version.empty()) {
    out["version"] = view.version;
    out["version_match"] = semverOf(view.version) == semverOf(context.cli_version);
  }
  if (view.uptime_ns) out["uptime"] = compactDuration(*view.uptime_ns);
  if (!view.ledger_path.empty()) out["ledger_path"] = view.ledger_path;
  if (view.last_sync) out["last_sync"] = timeText(*view.last_sync);
  out["sync"] = syncJson(view);
  if (view.unviewed_error_count > 0) out["unviewed_error_count"] = view.unviewed_error_count;

  ordered_json project = ordered_json::object();
  if (!view.ledgers.empty()) project["ledger"] = repoJson(view.ledgers.front());
  ordered_json other_teams = ordered_json::array();
  for (const WorkspaceView& team : view.team_contexts) {
    bool of_project = !view.project_team_id.empty() && team.team_id == view.project_team_id;
    if (of_project && !project.contains("team_context")) {
      ordered_json item = repoJson(team);
      item["gc_due_in"] = gcText(team, context.now);
      project["team_context"] = std::move(item);
    } else if (!of_project) {
      ordered_json item;
      if (!team.team_id.empty()) item["team_id"] = team.team_id;
      item["name"] = team.displayName();
      item["status"] = repoStateKey(repoState(team));
      if (!isZero(team.last_sync)) item["last_sync"] = timeText(team.last_sync);
      if (!team.last_error.empty()) item["last_error"] = team.last_error;
      item["gc_in"] = gcText(team, context.now);
      other_teams.push_back(std::move(item));
    }
  }
  if (!project.empty()) out["project"] = std::move(project);
  if (!other_teams.empty()) out["other_teams"] = std::move(other_teams);

  if (!view.agents.empty()) {
    ordered_json agents = ordered_json::array();
    for (const AgentView& agent : view.agents) {
      ordered_json item;
      item["agent_id"] = agent.id;
      item["last_seen"] = timeText(agent.last_seen);
      if (!agent.path.empty()) item["path"] = agent.path;
      agents.push_back(std::move(item));
    }
    out["agents"] = std::move(agents);
  }
  if (view.plugins && !view.plugins->empty()) {
    ordered_json plugins = ordered_json::array();
    for (const PluginView& plugin : *view.plugins) {
      ordered_json item;
      item["name"] = plugin.name;
      item["state"] = plugin.state;
      if (!plugin.version.empty()) item["version"] = plugin.version;
      if (!plugin.last_error.empty()) item["last_error"] = plugin.last_error;
      plugins.push_back(std::move(item));
    }
    out["plugins"] = std::move(plugins);
  }
  if (!view.issues.empty()) {
    ordered_json issues = ordered_json::array();
    for (const IssueView& issue : view.issues) {
      ordered_json item;
      item["type"] = issue.type;
      item["severity"] = issue.severity;
      if (!issue.repo.empty()) item["repo"] = issue.repo;
      item["summary"] = issue.summary;
      item["since"] = timeText(issue.since);
      if (issue.requires_confirm) item["requires_confirm"] = true;
      issues.push_back(std::move(item));
    }
    out["issues"] = std::move(issues);
  }
  if (view.inactivity_timeout_ns && *view.inactivity_timeout_ns > 0) {
    out["auto_exit_in"] = compactDuration(
        std::max<std::int64_t>(0, *view.inactivity_timeout_ns - view.time_since_activity_ns));
  }
  return out;
}

}  // namespace oxd::cli::status
