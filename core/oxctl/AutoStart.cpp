#include "oxctl/AutoStart.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <oxd/duration.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>

#include "common/AtomicFile.h"
#include "common/Paths.h"
#include "common/Spool.h"
#include "oxctl/Spawn.h"
#include "oxctl/UserConfig.h"

namespace oxd::cli {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::array<std::string_view, 9> kStartingCommands{
    "heartbeat", "send", "whispers", "murmur", "sync", "checkout", "index", "search", "gc"};
constexpr milliseconds kDefaultWait{2000};
// A command that needs a reply cannot spool: it waits longer for the daemon it started.
constexpr milliseconds kRequestStartWait{15000};
constexpr milliseconds kPollInterval{10};
// Kept back from autostart_wait for what follows the wait (the spool's fsync, on a busy disk),
// so the command returns within autostart_wait + 50 ms (tests/bench/README.md).
constexpr milliseconds kSpoolReserve{30};

bool disabledByEnvironment() {
  const char* value = std::getenv("OXD_NO_AUTOSTART");
  return value && *value && std::string_view(value) != "0";
}

std::optional<milliseconds> parseWait(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  auto parsed = sdk::parseDuration(text);
  if (!parsed || parsed->count() < 0) return std::nullopt;
  return std::chrono::duration_cast<milliseconds>(*parsed);
}

std::optional<milliseconds> waitInFile(const fs::path& file) {
  try {
    std::optional<std::string> text = files::readWhole(file);
    if (!text) return std::nullopt;
    if (auto value = iniValue(*text, "daemon", "autostart_wait")) return parseWait(*value);
  } catch (const std::exception&) {
    // An unreadable layer is the daemon's to report (oxctl config check); the default holds.
  }
  return std::nullopt;
}

// Held until this process exits: of the oxctls that find no daemon at once, one starts it and
// the others only wait for its socket. Only an economy — the instance lock is what decides.
bool takeStartGate(Invocation& invocation) {
  try {
    paths::ensurePrivateDir(paths::runtimeDir());
  } catch (const std::exception&) {
    return true;
  }
  fs::path gate = paths::runtimeDir() / ("oxd-" + invocation.workspaceId() + ".start");
  int fd = ::open(gate.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return true;
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;  // fd stays open: the gate stays ours
  ::close(fd);
  return false;
}

// Starts oxd, or leaves it to the oxctl that holds the gate. Returns the spawned pid (0 when
// the service manager or another oxctl starts it).
pid_t startInBackground(Invocation& invocation) {
  if (!takeStartGate(invocation)) return 0;
  if (startInstalledService(invocation)) return 0;
  const char* forced = std::getenv("OXD_SOCKET");
  std::optional<std::string> socket_override;
  if (!(forced && *forced) && invocation.socket_flag) socket_override = invocation.socket_flag;
  return spawnDaemon(findDaemonBinary(), invocation.root(), socket_override);
}

// Polls until the socket accepts or `deadline`; reaps the child it started meanwhile (a daemon
// that lost the race to another exits at once).
bool waitForSocket(const fs::path& socket, pid_t child, Clock::time_point deadline) {
  for (;;) {
    if (socketAccepts(socket)) return true;
    if (child > 0 && ::waitpid(child, nullptr, WNOHANG) == child) child = 0;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
}

}  // namespace

bool commandStartsDaemon(std::string_view command_name) {
  return std::find(kStartingCommands.begin(), kStartingCommands.end(), command_name) !=
         kStartingCommands.end();
}

bool autostartAllowed(const Invocation& invocation) {
  return invocation.command && commandStartsDaemon(invocation.command->name) &&
         !invocation.no_start && !disabledByEnvironment();
}

milliseconds autostartWait(Invocation& invocation) {
  std::optional<milliseconds> wait;
  auto consider = [&](std::optional<milliseconds> found) {
    if (found) wait = found;
  };
  // Lowest layer first, as the daemon reads them (docs/architecture.md#configuration).
  consider(waitInFile("/etc/oxd/oxd.ini"));
  consider(waitInFile(userConfigPath()));
  consider(waitInFile(invocation.root() / ".oxd" / "oxd.ini"));
  if (const char* value = std::getenv("OXD_DAEMON__AUTOSTART_WAIT")) consider(parseWait(value));
  return wait.value_or(kDefaultWait);
}

bool socketAccepts(const fs::path& socket) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string& text = socket.native();
  if (text.empty() || text.size() >= sizeof address.sun_path) return false;
  std::memcpy(address.sun_path, text.data(), text.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  int result = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  int error = errno;
  ::close(fd);
  // EAGAIN: the backlog is full, so someone listens.
  return result == 0 || error == EAGAIN;
}

void ensureDaemon(Invocation& invocation) {
  const fs::path& socket = invocation.socketPath();
  if (socketAccepts(socket)) return;
  if (!autostartAllowed(invocation)) {
    throw ipc::ClientError(ipc::ClientError::Kind::NotRunning,
                           "daemon not running (" + socket.string() + ")");
  }
  pid_t child = startInBackground(invocation);
  milliseconds wait = std::max(kRequestStartWait, autostartWait(invocation));
  if (!waitForSocket(socket, child, Clock::now() + wait)) {
    throw CommandError("started oxd for " + invocation.root().string() +
                       ", but it did not answer " + "on " + socket.string() + " within " +
                       std::to_string(wait.count() / 1000) +
                       " s (log: " + paths::logPath(invocation.workspaceId()).string() + ")");
  }
}

void deliverOneWay(Invocation& invocation, const nlohmann::json& message) {
  const fs::path& socket = invocation.socketPath();
  ipc::IpcClient direct(socket);
  try {
    direct.sendOneWay(message, kOneWayTimeout);
    return;
  } catch (const ipc::ClientError& error) {
    if (error.kind() != ipc::ClientError::Kind::NotRunning || !autostartAllowed(invocation)) throw;
  }
  auto deadline =
      Clock::now() + std::max(milliseconds(0), autostartWait(invocation) - kSpoolReserve);
  std::string start_error;
  pid_t child = 0;
  try {
    child = startInBackground(invocation);
  } catch (const std::exception& error) {
    start_error = error.what();  // still spooled below: the next daemon to start replays it
  }
  while (start_error.empty() && waitForSocket(socket, child, deadline)) {
    try {
      direct.sendOneWay(message, kOneWayTimeout);
      return;
    } catch (const ipc::ClientError& error) {
      // Gone again between the probe and the send (a loser's socket, a stop): keep waiting.
      if (error.kind() != ipc::ClientError::Kind::NotRunning) throw;
      if (Clock::now() >= deadline) break;
    }
  }
  fs::path spool_file = paths::spoolPath(invocation.workspaceId());
  spool::AppendOutcome outcome;
  try {
    outcome = spool::append(spool_file, message.dump(), [&] { return socketAccepts(socket); });
  } catch (const std::exception& error) {
    throw CommandError(std::string("oxd is not answering and the message cannot be spooled: ") +
                       error.what());
  }
  if (outcome == spool::AppendOutcome::DaemonServing) {
    direct.sendOneWay(message, kOneWayTimeout);
    return;
  }
  if (!start_error.empty()) {
    throw CommandError("cannot start oxd (" + start_error + "); the message is spooled in " +
                       spool_file.string() + " for the next oxd to start");
  }
}

}  // namespace oxd::cli
