// The sync plugin's commands: sync [--team], checkout URL PATH, history, gc. Each is one request
// to the plugin; the streaming ones draw their stage lines with the shared progress renderer.

#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "oxctl/Cli.h"
#include "oxctl/Output.h"
#include "oxctl/PluginRequests.h"
#include "oxctl/status/StatusView.h"

namespace oxd::cli {
namespace {

namespace fs = std::filesystem;

// Stages that tell how a sync ended for the ledger or one team context; on a terminal the bar
// is redrawn in place and erased at the end, so these are printed again below it.
bool isOutcome(const std::string& stage) {
  return stage == "complete" || stage == "synced" || stage == "skipped" || stage == "error" ||
         stage == "cloning";
}

constexpr std::string_view kNoSyncPlugin = "this daemon has no sync plugin";

// Local "YYYY-MM-DD HH:MM:SS": history spans days, unlike the status view's recent syncs.
std::string localDateTime(status::TimePoint time) {
  std::time_t seconds = status::Clock::to_time_t(time);
  std::tm local{};
  if (!localtime_r(&seconds, &local)) return "----------- --:--:--";
  char buffer[32];
  std::size_t length = std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &local);
  return std::string(buffer, length);
}

std::string padRight(std::string_view text, std::size_t width) {
  return status::padRight(text, width);
}

std::string historyRow(std::string_view time, std::string_view what, std::string_view duration,
                       std::string_view files) {
  return padRight(time, 19) + "  " + padRight(what, 24) + "  " + padRight(duration, 8) + "  " +
         std::string(files);
}

}  // namespace

int runSync(Invocation& invocation) {
  bool team = invocation.has("--team");
  Streamed streamed =
      streamRequest(invocation, team ? "team_sync" : "sync", {}, kNoSyncPlugin, isOutcome);
  requireSuccess(streamed.reply);
  // team_sync always succeeds as a whole; a team that failed must still fail a script.
  return team && streamed.stage_failed ? kExitError : kExitOk;
}

int runCheckout(Invocation& invocation) {
  std::string type = invocation.value("--type").value_or("ledger");
  if (type != "ledger" && type != "team-context") {
    throw UsageError("--type: expected ledger or team-context, got '" + type + "'");
  }
  const std::string& url = invocation.positional[0];
  // The daemon runs elsewhere: a relative PATH means the caller's directory, not the daemon's.
  fs::path path = fs::absolute(invocation.positional[1]).lexically_normal();
  nlohmann::json payload = {{"clone_url", url}, {"repo_path", path.string()}, {"repo_type", type}};
  Streamed streamed = streamRequest(invocation, "checkout", payload, kNoSyncPlugin);
  const nlohmann::json& data = requireSuccess(streamed.reply);
  if (invocation.json) return kExitOk;
  std::string where = data.value("path", path.string());
  printOut(data.value("already_exists", false) ? where + " already holds a checkout; nothing cloned"
                                               : "cloned " + url + " into " + where);
  return kExitOk;
}

int runHistory(Invocation& invocation) {
  nlohmann::json reply = requestPlugin(invocation, "sync_history", {}, kNoSyncPlugin);
  const nlohmann::json& data = requireSuccess(reply);
  if (invocation.json) {
    printOut(data.dump());
    return kExitOk;
  }
  std::vector<status::SyncEventView> events = status::parseHistory(data);
  if (events.empty()) {
    printOut("no syncs yet (skipped syncs, where the remote had not moved, are not recorded)");
    return kExitOk;
  }
  printOut(historyRow("time", "type/id", "duration", "files"));
  for (const status::SyncEventView& event : events) {
    std::string what = event.type + (event.workspace_id.empty() ? "" : "/" + event.workspace_id);
    printOut(historyRow(localDateTime(event.time), what, compactDuration(event.duration_ns),
                        std::to_string(event.files_changed)));
  }
  return kExitOk;
}

int runGc(Invocation& invocation) {
  Streamed streamed =
      streamRequest(invocation, "trigger_gc", {},
                    "no GC in this daemon: its sync plugin predates GC, or none is loaded");
  const nlohmann::json& data = requireSuccess(streamed.reply);
  if (invocation.json) return kExitOk;
  // docs/protocol.md#trigger_gc: {triggered, skipped?, errors?, ledger_triggered?}; errors name the
  // team and why (uncommitted changes, reclone failed).
  auto count = [&](const char* key) {
    return data.is_object() && data.contains(key) && data[key].is_number_integer()
               ? data[key].get<std::int64_t>()
               : 0;
  };
  std::string line = "GC: " + std::to_string(count("triggered")) + " team context(s) re-cloned";
  if (count("skipped") > 0) line += ", " + std::to_string(count("skipped")) + " skipped";
  if (data.is_object() && data.value("ledger_triggered", false)) line += ", ledger re-cloned";
  printOut(line);
  bool failed = false;
  if (data.is_object() && data.contains("errors") && data["errors"].is_array()) {
    for (const nlohmann::json& error : data["errors"]) {
      if (!error.is_string()) continue;
      printOut("  " + error.get<std::string>());
      failed = true;
    }
  }
  return failed ? kExitError : kExitOk;
}

}  // namespace oxd::cli
