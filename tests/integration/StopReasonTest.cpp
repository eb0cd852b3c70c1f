// `daemon.stopping` {reason}: every way the daemon stops tells the plugins why, before their
// stop() runs. The test plugin appends "<reason> before stop()" to OXD_TEST_STOPPING_LOG.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "CliTestSupport.h"

namespace oxd::testing {
namespace {

using namespace std::chrono_literals;

class StopReasonTest : public CliFixture {
 protected:
  void start(std::vector<std::string> args = {}) {
    ASSERT_NO_FATAL_FAILURE(startDaemon({.args = std::move(args),
                                         .env = {{"OXD_TEST_STOPPING_LOG", log().string()}},
                                         .plugin_dir = pluginDirWith({"test_plugin"})}));
    ASSERT_EQ(request("plugins")["success"], true);
  }
  std::filesystem::path log() const { return tempDir() / "stopping.log"; }
  std::string logged() const {
    std::ifstream file(log());
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }
  void expectExitedCleanly(const std::optional<int>& status) {
    ASSERT_TRUE(status) << "the daemon did not stop\n" << daemonDiagnostics();
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
  }
};

TEST_F(StopReasonTest, StopMessage) {
  ASSERT_NO_FATAL_FAILURE(start());
  ProcessResult stop = oxctl({"stop"});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  expectExitedCleanly(waitForDaemonExit(10s));
  EXPECT_EQ(logged(), "stop before stop()\n") << daemonDiagnostics();
}

TEST_F(StopReasonTest, Signal) {
  ASSERT_NO_FATAL_FAILURE(start());
  expectExitedCleanly(stopDaemon());  // SIGTERM
  EXPECT_EQ(logged(), "signal before stop()\n") << daemonDiagnostics();
}

TEST_F(StopReasonTest, Inactivity) {
  ASSERT_NO_FATAL_FAILURE(start({"--define", "daemon.inactivity_timeout=1s"}));
  expectExitedCleanly(waitForDaemonExit(10s));
  EXPECT_EQ(logged(), "inactivity before stop()\n") << daemonDiagnostics();
}

TEST_F(StopReasonTest, VersionMismatch) {
  // An upgrade installed over the running binary, under a service manager (NOTIFY_SOCKET): the
  // daemon stops with the reason and exit status 75 for the manager to start the new one.
  std::filesystem::path binary = tempDir() / "bin" / "oxd";
  std::filesystem::create_directories(binary.parent_path());
  std::filesystem::copy_file(OXD_BIN_DIR "/oxd", binary);
  ASSERT_NO_FATAL_FAILURE(
      startDaemon({.env = {{"OXD_TEST_STOPPING_LOG", log().string()},
                           {"NOTIFY_SOCKET", (tempDir() / "no-manager").string()}},
                   .plugin_dir = pluginDirWith({"test_plugin"}),
                   .binary = binary}));
  std::filesystem::copy_file(OXD_BIN_DIR "/oxd", binary.string() + ".new");
  std::filesystem::rename(binary.string() + ".new", binary);
  sendOneWay("heartbeat", {{"agent_id", "a1"}, {"cli_version", "9.9.9+20300101"}});
  std::optional<int> status = waitForDaemonExit(10s);
  ASSERT_TRUE(status) << daemonDiagnostics();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 75) << *status;
  EXPECT_EQ(logged(), "version_mismatch before stop()\n") << daemonDiagnostics();
}

TEST_F(StopReasonTest, ParentExit) {
  pid_t parent = ::fork();
  if (parent == 0) {
    ::execl("/bin/sleep", "sleep", "30", nullptr);
    ::_exit(127);
  }
  ASSERT_NO_FATAL_FAILURE(start({"--parent-pid", std::to_string(parent)}));
  ::kill(parent, SIGKILL);
  ::waitpid(parent, nullptr, 0);
  expectExitedCleanly(waitForDaemonExit(10s));
  EXPECT_EQ(logged(), "parent_exit before stop()\n") << daemonDiagnostics();
}

}  // namespace
}  // namespace oxd::testing
