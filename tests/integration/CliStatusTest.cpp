// `oxctl status` and `oxctl daemons` with the real binaries: a running daemon (plain, --verbose,
// --json), no daemon, a daemon still starting, a stuck one, several daemons in the registry,
// bad flags, and colour only on a terminal.

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <thread>

#include "DaemonFixture.h"
#include "common/DaemonRegistry.h"
#include "common/Paths.h"

extern char** environ;

namespace oxd::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A live process that is not oxd (stands in for a daemon that has not opened its socket yet).
class Sleeper {
 public:
  Sleeper() {
    char sleep[] = "sleep";
    char seconds[] = "60";
    char* argv[] = {sleep, seconds, nullptr};
    if (::posix_spawnp(&pid_, "sleep", nullptr, nullptr, argv, environ) != 0) pid_ = -1;
  }
  ~Sleeper() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// A socket that accepts connections (the kernel completes them from the backlog) but never
// answers: a hung daemon.
class SilentListener {
 public:
  explicit SilentListener(const fs::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    fs::create_directories(path.parent_path());
    ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
          ::listen(fd_, 16) == 0;
  }
  ~SilentListener() {
    if (fd_ >= 0) ::close(fd_);
    std::error_code ignored;
    fs::remove(path_, ignored);  // so the fixture's TearDown finds no daemon
  }
  bool ok() const { return ok_; }

 private:
  fs::path path_;
  int fd_ = -1;
  bool ok_ = false;
};

void writePidFile(const fs::path& file, pid_t pid) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << pid;
}

pid_t deadPid() {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

class CliStatusTest : public DaemonFixture {
 protected:
  void startWithTestPlugin() {
    ASSERT_NO_FATAL_FAILURE(startDaemon({.plugin_dir = fs::path(OXD_TEST_PLUGIN_DIR)}));
    ASSERT_EQ(request("test.issue", {{"summary", "needs a look"}})["success"], true);
    ASSERT_EQ(request("test.error", {{"message", "boom"}})["success"], true);
    sendOneWay("heartbeat", {{"agent_id", "Oxa7b3"}, {"caller_path", projectDir().string()}});
    // The heartbeat is one-way: wait until the daemon has counted it.
    for (int i = 0; i < 200; ++i) {
      if (request("status")["data"]["activity"].contains("agents")) return;
      std::this_thread::sleep_for(10ms);
    }
    FAIL() << "heartbeat never showed up in status";
  }
};

TEST_F(CliStatusTest, CompactStatusOfARunningDaemon) {
  ASSERT_NO_FATAL_FAILURE(startWithTestPlugin());
  ProcessResult result = oxctl({"status"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string& out = result.out;
  // An error issue (the broken test plugins) and one recent error: Warning.
  EXPECT_TRUE(out.starts_with("◐ Warning — ")) << out;
  EXPECT_TRUE(contains(out, "uptime, v" OXD_VERSION " ✓ (matching)")) << out;
  EXPECT_TRUE(contains(out, "  Not syncing (no sync plugin), 1 errors\n")) << out;
  EXPECT_TRUE(contains(out, "  PID " + std::to_string(daemonPid()) + "\n")) << out;
  EXPECT_TRUE(contains(out, "  Last error: boom (")) << out;
  EXPECT_TRUE(contains(out, "  Unviewed errors: 1 (oxctl errors)")) << out;
  EXPECT_TRUE(contains(out, "Agents (1)\n    └── Oxa7b3  ● ")) << out;
  EXPECT_TRUE(contains(out, "Plugins (7)\n")) << out;
  EXPECT_TRUE(contains(out, "test_plugin        ● running\n")) << out;
  EXPECT_TRUE(contains(out, "start_throws       ○ failed: refusing to start: demo\n")) << out;
  EXPECT_TRUE(contains(out, "Issues (2)\n  ○ error      6 plugins failed: broken_abi, ")) << out;
  EXPECT_TRUE(contains(out, "  ⚠ warning    needs a look (since ")) << out;
  EXPECT_TRUE(contains(out, "\n\n  Auto-exit in ")) << out;
  // No sync plugin: no history, so no sparkline.
  EXPECT_FALSE(contains(out, "Activity (4h)")) << out;
  EXPECT_FALSE(contains(out, "\x1b[")) << "colour in a file";
}

TEST_F(CliStatusTest, VerboseAddsInternals) {
  ASSERT_NO_FATAL_FAILURE(startWithTestPlugin());
  ProcessResult result = oxctl({"status", "--verbose"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "\n\nInternals\n  PID:         " + std::to_string(daemonPid()) +
                                       "\n  Workspace:   ~/project"))
      << result.out;
  // The heartbeat named an agent and a caller, no repository.
  EXPECT_TRUE(contains(result.out,
                       "\n\nActivity\n  Repos:       0\n  Teams:       0\n"
                       "  Agents:      1 (last "))
      << result.out;
}

TEST_F(CliStatusTest, JsonIsTheCuratedStatus) {
  ASSERT_NO_FATAL_FAILURE(startWithTestPlugin());
  ProcessResult result = oxctl({"status", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 1) << result.out;
  nlohmann::json status = nlohmann::json::parse(result.out);
  EXPECT_EQ(status["running"], true);
  EXPECT_EQ(status["health"], "warning");
  EXPECT_EQ(status["pid"], daemonPid());
  EXPECT_EQ(status["version"], OXD_VERSION);
  EXPECT_EQ(status["version_match"], true);
  EXPECT_TRUE(status["uptime"].is_string());
  EXPECT_EQ(status["sync"]["errors"], 1);
  EXPECT_EQ(status["sync"]["last_error"], "boom");
  EXPECT_EQ(status["unviewed_error_count"], 1);
  ASSERT_EQ(status["issues"].size(), 2u) << status.dump(2);
  EXPECT_EQ(status["issues"][1]["summary"], "needs a look");
  EXPECT_EQ(status["agents"][0]["agent_id"], "Oxa7b3");
  EXPECT_EQ(status["agents"][0]["path"], projectDir().string());
  bool test_plugin_running = false;
  for (const auto& plugin : status["plugins"]) {
    if (plugin["name"] == "test_plugin") test_plugin_running = plugin["state"] == "running";
  }
  EXPECT_TRUE(test_plugin_running) << status.dump(2);
  EXPECT_TRUE(status["auto_exit_in"].is_string());
}

TEST_F(CliStatusTest, NotRunningInsideAProjectNamesTheSocket) {
  ProcessResult result = oxctl({"status"});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_TRUE(result.out.starts_with("○ Daemon: Not running\n\n  No active AI coworker"))
      << result.out;
  EXPECT_TRUE(contains(result.out, "To start manually: oxctl start")) << result.out;
  EXPECT_TRUE(contains(result.out, "Socket: " + socketPath().string() + "\n")) << result.out;

  result = oxctl({"status", "--json"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.out, "{\"running\":false}\n");
}

TEST_F(CliStatusTest, NotRunningOutsideAProject) {
  fs::path elsewhere = tempDir() / "elsewhere";
  fs::create_directories(elsewhere);
  ProcessResult result = oxctl({"status"}, {.cwd = elsewhere});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_TRUE(contains(result.out, "Not inside a project (no .oxd/ or .git found).")) << result.out;
  EXPECT_FALSE(contains(result.out, "oxctl start")) << result.out;
}

TEST_F(CliStatusTest, StartingWhenALiveProcessHoldsThePidFile) {
  Sleeper holder;
  ASSERT_GT(holder.pid(), 0);
  writePidFile(paths::pidPath(workspaceId()), holder.pid());
  ProcessResult result = oxctl({"status"});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_TRUE(result.out.starts_with("◐ Daemon: Starting\n")) << result.out;
  EXPECT_TRUE(contains(result.out, "  PID: " + std::to_string(holder.pid()) + "\n")) << result.out;

  result = oxctl({"status", "--json"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(nlohmann::json::parse(result.out),
            nlohmann::json({{"running", false}, {"starting", true}, {"pid", holder.pid()}}));
  fs::remove(paths::pidPath(workspaceId()));
}

TEST_F(CliStatusTest, StartingWhenOnlyTheRegistryNamesALiveProcess) {
  Sleeper holder;
  ASSERT_GT(holder.pid(), 0);
  registry::DaemonRegistry::atDefaultPath().upsert({workspaceId(), projectDir().string(), "",
                                                    socketPath().string(), holder.pid(),
                                                    OXD_VERSION, std::chrono::system_clock::now()});
  ProcessResult result = oxctl({"status"});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_TRUE(result.out.starts_with("◐ Daemon: Starting\n")) << result.out;
  // A dead pid in a leftover pid file is a daemon that is gone.
  registry::DaemonRegistry::atDefaultPath().remove(workspaceId());
  writePidFile(paths::pidPath(workspaceId()), deadPid());
  result = oxctl({"status"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_TRUE(result.out.starts_with("○ Daemon: Not running\n")) << result.out;
  fs::remove(paths::pidPath(workspaceId()));
}

TEST_F(CliStatusTest, StuckWhenTheSocketNeverAnswers) {
  SilentListener listener(socketPath());
  ASSERT_TRUE(listener.ok()) << std::strerror(errno);
  ProcessResult result = oxctl({"status"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_TRUE(result.out.starts_with("○ Daemon: Stuck\n")) << result.out;
  EXPECT_TRUE(contains(result.out, "Restart it: oxctl restart")) << result.out;
  EXPECT_TRUE(contains(result.out, "Socket: " + socketPath().string())) << result.out;

  result = oxctl({"status", "--json"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "{\"running\":false,\"stuck\":true}\n");
}

TEST_F(CliStatusTest, DaemonsListsRunningOnesAndPrunesDeadEntries) {
  ProcessResult none = oxctl({"daemons"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, "No oxd daemons running\n");
  EXPECT_EQ(oxctl({"daemons", "--json"}).out, "[]\n");

  ASSERT_NO_FATAL_FAILURE(startDaemon());
  fs::path other = tempDir() / "other";
  fs::create_directories(other / ".oxd");
  ProcessResult started = oxctl({"--project", other.string(), "start"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  registry::DaemonRegistry::atDefaultPath().upsert({"deadbeef", "/gone", "", "/tmp/gone.sock",
                                                    deadPid(), "0.0.1",
                                                    std::chrono::system_clock::now()});

  ProcessResult result = oxctl({"daemons"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(result.out.starts_with("Running Daemons (2)\nWorkspace ")) << result.out;
  EXPECT_TRUE(contains(result.out, "\n~/project ")) << result.out;
  EXPECT_TRUE(contains(result.out, "\n~/other ")) << result.out;
  EXPECT_TRUE(contains(result.out, " " + std::to_string(daemonPid()) + " ")) << result.out;
  EXPECT_FALSE(contains(result.out, "/gone")) << result.out;
  EXPECT_FALSE(registry::DaemonRegistry::atDefaultPath().findByWorkspaceId("deadbeef"))
      << "dead entry not pruned";

  result = oxctl({"daemons", "--json"});
  nlohmann::json list = nlohmann::json::parse(result.out);
  ASSERT_EQ(list.size(), 2u) << result.out;
  for (const auto& entry : list) {
    EXPECT_TRUE(entry["pid"].is_number_integer());
    EXPECT_TRUE(entry["socket_path"].is_string());
  }
  EXPECT_EQ(oxctl({"--project", other.string(), "stop"}).exit_code, 0);
}

TEST_F(CliStatusTest, BadFlagsAreUsageErrors) {
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{"status", "--bogus"},
                                             {"status", "--verbose=yes"},
                                             {"status", "extra"},
                                             {"daemons", "--verbose"},
                                             {"daemons", "extra"}}) {
    ProcessResult result = oxctl(args);
    EXPECT_EQ(result.exit_code, 2) << args[1];
    EXPECT_TRUE(contains(result.err, "usage: oxctl")) << result.err;
    EXPECT_EQ(result.out, "") << args[1];
  }
}

TEST_F(CliStatusTest, ColourOnlyOnATerminalWithoutNoColor) {
  if (!fs::exists("/usr/bin/script")) GTEST_SKIP() << "script(1) needed for a pseudo-terminal";
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  std::string command = std::string(OXD_BIN_DIR) + "/oxctl status";
  ProcessResult tty = runProgram("/usr/bin/script", {"-qec", command, "/dev/null"});
  ASSERT_EQ(tty.exit_code, 0) << tty.err;
  EXPECT_TRUE(contains(tty.out, "\x1b[")) << tty.out;

  ProcessResult no_colour =
      runProgram("/usr/bin/script", {"-qec", command, "/dev/null"}, {.env = {{"NO_COLOR", "1"}}});
  ASSERT_EQ(no_colour.exit_code, 0) << no_colour.err;
  EXPECT_TRUE(contains(no_colour.out, "● Healthy")) << no_colour.out;
  EXPECT_FALSE(contains(no_colour.out, "\x1b[")) << no_colour.out;

  ProcessResult piped = oxctl({"status"});
  EXPECT_FALSE(contains(piped.out, "\x1b[")) << piped.out;
}

}  // namespace
}  // namespace oxd::testing
