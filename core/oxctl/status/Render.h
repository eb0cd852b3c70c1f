#pragma once
// The status views as pure functions of a model, `now`, the home directory and a colour flag,
// so golden tests render them deterministically. Text comes back without a final newline.
// Layouts follow docs/behavior.md#oxctl-status; additions to the Go layout are marked where they
// are drawn.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/DaemonRegistry.h"
#include "oxctl/status/StatusView.h"

namespace oxd::cli::status {

struct RenderContext {
  TimePoint now{};
  std::filesystem::path home;  // for `~` in paths
  bool colour = false;
  std::string cli_version;  // this oxctl's OXD_VERSION, compared with the daemon's
};

// `oxctl status`: the compact block plus the 4-hour activity sparkline.
std::string renderCompact(const StatusView& view, const RenderContext& context);
// `oxctl status --verbose`: compact (with GC ages) + sparkline + Internals, Activity and
// Recent Syncs.
std::string renderVerbose(const StatusView& view, const RenderContext& context);

// 48 five-minute buckets over [now − 4 h, now], `|` before buckets 12, 24 and 36 (51 chars);
// 49 × `─` when there are no events at all.
std::string sparkline(const std::vector<TimePoint>& events, TimePoint now);
// "" when history is empty; else a blank line, `  Activity (4h)  <sparkline>` and the
// time-marker line.
std::string activitySection(const std::vector<SyncEventView>& history,
                            const RenderContext& context);

// `oxctl status --json` for a running daemon (the 0.6 StatusJSON, see StatusJson.cpp).
nlohmann::ordered_json statusJson(const StatusView& view, const RenderContext& context);

// The daemon is not answering. `socket` is where oxctl looked; `pid` the live process that
// holds the workspace, when known.
struct AbsentDaemon {
  enum class Kind { NotRunning, Starting, Stuck } kind = Kind::NotRunning;
  bool inside_project = false;  // a `.oxd/` or `.git` was found above the working directory
  bool autostart_off = false;   // OXD_NO_AUTOSTART=1: hooks do not start the daemon
  std::filesystem::path socket;
  std::optional<long long> pid;
  std::string detail;  // Stuck: what the client saw ("no reply from daemon within 2000 ms")
};
std::string renderAbsent(const AbsentDaemon& absent, const RenderContext& context);
nlohmann::ordered_json absentJson(const AbsentDaemon& absent);

// `oxctl daemons` (docs/behavior.md#oxctl-status).
std::string renderDaemonList(const std::vector<registry::DaemonEntry>& daemons,
                             const RenderContext& context);
nlohmann::ordered_json daemonListJson(const std::vector<registry::DaemonEntry>& daemons);

}  // namespace oxd::cli::status
