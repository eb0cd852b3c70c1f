// Commands that start, stop or reconfigure daemons: start, stop [--all], restart, reload.
// "Stopped" means the socket no longer accepts and "started" that it answers ping, so scripts
// can run the next command at once.

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "common/DaemonRegistry.h"
#include "common/Paths.h"
#include "oxctl/Cli.h"
#include "oxctl/Output.h"
#include "oxctl/Spawn.h"

namespace oxd::cli {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kStopWait{5000};
constexpr milliseconds kStopPollInterval{50};
constexpr milliseconds kStartWait{2000};
constexpr milliseconds kStartPollInterval{20};
// One probe while polling: short, so a daemon still busy starting or stopping costs little.
constexpr milliseconds kProbeTimeout{200};

enum class Presence { Answering, Absent, Unresponsive };

nlohmann::json messageFor(std::string_view type, const std::string& workspace_id) {
  return {{"type", type}, {"workspace_id", workspace_id}};
}

// An unresponsive daemon still counts as present: it holds the socket.
Presence probe(const ipc::IpcClient& client, const std::string& workspace_id,
               milliseconds timeout) {
  try {
    client.request(messageFor("ping", workspace_id), timeout);
    return Presence::Answering;
  } catch (const ipc::ClientError& error) {
    return error.kind() == ipc::ClientError::Kind::NotRunning ? Presence::Absent
                                                              : Presence::Unresponsive;
  }
}

milliseconds remaining(Clock::time_point deadline) {
  return std::max(milliseconds(1),
                  std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
}

std::string exitDescription(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "stopped";
}

// True once no process holds the workspace's instance lock (the pid file's flock): the daemon
// closes its socket first and releases the lock last, and a start in between would lose to it.
bool instanceLockFree(const std::string& workspace_id) {
  int fd = ::open(paths::pidPath(workspace_id).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return true;
  bool free = ::flock(fd, LOCK_SH | LOCK_NB) == 0;
  ::close(fd);
  return free;
}

// Sends stop and waits until the socket no longer accepts (the reply comes before shutdown) and
// the instance lock is released. Throws ipc::ClientError when nothing listens, CommandError when
// it does not go away.
void stopAndWait(const ipc::IpcClient& client, const std::string& workspace_id) {
  requireSuccess(client.request(messageFor("stop", workspace_id), kRequestIdleTimeout));
  auto deadline = Clock::now() + kStopWait;
  for (;;) {
    if (probe(client, workspace_id, std::min(kProbeTimeout, remaining(deadline))) ==
            Presence::Absent &&
        instanceLockFree(workspace_id)) {
      return;
    }
    if (Clock::now() >= deadline) {
      throw CommandError("daemon acknowledged stop but still holds its socket after 5 s (" +
                         client.socket().string() + ")");
    }
    std::this_thread::sleep_for(kStopPollInterval);
  }
}

// Launches oxd for the invocation's project and waits for it to answer ping.
void startAndWait(Invocation& invocation) {
  std::filesystem::path binary = findDaemonBinary();
  const char* forced = std::getenv("OXD_SOCKET");
  std::optional<std::string> socket_override;
  if (!(forced && *forced) && invocation.socket_flag) socket_override = invocation.socket_flag;
  pid_t pid = spawnDaemon(binary, invocation.root(), socket_override);

  ipc::IpcClient client = invocation.client();
  auto deadline = Clock::now() + kStartWait;
  for (;;) {
    if (probe(client, invocation.workspaceId(), std::min(kProbeTimeout, remaining(deadline))) ==
        Presence::Answering) {
      return;
    }
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      throw CommandError("daemon " + exitDescription(status) + " before answering (log: " +
                         paths::logPath(invocation.workspaceId()).string() + ")");
    }
    if (Clock::now() >= deadline) {
      throw CommandError("daemon started but not responding (" + invocation.socketPath().string() +
                         ")");
    }
    std::this_thread::sleep_for(kStartPollInterval);
  }
}

std::string describe(const registry::DaemonEntry& entry) {
  std::string text = entry.workspace_id;
  if (!entry.workspace_path.empty()) text += " (" + entry.workspace_path + ")";
  return text + " pid " + std::to_string(entry.pid);
}

nlohmann::json entryJson(const registry::DaemonEntry& entry) {
  return {{"workspace_id", entry.workspace_id},
          {"workspace_path", entry.workspace_path},
          {"socket_path", entry.socket_path},
          {"pid", entry.pid}};
}

// Every daemon in the registry: dead entries are pruned first, the others stopped one by one.
int stopAll(Invocation& invocation) {
  registry::DaemonRegistry daemons = registry::DaemonRegistry::atDefaultPath();
  nlohmann::json report = {{"stopped", nlohmann::json::array()},
                           {"not_listening", nlohmann::json::array()},
                           {"pruned", nlohmann::json::array()},
                           {"failed", nlohmann::json::array()}};
  for (const registry::DaemonEntry& entry : daemons.pruneDead()) {
    report["pruned"].push_back(entryJson(entry));
    if (!invocation.json) printOut("pruned   " + describe(entry) + ": process no longer exists");
  }
  for (const registry::DaemonEntry& entry : daemons.list()) {
    ipc::IpcClient client(entry.socket_path);
    try {
      stopAndWait(client, entry.workspace_id);
      report["stopped"].push_back(entryJson(entry));
      if (!invocation.json) printOut("stopped  " + describe(entry));
    } catch (const ipc::ClientError& error) {
      if (error.kind() == ipc::ClientError::Kind::NotRunning) {
        report["not_listening"].push_back(entryJson(entry));
        if (!invocation.json) {
          printOut("skipped  " + describe(entry) + ": nothing listens on " + entry.socket_path);
        }
        continue;
      }
      nlohmann::json failure = entryJson(entry);
      failure["error"] =
          std::string("not responding on ") + entry.socket_path + ": " + error.what();
      report["failed"].push_back(failure);
      if (!invocation.json)
        printErr("failed   " + describe(entry) + ": " + failure["error"].get<std::string>());
    } catch (const CommandError& error) {
      nlohmann::json failure = entryJson(entry);
      failure["error"] = error.what();
      report["failed"].push_back(failure);
      if (!invocation.json) printErr("failed   " + describe(entry) + ": " + error.what());
    }
  }
  bool nothing = report["stopped"].empty() && report["pruned"].empty() &&
                 report["failed"].empty() && report["not_listening"].empty();
  if (invocation.json) {
    printOut(report.dump());
  } else if (nothing) {
    printOut("no daemons in the registry (" + daemons.file().string() + ")");
  }
  return report["failed"].empty() ? kExitOk : kExitError;
}

}  // namespace

int runStop(Invocation& invocation) {
  if (invocation.has("--all")) return stopAll(invocation);
  stopAndWait(invocation.client(), invocation.workspaceId());
  printOut(invocation.json ? R"({"stopped":true})" : "stopped");
  return kExitOk;
}

int runStart(Invocation& invocation) {
  switch (probe(invocation.client(), invocation.workspaceId(), kPingTimeout)) {
    case Presence::Answering:
      printOut(invocation.json ? R"({"started":false,"running":true})" : "already running");
      return kExitOk;
    case Presence::Unresponsive:
      throw CommandError("a daemon holds " + invocation.socketPath().string() +
                         " but does not answer; not starting another (see oxctl status)");
    case Presence::Absent:
      break;
  }
  startAndWait(invocation);
  printOut(invocation.json ? R"({"started":true,"running":true})" : "started");
  return kExitOk;
}

int runRestart(Invocation& invocation) {
  bool was_running = false;
  switch (probe(invocation.client(), invocation.workspaceId(), kPingTimeout)) {
    case Presence::Answering:
      stopAndWait(invocation.client(), invocation.workspaceId());
      was_running = true;
      if (!invocation.json) printOut("stopped");
      break;
    case Presence::Unresponsive:
      throw CommandError("a daemon holds " + invocation.socketPath().string() +
                         " but does not answer ping; stop it by pid (see oxctl status)");
    case Presence::Absent:
      if (!invocation.json) printOut("not running");
      break;
  }
  startAndWait(invocation);
  if (invocation.json) {
    printOut(nlohmann::json{{"stopped", was_running}, {"started", true}, {"running", true}}.dump());
  } else {
    printOut("started");
  }
  return kExitOk;
}

int runReload(Invocation& invocation) {
  nlohmann::json reply =
      invocation.client().request(invocation.message("reload"), kRequestIdleTimeout);
  if (invocation.json) {
    printOut(reply.dump());
    return reply.value("success", false) ? kExitOk : kExitError;
  }
  auto data = reply.find("data");
  if (!reply.value("success", false) && data != reply.end() && data->is_object() &&
      data->contains("errors") && (*data)["errors"].is_array()) {
    // Every invalid setting at once, so one edit fixes them all.
    printErr("error: invalid config, nothing changed:");
    for (const auto& error : (*data)["errors"]) {
      printErr("  " + (error.is_string() ? error.get<std::string>() : error.dump()));
    }
    return kExitError;
  }
  requireSuccess(reply);
  printOut("reloaded");
  return kExitOk;
}

}  // namespace oxd::cli
