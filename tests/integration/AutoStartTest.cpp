// Auto-start (docs/behavior.md#auto-start) through the real binaries: hooks' oxctl commands
// start oxd when nothing answers, race-safely, and a one-way message is never lost — delivered,
// or spooled and replayed once by the daemon that starts (docs/reliability.md#spooled-messages).

#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "CliTestSupport.h"
#include "common/Paths.h"

extern char** environ;

namespace oxd::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string readFile(const fs::path& file) {
  std::ifstream input(file);
  std::stringstream text;
  text << input.rdbuf();
  return text.str();
}

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

class AutoStartTest : public CliFixture {
 protected:
  // Live (not zombie) oxd processes serving this test's project.
  std::vector<pid_t> daemonsForProject() const {
    std::vector<pid_t> found;
    DIR* proc = ::opendir("/proc");
    while (dirent* entry = proc ? ::readdir(proc) : nullptr) {
      char* end = nullptr;
      long pid = std::strtol(entry->d_name, &end, 10);
      if (*end != '\0' || pid <= 0) continue;
      std::string cmdline = readFile(fs::path("/proc") / entry->d_name / "cmdline");
      std::string stat = readFile(fs::path("/proc") / entry->d_name / "stat");
      auto state = stat.rfind(')');
      if (state == std::string::npos || stat.size() < state + 3 || stat[state + 2] == 'Z') continue;
      std::string argv0 = cmdline.substr(0, cmdline.find('\0'));
      if (fs::path(argv0).filename() == "oxd" &&
          cmdline.find(projectDir().string()) != std::string::npos) {
        found.push_back(static_cast<pid_t>(pid));
      }
    }
    if (proc) ::closedir(proc);
    return found;
  }

  nlohmann::json instances() {
    nlohmann::json reply = request("instances");
    return reply["data"]["instances"];
  }

  std::set<std::string> agentIds() {
    std::set<std::string> ids;
    try {
      for (const auto& instance : instances()) ids.insert(instance["agent_id"].get<std::string>());
    } catch (const std::exception&) {
    }
    return ids;
  }

  fs::path spoolFile() const { return paths::spoolPath(workspaceId()); }
  std::string log() const { return readFile(logPath()); }
};

TEST_F(AutoStartTest, TenConcurrentHeartbeatsStartOneDaemon) {
  std::vector<std::unique_ptr<BackgroundProcess>> hooks;
  for (int i = 0; i < 10; ++i) {
    hooks.push_back(background({"heartbeat", "--agent-id", "hook" + std::to_string(i)},
                               BackgroundProcess::Output::Pipe));
    ASSERT_TRUE(hooks.back()->started());
  }
  for (auto& hook : hooks) {
    std::optional<int> status = hook->wait(15s);
    ASSERT_TRUE(status) << "oxctl heartbeat did not return";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << hook->output();
    EXPECT_EQ(hook->output(), "");
  }
  std::set<std::string> expected;
  for (int i = 0; i < 10; ++i) expected.insert("hook" + std::to_string(i));
  EXPECT_TRUE(WaitFor([&] { return agentIds() == expected; }, 10s)) << instances().dump() << "\n"
                                                                    << daemonDiagnostics();
  // The losers of the instance lock leave at once; one daemon stays.
  EXPECT_TRUE(WaitFor([&] { return daemonsForProject().size() == 1; }, 5s))
      << daemonsForProject().size() << " daemons\n"
      << daemonDiagnostics();
  nlohmann::json status = request("status")["data"];
  // Sent only when the start waited (docs/protocol.md#status).
  EXPECT_EQ(status.value("throttle_duration_ms", 0), 0) << status.dump();
  EXPECT_EQ(log().find("restarted often"), std::string::npos) << log();
  EXPECT_FALSE(fs::exists(spoolFile()));
}

// Without oxctl's start gate (several `oxd` started at once by hand or by different tools), the
// instance lock alone decides, and the losers never count as restarts.
TEST_F(AutoStartTest, RacingDaemonsLeaveOneAndNeverTripTheThrottle) {
  std::vector<std::unique_ptr<BackgroundProcess>> daemons;
  for (int i = 0; i < 6; ++i) {
    daemons.push_back(std::make_unique<BackgroundProcess>(
        std::vector<std::string>{OXD_BIN_DIR "/oxd", "--project", projectDir().string()},
        childEnvironment(), projectDir(), BackgroundProcess::Output::Pipe));
  }
  int exited = 0;
  for (auto& daemon : daemons) {
    if (daemon->wait(3s)) ++exited;  // the losers leave at once; the winner keeps serving
  }
  EXPECT_EQ(exited, 5);
  EXPECT_EQ(daemonsForProject().size(), 1u);
  EXPECT_EQ(request("ping")["data"], "pong");
  nlohmann::json history = nlohmann::json::parse(
      readFile(paths::stateDir() / ("restarts-" + workspaceId() + ".json")), nullptr, false);
  EXPECT_EQ(history.value("restarts", nlohmann::json::array()).size(), 1u) << history.dump();
  EXPECT_EQ(log().find("restarted often"), std::string::npos) << log();
  // A sixth start, after the race, is refused the same way and is not counted either.
  ProcessResult late = runProgram(OXD_BIN_DIR "/oxd", {"--project", projectDir().string()});
  EXPECT_EQ(late.exit_code, 1);
  EXPECT_TRUE(contains(late.err, "already running")) << late.err;
  history = nlohmann::json::parse(
      readFile(paths::stateDir() / ("restarts-" + workspaceId() + ".json")), nullptr, false);
  EXPECT_EQ(history.value("restarts", nlohmann::json::array()).size(), 1u) << history.dump();
}

TEST_F(AutoStartTest, ADaemonSlowToStartGetsTheSpooledHeartbeatsOnceInOrder) {
  RunOptions slow;
  slow.env["OXD_TEST_START_DELAY_MS"] = "2000";
  slow.env["OXD_DAEMON__AUTOSTART_WAIT"] = "200ms";
  for (int i = 1; i <= 3; ++i) {
    auto started = Clock::now();
    ProcessResult result = oxctl({"heartbeat", "--agent-id", "late" + std::to_string(i)}, slow);
    auto took = Clock::now() - started;
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.err, "");
    // The wait is bounded by autostart_wait (slack for a loaded test machine).
    EXPECT_LT(took, 1200ms) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
  }
  // On disk before the daemon serves: one line per message, in order, with what oxctl sends
  // without flags.
  std::vector<std::string> spooled = lines(readFile(spoolFile()));
  ASSERT_EQ(spooled.size(), 3u) << readFile(spoolFile()) << daemonDiagnostics();
  for (int i = 0; i < 3; ++i) {
    nlohmann::json message = nlohmann::json::parse(spooled[i]);
    EXPECT_EQ(message["type"], "heartbeat");
    EXPECT_EQ(message["payload"]["agent_id"], "late" + std::to_string(i + 1));
    EXPECT_EQ(message["payload"]["parent_pid"], ::getpid());  // oxctl's parent: this test
    EXPECT_FALSE(message["payload"].value("cli_version", "").empty());
  }

  ASSERT_TRUE(WaitFor([&] { return agentIds().size() == 3; }, 15s)) << daemonDiagnostics();
  EXPECT_EQ(agentIds(), (std::set<std::string>{"late1", "late2", "late3"}));
  for (const auto& instance : instances()) EXPECT_EQ(instance["heartbeat_count"], 1);
  EXPECT_FALSE(fs::exists(spoolFile()));
  EXPECT_FALSE(fs::exists(spoolFile().string() + ".replaying"));
  EXPECT_EQ(occurrences(log(), "replayed 3 spooled message(s)"), 1u) << log();

  // A second start replays nothing again.
  ProcessResult stop = oxctl({"stop"});
  ASSERT_EQ(stop.exit_code, 0) << stop.err;
  ProcessResult start = oxctl({"start"});
  ASSERT_EQ(start.exit_code, 0) << start.err << daemonDiagnostics();
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(agentIds().empty()) << instances().dump();
  EXPECT_EQ(occurrences(log(), "spooled message(s)"), 1u) << log();
}

TEST_F(AutoStartTest, NoStartExitsThreeAndSpoolsNothing) {
  RunOptions off;
  off.env["OXD_NO_AUTOSTART"] = "1";
  struct Case {
    std::vector<std::string> args;
    RunOptions run;
  };
  std::vector<Case> cases{{{"--no-start", "heartbeat", "--agent-id", "x"}, {}},
                          {{"heartbeat", "--agent-id", "x"}, off},
                          {{"--no-start", "send", "heartbeat", R"({"agent_id":"x"})"}, {}},
                          {{"whispers", "--agent", "x"}, off},
                          {{"search", "needle", "--no-start"}, {}}};
  for (const Case& test : cases) {
    ProcessResult result = oxctl(test.args, test.run);
    EXPECT_EQ(result.exit_code, 3) << test.args[0] << " " << test.args[1] << ": " << result.err;
    EXPECT_TRUE(contains(result.err, "auto-start is off")) << result.err;
  }
  // Commands that look at a daemon never start one.
  EXPECT_EQ(oxctl({"status"}).exit_code, 3);
  EXPECT_EQ(oxctl({"stop"}).exit_code, 3);
  EXPECT_EQ(oxctl({"daemons"}).exit_code, 0);
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(fs::exists(spoolFile()));
  EXPECT_FALSE(fs::exists(socketPath()));
  EXPECT_TRUE(daemonsForProject().empty());

  // The not-running screen says why hooks will not start it.
  ProcessResult status = oxctl({"status"}, off);
  EXPECT_TRUE(contains(status.out, "Auto-start is off")) << status.out;
  ProcessResult on = oxctl({"status"});
  EXPECT_TRUE(contains(on.out, "starts when an agent's hook runs oxctl")) << on.out;
}

TEST_F(AutoStartTest, RequestCommandsStartTheDaemonAndGetTheirReply) {
  ProcessResult result = oxctl({"send", "instances"});
  EXPECT_EQ(result.exit_code, 0) << result.err << daemonDiagnostics();
  EXPECT_TRUE(contains(result.out, "\"instances\"")) << result.out;
  EXPECT_EQ(daemonsForProject().size(), 1u);
}

// A hook's `oxctl heartbeat` without flags: the daemon records the CLI's version and the
// agent's process, and shows the agent exited once that process is gone.
TEST_F(AutoStartTest, HeartbeatWithoutFlagsRecordsVersionAndExitsWithItsProcess) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  std::string version = request("status")["data"]["version"];
  // The "agent": a process (not a shell) that runs oxctl and then lives on until killed.
  std::vector<std::string> argv_text{OXD_BIN_DIR "/oxctl", "heartbeat", "--agent-id", "hooked"};
  std::vector<char*> argv;
  for (auto& argument : argv_text) argv.push_back(argument.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text;
  for (const auto& [key, value] : childEnvironment()) env_text.push_back(key + "=" + value);
  std::vector<char*> env;
  for (auto& entry : env_text) env.push_back(entry.data());
  env.push_back(nullptr);
  std::string cwd = projectDir().string();
  pid_t agent = ::fork();
  ASSERT_GE(agent, 0);
  if (agent == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    pid_t hook = ::fork();
    if (hook == 0) {
      ::execve(argv[0], argv.data(), env.data());
      ::_exit(127);
    }
    ::waitpid(hook, nullptr, 0);
    for (;;) ::pause();
  }
  nlohmann::json entry;
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const auto& instance : instances()) {
          if (instance["agent_id"] == "hooked") entry = instance;
        }
        return !entry.is_null();
      },
      10s))
      << daemonDiagnostics();
  EXPECT_EQ(entry["parent_pid"], agent);
  EXPECT_EQ(entry["cli_version"], version);
  EXPECT_EQ(entry["status"], "active");

  ::kill(agent, SIGKILL);
  ::waitpid(agent, nullptr, 0);
  std::string status;
  for (const auto& instance : instances()) {
    if (instance["agent_id"] == "hooked") status = instance["status"];
  }
  EXPECT_EQ(status, "exited");
}

}  // namespace
}  // namespace oxd::testing
