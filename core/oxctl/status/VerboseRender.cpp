// `oxctl status --verbose` (docs/behavior.md#oxctl-status): the compact view with GC ages, then
// Internals, the activity trackers and the last ten syncs.

#include <cstdio>

#include "oxctl/Output.h"
#include "oxctl/status/CompactBlock.h"

namespace oxd::cli::status {
namespace {

constexpr std::size_t kRecentSyncs = 10;

std::string internalsBlock(const StatusView& view, const RenderContext& context,
                           const Style& style) {
  std::string out;
  if (view.pid) out += "\n" + keyValue("PID", std::to_string(*view.pid), style);
  if (!view.workspace_path.empty()) {
    out += "\n" + keyValue("Workspace", shortenPath(view.workspace_path, context.home), style);
  }
  if (!view.ledger_path.empty()) {
    out += "\n" + keyValue("Ledger", shortenPath(view.ledger_path, context.home), style);
  }
  if (!view.user_email.empty()) out += "\n" + keyValue("User", view.user_email, style);
  if (view.startup_ms > 0) {
    std::string startup = std::to_string(view.startup_ms) + "ms";
    if (view.throttle_ms > 0) startup += " (throttled " + std::to_string(view.throttle_ms) + "ms)";
    out += "\n" + keyValue("Startup", startup, style);
  }
  return out.empty() ? "" : "\n\n" + style.bold("Internals") + out;
}

// Workspaces are tracked too but not shown, as in the original: there is only one per daemon.
std::string activityBlock(const StatusView& view, const RenderContext& context,
                          const Style& style) {
  if (view.repos.keys == 0 && view.teams.keys == 0 && view.agents_activity.keys == 0) return "";
  auto describe = [&](const ActivityView& activity) {
    std::string text = std::to_string(activity.keys);
    if (activity.keys > 0 && !isZero(activity.last)) {
      text += " (last " + relative(activity.last, context.now) + ")";
    }
    return text;
  };
  return "\n\n" + style.bold("Activity") + "\n" + keyValue("Repos", describe(view.repos), style) +
         "\n" + keyValue("Teams", describe(view.teams), style) + "\n" +
         keyValue("Agents", describe(view.agents_activity), style);
}

std::string tableRow(std::string_view time, std::string_view type, std::string_view duration,
                     std::string_view files) {
  return "  " + padRight(time, 12) + " " + padRight(type, 8) + " " + padRight(duration, 10) + " " +
         std::string(files);
}

std::string recentSyncsBlock(const StatusView& view, const Style& style) {
  if (view.history.empty()) return "";
  std::string out = "\n\n" + style.bold("Recent Syncs (last 10)") + "\n\n" +
                    style.grey(tableRow("Time", "Type", "Duration", "Files"));
  std::size_t first = view.history.size() > kRecentSyncs ? view.history.size() - kRecentSyncs : 0;
  for (std::size_t i = first; i < view.history.size(); ++i) {
    const SyncEventView& event = view.history[i];
    out += "\n" + tableRow(localClock(event.time), event.type, compactDuration(event.duration_ns),
                           std::to_string(event.files_changed));
  }
  return out;
}

}  // namespace

std::string renderVerbose(const StatusView& view, const RenderContext& context) {
  Style style(context.colour);
  return compactBlock(view, context, true) + activitySection(view.history, context) +
         internalsBlock(view, context, style) + activityBlock(view, context, style) +
         recentSyncsBlock(view, style);
}

}  // namespace oxd::cli::status
