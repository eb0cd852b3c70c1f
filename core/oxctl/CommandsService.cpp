// `oxctl service install|uninstall [--now]`: run this project's oxd under the user's service
// manager — an instance of the systemd user unit oxd@.service on Linux, a launchd LaunchAgent
// on macOS. The service manager programs can be replaced through OXD_SYSTEMCTL and
// OXD_LAUNCHCTL (tests record their arguments; there is no user manager in CI).

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "common/AtomicFile.h"
#include "common/Paths.h"
#include "oxctl/AutoStart.h"
#include "oxctl/Cli.h"
#include "oxctl/Output.h"
#include "oxctl/ServiceUnit.h"
#include "oxctl/Spawn.h"

extern char** environ;

namespace oxd::cli {
namespace fs = std::filesystem;

namespace {

using std::chrono::milliseconds;

constexpr milliseconds kHandOverWait{5000};
constexpr milliseconds kHandOverPoll{50};

std::string program(const char* variable, const char* fallback) {
  const char* value = std::getenv(variable);
  return value && *value ? value : fallback;
}

std::string commandLine(const std::vector<std::string>& argv) {
  std::string text;
  for (const std::string& argument : argv) text += (text.empty() ? "" : " ") + argument;
  return text;
}

enum class ToolOutput { ToStderr, Discarded };

// Runs argv (looked up on PATH) and returns its exit status. stdin is /dev/null; what the tool
// prints goes to our stderr (it is commentary: stdout stays free for --json) or nowhere.
int runTool(const std::vector<std::string>& argv, ToolOutput output = ToolOutput::ToStderr) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (output == ToolOutput::Discarded) {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  } else {
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  }
  std::vector<char*> arguments;
  for (const std::string& argument : argv) arguments.push_back(const_cast<char*>(argument.c_str()));
  arguments.push_back(nullptr);
  pid_t pid = 0;
  int error = ::posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, arguments.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw CommandError("cannot run " + argv[0] + ": " + std::strerror(error));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

void runOrFail(const std::vector<std::string>& argv) {
  int status = runTool(argv);
  if (status != 0) {
    throw CommandError("`" + commandLine(argv) + "` failed with exit status " +
                       std::to_string(status));
  }
}

void writeFile(const fs::path& file, std::string_view text) {
  try {
    files::writeAtomically(file, text, 0644);
  } catch (const std::exception& error) {
    throw CommandError("cannot write " + file.string() + ": " + error.what());
  }
}

void removeFile(const fs::path& file) {
  std::error_code error;
  fs::remove(file, error);
  if (error) throw CommandError("cannot remove " + file.string() + ": " + error.message());
}

// A daemon started by hand (`oxctl start`, a hook) holds the workspace: the service's oxd would
// exit at once and the service manager would retry it in vain. Stop it; the manager starts the
// next one. A holder that does not answer is left to oxd's own stuck-daemon takeover.
bool handOverRunningDaemon(Invocation& invocation) {
  auto answers = [&](milliseconds timeout) {
    try {
      invocation.client().request(invocation.message("ping"), timeout);
      return true;
    } catch (const ipc::ClientError&) {
      return false;
    }
  };
  if (!answers(kPingTimeout)) return false;
  requireSuccess(invocation.client().request(invocation.message("stop"), kRequestIdleTimeout));
  auto deadline = std::chrono::steady_clock::now() + kHandOverWait;
  while (answers(milliseconds(200))) {
    if (std::chrono::steady_clock::now() >= deadline) {
      throw CommandError("the running oxd acknowledged stop but still answers on " +
                         invocation.socketPath().string() + " after 5 s");
    }
    std::this_thread::sleep_for(kHandOverPoll);
  }
  return true;
}

// The directories the sandboxed unit may write but cannot create (the rest of $HOME is
// read-only to it): make them now, as the user.
void makeDaemonDirs() {
  for (const fs::path& dir :
       {paths::dataDir(), paths::stateDir(), paths::cacheDir(), paths::configDir()}) {
    try {
      files::makeMissingDirs(dir);
    } catch (const std::exception& error) {
      throw CommandError("cannot create " + dir.string() + ": " + error.what());
    }
  }
}

#ifndef __APPLE__

// $XDG_CONFIG_HOME/systemd/user, where `systemctl --user` finds the user's own units
// (paths::configDir() is $XDG_CONFIG_HOME/oxd).
fs::path userUnitDir() { return paths::configDir().parent_path() / "systemd" / "user"; }

std::vector<std::string> systemctl(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {program("OXD_SYSTEMCTL", "systemctl"), "--user"});
  return arguments;
}

// Instances of oxd@.service enabled in the user's unit dir (links in <target>.wants/).
std::vector<std::string> enabledInstances(const fs::path& unit_dir) {
  std::vector<std::string> found;
  std::error_code error;
  for (const auto& target : fs::directory_iterator(unit_dir, error)) {
    const std::string name = target.path().filename().string();
    if (!name.ends_with(".wants") && !name.ends_with(".requires")) continue;
    for (const auto& link : fs::directory_iterator(target.path(), error)) {
      std::string unit = link.path().filename().string();
      if (unit.starts_with("oxd@") && unit.ends_with(".service") && unit != "oxd@.service")
        found.push_back(unit);
    }
  }
  return found;
}

nlohmann::json readProjectFile(const fs::path& root) {
  fs::path file = root / ".oxd" / "project.json";
  std::optional<std::string> text;
  try {
    text = files::readWhole(file);
  } catch (const std::exception& error) {
    throw CommandError("cannot read " + file.string() + ": " + error.what());
  }
  if (!text) return nullptr;
  nlohmann::json parsed = nlohmann::json::parse(*text, nullptr, false);
  if (parsed.is_discarded()) throw CommandError(file.string() + " is not valid JSON");
  return parsed;
}

std::string instanceFor(Invocation& invocation) {
  try {
    return service::systemdInstance(invocation.root());
  } catch (const std::invalid_argument& error) {
    throw CommandError(std::string("cannot name the systemd unit: ") + error.what());
  }
}

int install(Invocation& invocation, bool now) {
  const std::string instance = instanceFor(invocation);
  const fs::path unit_dir = userUnitDir();
  const fs::path unit_file = unit_dir / "oxd@.service";
  const fs::path drop_in = unit_dir / (instance + ".d") / "oxd-paths.conf";
  fs::path binary = fs::absolute(findDaemonBinary()).lexically_normal();

  writeFile(unit_file, service::renderSystemdUnit(service::systemdUnitTemplate(), binary));
  std::vector<fs::path> outside = service::checkoutsOutside(readProjectFile(invocation.root()),
                                                            invocation.root(), paths::dataDir());
  if (outside.empty()) {
    removeFile(drop_in);  // a checkout moved back inside: the old grant must go
    std::error_code ignored;
    fs::remove(drop_in.parent_path(), ignored);  // only when empty: the user's drop-ins stay
  } else {
    for (const fs::path& dir : outside) files::makeMissingDirs(dir);
    writeFile(drop_in, service::renderPathsDropIn(outside));
  }
  makeDaemonDirs();
  bool handed_over = now && handOverRunningDaemon(invocation);
  runOrFail(systemctl({"daemon-reload"}));
  runOrFail(now ? systemctl({"enable", "--now", instance}) : systemctl({"enable", instance}));

  if (invocation.json) {
    printOut(nlohmann::json{
        {"unit", instance},
        {"unit_file", unit_file.string()},
        {"drop_in", outside.empty() ? nlohmann::json() : nlohmann::json(drop_in.string())},
        {"enabled", true},
        {"started",
         now}}.dump());
    return kExitOk;
  }
  printOut("wrote " + unit_file.string());
  if (!outside.empty()) printOut("wrote " + drop_in.string());
  if (handed_over) printOut("stopped the oxd started by hand, for systemd to run it");
  printOut(now ? "enabled and started " + instance
               : "enabled " + instance + " (starts at login; now: systemctl --user start " +
                     instance + ")");
  return kExitOk;
}

int uninstall(Invocation& invocation, bool now) {
  const std::string instance = instanceFor(invocation);
  const fs::path unit_dir = userUnitDir();
  const fs::path unit_file = unit_dir / "oxd@.service";
  const fs::path drop_in_dir = unit_dir / (instance + ".d");
  std::vector<std::string> enabled = enabledInstances(unit_dir);
  bool was_enabled = std::find(enabled.begin(), enabled.end(), instance) != enabled.end();
  if (!was_enabled && !fs::exists(unit_file)) {
    printOut(invocation.json ? nlohmann::json{{"unit", instance}, {"installed", false}}.dump()
                             : instance + " is not installed (no " + unit_file.string() + ")");
    return kExitOk;
  }
  runOrFail(now ? systemctl({"disable", "--now", instance}) : systemctl({"disable", instance}));
  std::error_code error;
  fs::remove_all(drop_in_dir, error);
  if (error) throw CommandError("cannot remove " + drop_in_dir.string() + ": " + error.message());
  std::erase(enabled, instance);
  bool remove_unit = enabled.empty() && fs::exists(unit_file);
  if (remove_unit) removeFile(unit_file);
  runOrFail(systemctl({"daemon-reload"}));

  if (invocation.json) {
    printOut(nlohmann::json{{"unit", instance},
                            {"disabled", true},
                            {"stopped", now},
                            {"unit_file_removed", remove_unit}}
                 .dump());
    return kExitOk;
  }
  printOut(now ? "disabled and stopped " + instance : "disabled " + instance);
  if (remove_unit) {
    printOut("removed " + unit_file.string());
  } else if (!enabled.empty()) {
    printOut("kept " + unit_file.string() + ": " + enabled.front() + " still uses it");
  }
  return kExitOk;
}

#else  // __APPLE__: a LaunchAgent per project, managed with launchctl in the gui/<uid> domain.

std::vector<std::string> launchctl(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), program("OXD_LAUNCHCTL", "launchctl"));
  return arguments;
}

struct Agent {
  std::string label;
  std::string domain;  // gui/<uid>
  std::string target;  // gui/<uid>/<label>
  fs::path plist;      // ~/Library/LaunchAgents/<label>.plist
};

Agent agentFor(Invocation& invocation) {
  Agent agent;
  agent.label = service::launchdLabel(invocation.workspaceId());
  agent.domain = "gui/" + std::to_string(::getuid());
  agent.target = agent.domain + "/" + agent.label;
  agent.plist = paths::home() / "Library" / "LaunchAgents" / (agent.label + ".plist");
  return agent;
}

bool loaded(const Agent& agent) {
  return runTool(launchctl({"print", agent.target}), ToolOutput::Discarded) == 0;
}

int install(Invocation& invocation, bool now) {
  Agent agent = agentFor(invocation);
  fs::path log_dir = paths::stateDir() / "logs";
  makeDaemonDirs();
  files::makeMissingDirs(log_dir);
  writeFile(agent.plist, service::renderLaunchdPlist(service::launchdPlistTemplate(),
                                                     {agent.label, fs::absolute(findDaemonBinary()),
                                                      invocation.root(), log_dir}));
  if (now) {
    handOverRunningDaemon(invocation);
    if (loaded(agent)) runOrFail(launchctl({"bootout", agent.target}));  // the old definition
    runOrFail(launchctl({"bootstrap", agent.domain, agent.plist.string()}));
  }
  if (invocation.json) {
    printOut(nlohmann::json{
        {"label", agent.label},
        {"plist", agent.plist.string()},
        {"enabled", true},
        {"started",
         now}}.dump());
  } else {
    printOut("wrote " + agent.plist.string());
    printOut(now ? "loaded and started " + agent.label
                 : "launchd starts " + agent.label + " at login; now: launchctl bootstrap " +
                       agent.domain + " " + agent.plist.string());
  }
  return kExitOk;
}

int uninstall(Invocation& invocation, bool now) {
  Agent agent = agentFor(invocation);
  if (!fs::exists(agent.plist)) {
    printOut(invocation.json ? nlohmann::json{{"label", agent.label}, {"installed", false}}.dump()
                             : agent.label + " is not installed (no " + agent.plist.string() + ")");
    return kExitOk;
  }
  bool stopped = now && loaded(agent);
  if (stopped) runOrFail(launchctl({"bootout", agent.target}));
  removeFile(agent.plist);
  if (invocation.json) {
    printOut(
        nlohmann::json{{"label", agent.label}, {"disabled", true}, {"stopped", stopped}}.dump());
  } else {
    printOut("removed " + agent.plist.string() + (stopped ? " and stopped " + agent.label : ""));
  }
  return kExitOk;
}

#endif

}  // namespace

#ifndef __APPLE__
bool startInstalledService(Invocation& invocation) {
  try {
    const std::string instance = service::systemdInstance(invocation.root());
    const fs::path unit_dir = userUnitDir();
    if (!fs::exists(unit_dir / "oxd@.service")) return false;
    std::vector<std::string> enabled = enabledInstances(unit_dir);
    if (std::find(enabled.begin(), enabled.end(), instance) == enabled.end()) return false;
    // --no-block: the hook must not wait for READY; oxctl polls the socket itself.
    return runTool(systemctl({"start", "--no-block", instance}), ToolOutput::Discarded) == 0;
  } catch (const std::exception&) {
    return false;  // no usable service manager: oxctl starts oxd itself
  }
}
#else
bool startInstalledService(Invocation& invocation) {
  try {
    Agent agent = agentFor(invocation);
    if (!fs::exists(agent.plist)) return false;
    if (!loaded(agent) && runTool(launchctl({"bootstrap", agent.domain, agent.plist.string()}),
                                  ToolOutput::Discarded) != 0) {
      return false;
    }
    return runTool(launchctl({"kickstart", agent.target}), ToolOutput::Discarded) == 0;
  } catch (const std::exception&) {
    return false;
  }
}
#endif

int runService(Invocation& invocation) {
  const std::string& action = invocation.positional[0];
  bool now = invocation.has("--now");
  if (action == "install") return install(invocation, now);
  if (action == "uninstall") return uninstall(invocation, now);
  throw UsageError("service: expected install or uninstall, got '" + action + "'");
}

}  // namespace oxd::cli
