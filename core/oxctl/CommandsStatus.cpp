// `oxctl status` and `oxctl daemons`: gather the data (at most three requests: status, plugins,
// sync_history) and hand it to the pure renderers in core/oxctl/status/.

#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>

#include <fstream>

#include "common/DaemonRegistry.h"
#include "common/Paths.h"
#include "common/Process.h"
#include "oxctl/Cli.h"
#include "oxctl/Output.h"
#include "oxctl/status/Render.h"
#include "oxctl/status/Terminal.h"

#ifndef OXD_VERSION
#error "OXD_VERSION must be defined for oxctl (core/CMakeLists.txt)"
#endif

namespace oxd::cli {
namespace {

namespace fs = std::filesystem;
using status::AbsentDaemon;

// A process that has held the workspace this long without opening its socket is not starting
// any more, it is stuck (docs/behavior.md#one-daemon-per-workspace).
constexpr auto kStartupStuckAfter = std::chrono::minutes(3);

status::RenderContext renderContext(const Invocation& invocation) {
  return {status::Clock::now(), paths::home(),
          !invocation.json && status::colourWanted(STDOUT_FILENO), OXD_VERSION};
}

// The live process that claims this workspace (pid file first, then the registry), and since
// when it has claimed it.
struct Claimant {
  long long pid = 0;
  status::TimePoint since{};
};

std::optional<Claimant> findClaimant(Invocation& invocation) {
  const std::string& workspace_id = invocation.workspaceId();
  fs::path pid_file = paths::pidPath(workspace_id);
  long long pid = 0;
  if (std::ifstream input(pid_file); input >> pid && process::isAlive(static_cast<pid_t>(pid))) {
    struct stat info {};
    status::TimePoint since{};
    if (::stat(pid_file.c_str(), &info) == 0) {
      since = status::Clock::from_time_t(info.st_mtim.tv_sec);
    }
    return Claimant{pid, since};
  }
  try {
    auto entry = registry::DaemonRegistry::atDefaultPath().findByWorkspaceId(workspace_id);
    if (entry && process::isAlive(entry->pid)) return Claimant{entry->pid, entry->started_at};
  } catch (const std::exception&) {
    // An unreadable registry says nothing about this workspace.
  }
  return std::nullopt;
}

bool insideProject(Invocation& invocation) {
  std::error_code ignored;
  const fs::path& root = invocation.root();
  return fs::exists(root / ".oxd", ignored) || fs::exists(root / ".git", ignored);
}

AbsentDaemon describeAbsent(Invocation& invocation, const ipc::ClientError& error) {
  AbsentDaemon absent;
  absent.socket = invocation.socketPath();
  absent.inside_project = insideProject(invocation);
  const char* no_autostart = std::getenv("OXD_NO_AUTOSTART");
  absent.autostart_off = no_autostart && *no_autostart && std::string_view(no_autostart) != "0";
  std::optional<Claimant> claimant = findClaimant(invocation);
  if (claimant) absent.pid = claimant->pid;
  if (error.kind() == ipc::ClientError::Kind::Unresponsive) {
    absent.kind = AbsentDaemon::Kind::Stuck;
    absent.detail = error.what();
  } else if (claimant) {
    auto age = status::Clock::now() - claimant->since;
    if (!status::isZero(claimant->since) && age > kStartupStuckAfter) {
      absent.kind = AbsentDaemon::Kind::Stuck;
      absent.detail = "process " + std::to_string(claimant->pid) + " has not opened it for " +
                      status::ageText(age);
    } else {
      absent.kind = AbsentDaemon::Kind::Starting;
    }
  }
  return absent;
}

// The optional parts of the view: a daemon without the plugin (or too old, or busy) simply
// gets a view without them.
std::optional<nlohmann::json> optionalRequest(Invocation& invocation, std::string_view type) {
  try {
    nlohmann::json reply = invocation.client().request(invocation.message(type), kPingTimeout);
    auto success = reply.find("success");
    if (success == reply.end() || !success->is_boolean() || !success->get<bool>()) {
      return std::nullopt;  // e.g. "unknown message type": no sync plugin loaded
    }
    auto data = reply.find("data");
    return data == reply.end() ? nlohmann::json() : *data;
  } catch (const ipc::ClientError&) {
    return std::nullopt;
  }
}

}  // namespace

int runStatus(Invocation& invocation) {
  status::RenderContext context = renderContext(invocation);
  nlohmann::json reply;
  try {
    // The ping timeout, not the long request one: a daemon that cannot answer status within
    // it is what the user must hear about ("Stuck"), not a 30 s wait.
    // Without the activity rings: the view shows counts and last times only.
    reply = invocation.client().request(
        invocation.message("status", nlohmann::json{{"activity_timestamps", false}}), kPingTimeout);
  } catch (const ipc::ClientError& error) {
    AbsentDaemon absent = describeAbsent(invocation, error);
    printOut(invocation.json ? absentJson(absent).dump() : renderAbsent(absent, context));
    return absent.kind == AbsentDaemon::Kind::Stuck ? kExitError : kExitNotRunning;
  }
  status::StatusView view = status::parseStatus(requireSuccess(reply));
  if (auto plugins = optionalRequest(invocation, "plugins")) {
    view.plugins = status::parsePlugins(*plugins);
  }
  if (invocation.json) {
    printOut(statusJson(view, context).dump());
    return kExitOk;
  }
  // No sync fields in status: no sync plugin, so no history to ask for (hooks run status too;
  // each request is a round trip).
  if (view.sync_reported) {
    if (auto history = optionalRequest(invocation, "sync_history")) {
      view.history = status::parseHistory(*history);
    }
  }
  printOut(invocation.has("--verbose") ? renderVerbose(view, context)
                                       : renderCompact(view, context));
  return kExitOk;
}

int runDaemons(Invocation& invocation) {
  registry::DaemonRegistry registry = registry::DaemonRegistry::atDefaultPath();
  std::vector<registry::DaemonEntry> running;
  std::error_code ignored;
  // No registry yet: nothing ran, and listing must not create the runtime directory.
  if (fs::exists(registry.file(), ignored)) {
    try {
      registry.pruneDead();
    } catch (const std::exception&) {
      // A registry we cannot rewrite is still readable; dead entries are filtered below.
    }
    for (registry::DaemonEntry& entry : registry.list()) {
      if (process::isAlive(entry.pid)) running.push_back(std::move(entry));
    }
  }
  if (invocation.json) {
    printOut(status::daemonListJson(running).dump());
  } else {
    printOut(status::renderDaemonList(running, renderContext(invocation)));
  }
  return kExitOk;
}

}  // namespace oxd::cli
