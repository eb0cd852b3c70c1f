// Version changes restart, not stop (docs/architecture.md#upgrades): a heartbeat from another
// CLI version makes a daemon whose binary was replaced exec the new one in place — same pid,
// same socket, no request lost — and is only logged (once) when the binary is unchanged.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "CliTestSupport.h"

namespace oxd::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

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

ino_t inodeOf(const fs::path& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 ? info.st_ino : 0;
}

class UpgradeTest : public CliFixture {
 protected:
  fs::path installed() const { return tempDir() / "bin" / "oxd"; }

  // What a package manager does: the new file is written beside and renamed over the old one.
  void installUpgrade() {
    fs::path next = tempDir() / "bin" / "oxd.new";
    fs::copy_file(OXD_BIN_DIR "/oxd", next, fs::copy_options::overwrite_existing);
    fs::rename(next, installed());
  }

  void startInstalled(const DaemonLaunch& extra = {}) {
    fs::create_directories(installed().parent_path());
    fs::copy_file(OXD_BIN_DIR "/oxd", installed(), fs::copy_options::overwrite_existing);
    DaemonLaunch launch = extra;
    launch.binary = installed();
    ASSERT_NO_FATAL_FAILURE(startDaemon(launch));
  }

  std::string log() const { return readFile(logPath()); }
};

TEST_F(UpgradeTest, AnotherVersionWithoutANewBinaryIsServedAndLoggedOnce) {
  ASSERT_NO_FATAL_FAILURE(startInstalled());
  for (int i = 0; i < 3; ++i) {
    ProcessResult result = oxctl({"heartbeat", "--agent-id", "old", "--cli-version", "9.9.9"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
  }
  ProcessResult same_semver =
      oxctl({"heartbeat", "--agent-id", "old", "--cli-version", "0.0.0+x"});  // other semver
  EXPECT_EQ(same_semver.exit_code, 0);
  EXPECT_TRUE(WaitFor([&] { return occurrences(log(), "0.0.0+x differs") == 1; }, 5s)) << log();
  EXPECT_EQ(oxctl({"ping"}).out, "pong\n");
  EXPECT_TRUE(daemonRunning());
  EXPECT_EQ(occurrences(log(), "CLI 9.9.9 differs"), 1u) << log();
  EXPECT_EQ(occurrences(log(), "restarted into"), 0u) << log();
}

TEST_F(UpgradeTest, ANewBinaryIsExecdInPlaceWithoutLosingARequest) {
  ASSERT_NO_FATAL_FAILURE(startInstalled());
  pid_t pid = daemonPid();
  std::int64_t uptime_before = request("status")["data"]["uptime"];  // ns
  auto measured = std::chrono::steady_clock::now();
  installUpgrade();
  std::this_thread::sleep_for(300ms);  // time the old image has run, which the new one has not
  ino_t upgraded = inodeOf(installed());
  ASSERT_NE(inodeOf(fs::path("/proc") / std::to_string(pid) / "exe"), upgraded);

  // Clients keep asking throughout; every one is answered, by one image or the other.
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0}, failed{0};
  std::string failure;
  std::thread client([&] {
    ipc::IpcClient socket(socketPath());
    while (!stop.load()) {
      try {
        nlohmann::json reply = socket.request({{"type", "ping"}, {"workspace_id", workspaceId()}},
                                              std::chrono::seconds(10));
        reply.value("data", "") == "pong" ? ++answered : ++failed;
      } catch (const std::exception& error) {
        ++failed;
        failure = error.what();
      }
      std::this_thread::sleep_for(5ms);
    }
  });
  ProcessResult hook = oxctl({"heartbeat", "--agent-id", "new", "--cli-version", "9.9.9"});
  EXPECT_EQ(hook.exit_code, 0) << hook.err;
  bool restarted = WaitFor(
      [&] { return inodeOf(fs::path("/proc") / std::to_string(pid) / "exe") == upgraded; }, 10s);
  // A request after the exec is answered by the new image.
  std::this_thread::sleep_for(200ms);
  stop = true;
  client.join();
  ASSERT_TRUE(restarted) << daemonDiagnostics();
  EXPECT_EQ(failed.load(), 0) << failure << "\n" << daemonDiagnostics();
  EXPECT_GT(answered.load(), 0);

  ProcessResult status = oxctl({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  nlohmann::json after = nlohmann::json::parse(status.out);
  EXPECT_EQ(after["pid"], pid);  // exec in place: the same process, a new image
  std::int64_t uptime_after = request("status")["data"]["uptime"];
  std::int64_t since = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::steady_clock::now() - measured)
                           .count();
  EXPECT_LT(uptime_after + 250'000'000, uptime_before + since) << "uptime did not restart";
  EXPECT_TRUE(daemonRunning());
  EXPECT_EQ(occurrences(log(), "restarted into " + installed().string()), 1u) << log();

  // The same CLI again: the binary is the running one now, so no second restart.
  ProcessResult again = oxctl({"heartbeat", "--agent-id", "new", "--cli-version", "9.9.9"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_TRUE(WaitFor([&] { return occurrences(log(), "CLI 9.9.9 differs") == 1; }, 5s)) << log();
  EXPECT_EQ(occurrences(log(), "restarted into"), 1u) << log();
  EXPECT_EQ(oxctl({"ping"}).out, "pong\n");
}

TEST_F(UpgradeTest, UnderAServiceManagerAnUpgradeExitsForARestart) {
  // NOTIFY_SOCKET marks a systemd service; its Restart=on-failure starts the new binary.
  ASSERT_NO_FATAL_FAILURE(
      startInstalled({.env = {{"NOTIFY_SOCKET", (tempDir() / "no-manager").string()}}}));
  installUpgrade();
  ProcessResult hook = oxctl({"heartbeat", "--agent-id", "new", "--cli-version", "9.9.9"});
  EXPECT_EQ(hook.exit_code, 0) << hook.err;
  std::optional<int> status = waitForDaemonExit(10s);
  ASSERT_TRUE(status) << daemonDiagnostics();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 75) << *status;
  EXPECT_FALSE(fs::exists(socketPath()));
}

}  // namespace
}  // namespace oxd::testing
