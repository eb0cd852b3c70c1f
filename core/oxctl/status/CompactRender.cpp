// `oxctl status` (docs/behavior.md#oxctl-status). Lines of the Go `ox` layout are drawn exactly;
// this CLI adds, each in its own line or block so those lines stay intact:
//   "  PID <pid>, last sync <relative>"  after the sync line,
//   "  Unviewed errors: <n> (oxctl errors)"  in the errors block,
//   "Agents (<n>)" and "Plugins (<n>)" blocks before the Issues block,
//   and "  Not syncing (no sync plugin), <k> errors" when no sync plugin reports.

#include <algorithm>
#include <vector>

#include "oxctl/Output.h"
#include "oxctl/status/CompactBlock.h"
#include "oxctl/status/Health.h"

namespace oxd::cli::status {
namespace {

using std::chrono::nanoseconds;

// Agents heard from within this long count as active (the 0.6 IdleThreshold).
constexpr auto kAgentIdleAfter = std::chrono::minutes(5);
constexpr std::size_t kCompactAgentRows = 5;
constexpr std::size_t kCompactErrorWidth = 60;

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += separator;
    out += parts[i];
  }
  return out;
}

std::string truncated(const std::string& text, std::size_t width) {
  if (displayWidth(text) <= width) return text;
  std::string out;
  std::size_t columns = 0;
  for (char c : text) {
    bool starts_code_point = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (starts_code_point && ++columns > width - 1) break;
    out.push_back(c);
  }
  return out + "…";
}

std::string paintHealth(const Style& style, Health health, std::string_view text) {
  switch (health) {
    case Health::Healthy:
      return style.green(text);
    case Health::Warning:
      return style.yellow(text);
    case Health::Critical:
      return style.red(text);
  }
  return std::string(text);
}

// One row of a tree block: "    ├── <label padded><status>".
struct Row {
  std::string label;
  std::string status;  // already painted
};

std::string treeBlock(const std::string& heading, const std::vector<Row>& rows,
                      const Style& style) {
  std::size_t width = 0;
  for (const Row& row : rows) width = std::max(width, displayWidth(row.label));
  std::string out = "\n\n" + style.bold(heading);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const char* branch = i + 1 == rows.size() ? "    └── " : "    ├── ";
    // A row without a status ("+3 more") gets no padding: no trailing blanks in the output.
    std::string label = rows[i].status.empty() ? rows[i].label : padRight(rows[i].label, width + 2);
    out += "\n" + style.grey(branch) + label + rows[i].status;
  }
  return out;
}

std::string repoStatus(const WorkspaceView& workspace, const RenderContext& context,
                       const Style& style) {
  switch (repoState(workspace)) {
    case RepoState::NotCloned:
      return style.red("○ not cloned");
    case RepoState::Error:
      return style.red("○ " + workspace.last_error);
    case RepoState::Syncing:
      return style.yellow("◐ syncing...");
    case RepoState::NotSynced:
      return style.yellow("◐ not synced");
    case RepoState::Synced:
      return style.green("● " + relative(workspace.last_sync, context.now));
  }
  return "";
}

// Upstream printed "gc in 4d ago" and "(last 3d ago ago)": its relative-time helper appends
// "ago" and the caller appended it again. A time until something is not
// "ago", so this prints "gc in 4d" and "(last 3d ago)".
std::string gcSuffix(const WorkspaceView& workspace, const RenderContext& context, bool verbose,
                     const Style& style) {
  std::string suffix;
  if (auto remaining = gcRemaining(workspace, context.now)) {
    suffix = " · gc in " + ageText(*remaining);
  } else {
    suffix = " · gc due";
  }
  if (verbose && !isZero(workspace.last_gc)) {
    suffix += " (last " + relative(workspace.last_gc, context.now) + ")";
  }
  return style.grey(suffix);
}

std::string headline(const StatusView& view, const RenderContext& context, const Style& style) {
  Health health = assessHealth(view, context.now);
  std::string line =
      paintHealth(style, health, std::string(healthIcon(health)) + " " + healthWord(health));
  std::vector<std::string> parts;
  if (view.uptime_ns) parts.push_back(compactDuration(*view.uptime_ns) + " uptime");
  if (!view.version.empty()) {
    std::string daemon = semverOf(view.version);
    std::string match = daemon == semverOf(context.cli_version)
                            ? style.green("✓ (matching)")
                            : style.yellow("⚠ (mismatch: daemon v" + daemon + ")");
    parts.push_back("v" + daemon + " " + match);
  }
  if (!view.update_available.empty()) {
    parts.push_back(style.yellow("update available: " + view.update_available));
  }
  if (!parts.empty()) line += " — " + join(parts, ", ");
  return line;
}

std::string syncLine(const StatusView& view, const Style& style) {
  std::string errors = std::to_string(view.recent_error_count) + " errors";
  if (view.recent_error_count > 0) errors = style.red(errors);
  if (!view.sync_reported) return "  Not syncing (no sync plugin), " + errors;
  std::vector<std::string> parts;
  if (view.sync_interval_ns > 0) parts.push_back("every " + compactDuration(view.sync_interval_ns));
  if (view.total_syncs > 0) parts.push_back(std::to_string(view.total_syncs) + " syncs");
  if (view.avg_sync_ns > 0) parts.push_back(compactDuration(view.avg_sync_ns) + " avg");
  parts.push_back(errors);
  std::size_t repos = view.ledgers.size() + view.team_contexts.size();
  return "  Syncing " + std::to_string(repos) + " repos " + join(parts, ", ");
}

std::string pidLine(const StatusView& view, const RenderContext& context) {
  std::vector<std::string> parts;
  if (view.pid) parts.push_back("PID " + std::to_string(*view.pid));
  if (view.last_sync) {
    parts.push_back("last sync " +
                    (isZero(*view.last_sync) ? "never" : relative(*view.last_sync, context.now)));
  }
  if (parts.empty()) return "";
  std::string line = join(parts, ", ");
  if (!view.pid) line[0] = 'L';  // "Last sync …" when it starts the line
  return "\n  " + line;
}

// docs/behavior.md#oxctl-status: the first matching substring (case-sensitive) picks the hint.
std::string errorHint(const std::string& message) {
  if (message.find("authentication") != std::string::npos)
    return "Run: git config credential.helper store";
  if (message.find("permission denied") != std::string::npos)
    return "Check SSH key: ssh -T git@github.com";
  if (message.find("push failed") != std::string::npos)
    return "Pull may be needed. Run: oxctl sync";
  return "";
}

std::string errorsBlock(const StatusView& view, const RenderContext& context, const Style& style) {
  if (view.last_error.empty() && view.unviewed_error_count <= 0) return "";
  std::string out = "\n";
  if (!view.last_error.empty()) {
    out += "\n  " + style.grey("Last error:") + " " + style.red(view.last_error);
    if (view.last_error_time && !isZero(*view.last_error_time)) {
      out += " (" + relative(*view.last_error_time, context.now) + ")";
    }
    if (std::string hint = errorHint(view.last_error); !hint.empty()) {
      out += "\n  " + style.grey("Hint:") + " " + hint;
    }
  }
  if (view.unviewed_error_count > 0) {
    out += "\n  " + style.grey("Unviewed errors:") + " " +
           std::to_string(view.unviewed_error_count) + " (oxctl errors)";
  }
  return out;
}

std::string projectBlock(const StatusView& view, const RenderContext& context, bool verbose,
                         const Style& style) {
  std::vector<Row> rows;
  for (const WorkspaceView& ledger : view.ledgers) {
    rows.push_back({"Ledger", repoStatus(ledger, context, style)});
  }
  for (const WorkspaceView& team : view.team_contexts) {
    if (view.project_team_id.empty() || team.team_id != view.project_team_id) continue;
    rows.push_back({team.displayName() + " (team context)",
                    repoStatus(team, context, style) + gcSuffix(team, context, verbose, style)});
  }
  return rows.empty() ? "" : treeBlock("This Project", rows, style);
}

std::string otherTeamsBlock(const StatusView& view, const RenderContext& context, bool verbose,
                            const Style& style) {
  std::vector<Row> rows;
  for (const WorkspaceView& team : view.team_contexts) {
    if (!view.project_team_id.empty() && team.team_id == view.project_team_id) continue;
    rows.push_back({team.displayName(),
                    repoStatus(team, context, style) + gcSuffix(team, context, verbose, style)});
  }
  if (rows.empty()) return "";
  return treeBlock("Other Team Contexts (" + std::to_string(rows.size()) + ")", rows, style);
}

std::string agentsBlock(const StatusView& view, const RenderContext& context, bool verbose,
                        const Style& style) {
  if (view.agents.empty()) return "";
  std::size_t shown =
      verbose ? view.agents.size() : std::min(view.agents.size(), kCompactAgentRows);
  std::vector<Row> rows;
  for (std::size_t i = 0; i < shown; ++i) {
    const AgentView& agent = view.agents[i];
    std::string status;
    if (isZero(agent.last_seen)) {
      status = style.yellow("◐ never");
    } else if (context.now - agent.last_seen <= kAgentIdleAfter) {
      status = style.green("● " + relative(agent.last_seen, context.now));
    } else {
      status = style.yellow("◐ " + relative(agent.last_seen, context.now));
    }
    if (!agent.path.empty()) status += style.grey(" · " + shortenPath(agent.path, context.home));
    rows.push_back({agent.id, status});
  }
  if (shown < view.agents.size()) {
    rows.push_back({"+" + std::to_string(view.agents.size() - shown) + " more", ""});
  }
  return treeBlock("Agents (" + std::to_string(view.agents.size()) + ")", rows, style);
}

std::string pluginsBlock(const StatusView& view, bool verbose, const Style& style) {
  if (!view.plugins || view.plugins->empty()) return "";
  std::vector<Row> rows;
  for (const PluginView& plugin : *view.plugins) {
    std::string status;
    if (plugin.state == "running") {
      status = style.green("● running");
    } else if (plugin.state == "failed") {
      std::string error =
          verbose ? plugin.last_error : truncated(plugin.last_error, kCompactErrorWidth);
      status = style.red(error.empty() ? "○ failed" : "○ failed: " + error);
    } else {
      status = style.yellow("◐ " + plugin.state);
    }
    rows.push_back({plugin.name, status});
  }
  return treeBlock("Plugins (" + std::to_string(rows.size()) + ")", rows, style);
}

std::string issuesBlock(const StatusView& view, const RenderContext& context, const Style& style) {
  if (view.issues.empty()) return "";
  std::string out = "\n\n" + style.bold("Issues (" + std::to_string(view.issues.size()) + ")");
  for (const IssueView& issue : view.issues) {
    std::string icon = issue.severity == "warning" ? style.yellow("⚠") : style.red("○");
    out += "\n  " + icon + " " + padRight(issue.severity, 10) + " " +
           (issue.repo.empty() ? "" : issue.repo + ": ") + issue.summary;
    if (issue.requires_confirm) out += " [CONFIRM REQUIRED]";
    if (!isZero(issue.since)) out += " (since " + relative(issue.since, context.now) + ")";
  }
  return out;
}

std::string autoExitLine(const StatusView& view, const Style& style) {
  if (!view.inactivity_timeout_ns || *view.inactivity_timeout_ns <= 0) return "";
  std::int64_t left =
      std::max<std::int64_t>(0, *view.inactivity_timeout_ns - view.time_since_activity_ns);
  return "\n\n  " + style.grey("Auto-exit in " + compactDuration(left));
}

}  // namespace

std::string compactBlock(const StatusView& view, const RenderContext& context, bool verbose) {
  Style style(context.colour);
  return headline(view, context, style) + "\n\n" + syncLine(view, style) + pidLine(view, context) +
         errorsBlock(view, context, style) + projectBlock(view, context, verbose, style) +
         otherTeamsBlock(view, context, verbose, style) +
         agentsBlock(view, context, verbose, style) + pluginsBlock(view, verbose, style) +
         issuesBlock(view, context, style) + autoExitLine(view, style);
}

std::string renderCompact(const StatusView& view, const RenderContext& context) {
  return compactBlock(view, context, false) + activitySection(view.history, context);
}

}  // namespace oxd::cli::status
