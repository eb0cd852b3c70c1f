// `oxctl daemons` (docs/behavior.md#oxctl-status): every oxd of this user, from the registry.

#include <cstdio>

#include "oxctl/Output.h"
#include "oxctl/status/Render.h"

namespace oxd::cli::status {
namespace {

constexpr std::size_t kPathColumn = 40;

// Long paths keep their most telling part, the project directory's name.
std::string listedPath(const std::string& path, const RenderContext& context) {
  std::string shown = shortenPath(path, context.home);
  if (displayWidth(shown) <= kPathColumn) return shown;
  return "..." + std::filesystem::path(path).filename().string();
}

std::string row(std::string_view workspace, std::string_view pid, std::string_view version,
                std::string_view uptime) {
  return padRight(workspace, 42) + " " + padRight(pid, 8) + " " + padRight(version, 10) + " " +
         std::string(uptime);
}

}  // namespace

std::string renderDaemonList(const std::vector<registry::DaemonEntry>& daemons,
                             const RenderContext& context) {
  if (daemons.empty()) return "No oxd daemons running";
  Style style(context.colour);
  std::string out = style.bold("Running Daemons (" + std::to_string(daemons.size()) + ")") + "\n" +
                    style.grey(row("Workspace", "PID", "Version", "Uptime"));
  for (const registry::DaemonEntry& entry : daemons) {
    std::string uptime = isZero(entry.started_at)
                             ? "-"
                             : compactDuration(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                   context.now - entry.started_at)
                                                   .count());
    out += "\n" + row(listedPath(entry.workspace_path, context), std::to_string(entry.pid),
                      entry.version, uptime);
  }
  return out;
}

nlohmann::ordered_json daemonListJson(const std::vector<registry::DaemonEntry>& daemons) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const registry::DaemonEntry& entry : daemons) {
    nlohmann::ordered_json item;
    item["workspace_id"] = entry.workspace_id;
    item["workspace_path"] = entry.workspace_path;
    if (!entry.repo_id.empty()) item["repo_id"] = entry.repo_id;
    item["socket_path"] = entry.socket_path;
    item["pid"] = entry.pid;
    item["version"] = entry.version;
    item["started_at"] = registry::DaemonRegistry::formatTime(entry.started_at);
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace oxd::cli::status
