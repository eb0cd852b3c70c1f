#pragma once
// A GoogleTest fixture that runs the real oxd (OXD_BIN_DIR "/oxd") as a child process in a
// private world: a fresh /tmp/oxd-it-XXXXXX is HOME, every XDG_* directory lives under it, and
// a project directory (with .oxd/) sits beside them. Short on purpose: socket paths must fit
// 108 bytes.
//
// Lifetime: SetUp creates the world and points this process's HOME/XDG_* at it (so
// oxd::paths gives the daemon's paths here too) and clears OXD_SOCKET; TearDown kills whatever
// daemon is left (the child, or one `oxctl start` launched), restores the environment and
// removes the directory — unless the test failed, then it is kept and its path printed.
// Not thread-safe: call it from the test's thread.
//
//   class MyTest : public oxd::testing::DaemonFixture {};
//   TEST_F(MyTest, Pings) {
//     ASSERT_NO_FATAL_FAILURE(startDaemon());
//     EXPECT_EQ(request("ping")["data"], "pong");
//     EXPECT_EQ(oxctl({"ping"}).out, "pong\n");
//   }

#include <gtest/gtest.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/IpcClient.h"

namespace oxd::testing {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal when killed; -1 when it had to be killed for a timeout
  std::string out;
  std::string err;
};

// Every member has an initializer so that designated initializers may name any subset
// (GCC 12 warns about the others otherwise): startDaemon({.args = {"--define", "a.b=c"}}).
struct DaemonLaunch {
  std::vector<std::string> args{};           // appended after --project/--define plugin_dir
  std::map<std::string, std::string> env{};  // added to (or overriding) the fixture's env
  // Default: an empty directory, so no plugin loads. Pass OXD_PLUGIN_DIR for the real ones
  // or OXD_TEST_PLUGIN_DIR for the test plugins.
  std::optional<std::filesystem::path> plugin_dir{};
  std::chrono::milliseconds ready_timeout{5000};
};

struct RunOptions {
  std::string stdin_text{};
  std::map<std::string, std::string> env{};    // added to (or overriding) the fixture's env
  std::optional<std::filesystem::path> cwd{};  // default: the project directory
  std::chrono::milliseconds timeout{30000};    // then SIGKILL and a test failure
};

class DaemonFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Writes <project>/.oxd/project.json. Call before startDaemon() (the workspace id follows
  // repo_id).
  void writeProjectFile(const nlohmann::json& content);

  // Starts oxd and waits until its socket answers ping. On failure (exit, or no answer in
  // time) it kills the child and fails fatally, showing the daemon's log and stderr: wrap it
  // in ASSERT_NO_FATAL_FAILURE.
  void startDaemon(const DaemonLaunch& launch = {});
  // SIGTERM, then waits ≤ 10 s (SIGKILL after that). Returns the wait status, or nullopt
  // when no child was running.
  std::optional<int> stopDaemon();
  // Waits for the child to exit on its own (after `stop`, a version mismatch…).
  std::optional<int> waitForDaemonExit(std::chrono::milliseconds timeout);
  bool daemonRunning();  // reaps the child if it has exited
  pid_t daemonPid() const { return daemon_pid_; }

  // One request over the socket, as oxctl would send it (workspace_id filled). Throws
  // ipc::ClientError like IpcClient.
  nlohmann::json request(const std::string& type, const nlohmann::json& payload = nullptr,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10),
                         const ipc::IpcClient::ProgressCallback& on_progress = {});
  void sendOneWay(const std::string& type, const nlohmann::json& payload = nullptr);

  // Runs OXD_BIN_DIR "/oxctl" with `args` in the fixture's environment (cwd: the project).
  ProcessResult oxctl(const std::vector<std::string>& args, const RunOptions& run = {});
  // Runs any program the same way (e.g. a second oxd), capturing its output.
  ProcessResult runProgram(const std::string& program, const std::vector<std::string>& args,
                           const RunOptions& run = {});

  const std::filesystem::path& tempDir() const { return temp_dir_; }
  const std::filesystem::path& home() const { return temp_dir_; }
  const std::filesystem::path& projectDir() const { return project_dir_; }
  const std::filesystem::path& pluginDir() const { return empty_plugin_dir_; }
  std::string workspaceId() const;
  std::filesystem::path socketPath() const;
  std::filesystem::path logPath() const;

  // Polls `condition` every 50 ms until it holds or `limit` passes; its last answer.
  static bool WaitFor(const std::function<bool()>& condition,
                      std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return condition();
  }
  // The tail of the daemon's log file and of its captured stdout/stderr, for failure messages.
  std::string daemonDiagnostics() const;
  // The environment every child gets (before per-call additions).
  std::map<std::string, std::string> childEnvironment() const;

 private:
  void stopStrayDaemon();
  void restoreEnvironment();

  std::filesystem::path temp_dir_;
  std::filesystem::path project_dir_;
  std::filesystem::path empty_plugin_dir_;
  std::filesystem::path daemon_output_;
  pid_t daemon_pid_ = -1;
  std::map<std::string, std::optional<std::string>> saved_environment_;
  // Names each run's redirect files; tests run oxctl from several threads at once.
  std::atomic<int> program_runs_{0};
};

// A DaemonFixture whose tests all end with a clean exit of the daemon on SIGTERM.
class CleanExitFixture : public DaemonFixture {
 protected:
  // Every test ends with a clean exit on SIGTERM: in a sanitizer build that also catches leak
  // reports and crashes at shutdown, which would otherwise vanish with the temp directory.
  void TearDown() override {
    if (daemonPid() > 0) {
      std::optional<int> status = stopDaemon();
      EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
          << "oxd did not exit cleanly on SIGTERM (wait status " << (status ? *status : -1) << ")\n"
          << daemonDiagnostics();
    }
    DaemonFixture::TearDown();
  }
};

}  // namespace oxd::testing
