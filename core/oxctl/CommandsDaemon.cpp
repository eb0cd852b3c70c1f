// Commands about the daemon itself: ping, socket, status, stop, start.

#include <sys/wait.h>

#include <cstdlib>
#include <thread>

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

bool isNotRunning(const ipc::ClientError& error) {
  return error.kind() == ipc::ClientError::Kind::NotRunning;
}

// True when the daemon answered a ping; false when nothing listens at the socket. An
// unresponsive daemon counts as present (it holds the socket).
bool probe(Invocation& invocation, milliseconds timeout, bool* unresponsive = nullptr) {
  try {
    invocation.client().request(invocation.message("ping"), timeout);
    return true;
  } catch (const ipc::ClientError& error) {
    if (unresponsive) *unresponsive = !isNotRunning(error);
    return false;
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

}  // namespace

int runPing(Invocation& invocation) {
  nlohmann::json reply = invocation.client().request(invocation.message("ping"), kPingTimeout);
  const nlohmann::json& data = requireSuccess(reply);
  if (invocation.json) {
    printOut(data.dump());
  } else {
    printOut(data.is_string() ? data.get<std::string>() : std::string("pong"));
  }
  return kExitOk;
}

int runSocket(Invocation& invocation) {
  const std::string& socket = invocation.socketPath().native();
  printOut(invocation.json ? nlohmann::json(socket).dump() : socket);
  return kExitOk;
}

int runStatus(Invocation& invocation) {
  nlohmann::json reply;
  try {
    reply = invocation.client().request(invocation.message("status"), kRequestIdleTimeout);
  } catch (const ipc::ClientError& error) {
    // Scripts reading --json get an answer on stdout as well as the exit code (spec §6.6).
    if (invocation.json && isNotRunning(error)) printOut(R"({"running":false})");
    throw;
  }
  const nlohmann::json& data = requireSuccess(reply);
  printOut(invocation.json ? data.dump() : statusSummary(data));
  return kExitOk;
}

int runStop(Invocation& invocation) {
  requireSuccess(invocation.client().request(invocation.message("stop"), kRequestIdleTimeout));
  // The reply comes before the shutdown; "stopped" must mean the socket no longer accepts.
  auto deadline = Clock::now() + kStopWait;
  for (;;) {
    bool unresponsive = false;
    if (!probe(invocation, std::min(kProbeTimeout, remaining(deadline)), &unresponsive) &&
        !unresponsive) {
      printOut(invocation.json ? R"({"stopped":true})" : "stopped");
      return kExitOk;
    }
    if (Clock::now() >= deadline) {
      throw CommandError("daemon acknowledged stop but still holds its socket after 5 s (" +
                         invocation.socketPath().string() + ")");
    }
    std::this_thread::sleep_for(kStopPollInterval);
  }
}

int runStart(Invocation& invocation) {
  bool unresponsive = false;
  if (probe(invocation, kPingTimeout, &unresponsive)) {
    printOut(invocation.json ? R"({"started":false,"running":true})" : "already running");
    return kExitOk;
  }
  if (unresponsive) {
    throw CommandError("a daemon holds " + invocation.socketPath().string() +
                       " but does not answer; not starting another (see oxctl status)");
  }
  std::filesystem::path binary = findDaemonBinary();
  const char* forced = std::getenv("OXD_SOCKET");
  std::optional<std::string> socket_override;
  if (!(forced && *forced) && invocation.socket_flag) socket_override = invocation.socket_flag;
  pid_t pid = spawnDaemon(binary, invocation.root(), socket_override);

  auto deadline = Clock::now() + kStartWait;
  for (;;) {
    if (probe(invocation, std::min(kProbeTimeout, remaining(deadline)))) {
      printOut(invocation.json ? R"({"started":true,"running":true})" : "started");
      return kExitOk;
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

}  // namespace oxd::cli
