// What `oxctl status` says when no daemon answers (docs/behavior.md#oxctl-status), with the
// original's "ox" commands replaced by oxctl's. Every variant names the socket, so a user can tell
// a wrong project or OXD_SOCKET from a stopped daemon.

#include "oxctl/status/Render.h"

namespace oxd::cli::status {

std::string renderAbsent(const AbsentDaemon& absent, const RenderContext& context) {
  Style style(context.colour);
  std::string socket = "  " + style.grey("Socket:") + " " + absent.socket.string();
  std::string pid = absent.pid ? std::to_string(*absent.pid) : "";
  switch (absent.kind) {
    case AbsentDaemon::Kind::Starting:
      return style.yellow("◐ Daemon: Starting") +
             "\n\n"
             "  Process is running but not yet accepting connections.\n"
             "  This may take a few seconds (longer if recently restarted).\n\n" +
             (pid.empty() ? "" : "  " + style.grey("PID:") + " " + pid + "\n") + socket;
    case AbsentDaemon::Kind::Stuck:
      return style.red("○ Daemon: Stuck") +
             "\n\n  The daemon holds its socket but does not answer" +
             (absent.detail.empty() ? "." : " (" + absent.detail + ").") +
             "\n  Restart it: oxctl restart" +
             (pid.empty() ? "" : "\n  If that hangs too: kill " + pid) + "\n\n" + socket;
    case AbsentDaemon::Kind::NotRunning:
      break;
  }
  std::string out = style.grey("○ Daemon: Not running") + "\n\n";
  if (absent.inside_project) {
    // docs/behavior.md#auto-start: true only because hooks' oxctl commands start it.
    out += "  No active AI coworker session detected.\n";
    out +=
        absent.autostart_off
            ? "  Auto-start is off (OXD_NO_AUTOSTART): agent hooks do not start the daemon.\n\n"
            : "  The daemon starts when an agent's hook runs oxctl (heartbeat, whispers, …).\n\n";
    out += "  To start manually: oxctl start\n";
  } else {
    out +=
        "  Not inside a project (no .oxd/ or .git found).\n"
        "  Run oxctl from inside a git repository, or pass --project DIR.\n";
  }
  return out + socket;
}

nlohmann::ordered_json absentJson(const AbsentDaemon& absent) {
  nlohmann::ordered_json out;
  out["running"] = false;
  if (absent.kind == AbsentDaemon::Kind::Starting) out["starting"] = true;
  if (absent.kind == AbsentDaemon::Kind::Stuck) out["stuck"] = true;
  if (absent.kind != AbsentDaemon::Kind::NotRunning && absent.pid) out["pid"] = *absent.pid;
  return out;
}

}  // namespace oxd::cli::status
