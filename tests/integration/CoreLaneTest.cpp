// The core's lane and the per-plugin share of the workers, seen from a client: with more long
// plugin calls in flight than the daemon has workers, the core's own messages and another
// plugin's requests still answer at once: the core has its own threads, and one plugin may hold
// at most all workers but one.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "DaemonFixture.h"

namespace oxd::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr int kWorkers = 4;
constexpr int kHolds = kWorkers + 2;  // more long calls than there are workers
constexpr auto kHoldFor = 2000ms;
constexpr auto kAnswerWithin = 50ms;

class CoreLaneTest : public CleanExitFixture {
 protected:
  // The test plugin (test.hold) and the real whisper plugin, side by side.
  fs::path pluginDir() {
    fs::path dir = tempDir() / "plugins";
    fs::create_directories(dir);
    fs::copy_file(fs::path(OXD_TEST_PLUGIN_DIR) / "test_plugin.so", dir / "test_plugin.so");
    fs::copy_file(fs::path(OXD_PLUGIN_DIR) / "whisper.so", dir / "whisper.so");
    return dir;
  }

  // How long one request takes, failing the test on an error reply.
  std::chrono::milliseconds timed(const std::string& type, const json& payload = nullptr) {
    auto started = std::chrono::steady_clock::now();
    json reply = request(type, payload, 10s);
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    EXPECT_TRUE(reply.value("success", false)) << type << ": " << reply.dump();
    return took;
  }
};

TEST_F(CoreLaneTest, CoreMessagesAndOtherPluginsAnswerWhileOnePluginHoldsEveryWorker) {
  ASSERT_NO_FATAL_FAILURE(
      startDaemon({.args = {"--define", "daemon.workers=" + std::to_string(kWorkers)},
                   .plugin_dir = pluginDir()}));
  ASSERT_TRUE(request("plugins").dump().find("whisper") != std::string::npos);
  // Warm both paths once (first-call costs such as opening the whisper store are not the point).
  timed("status");
  timed("whispers", {{"agent_id", "Ox1"}});

  std::atomic<int> held{0};
  std::vector<std::thread> holders;
  for (int i = 0; i < kHolds; ++i) {
    holders.emplace_back([&] {
      try {
        json reply = request(
            "test.hold",
            {{"ms", std::chrono::duration_cast<std::chrono::milliseconds>(kHoldFor).count()}}, 30s);
        if (reply.value("success", false)) ++held;
      } catch (const std::exception&) {
      }
    });
  }
  std::this_thread::sleep_for(300ms);  // every hold is in: running, or queued behind the others

  auto started = std::chrono::steady_clock::now();
  for (int round = 0; round < 3; ++round) {
    EXPECT_LT(timed("ping"), kAnswerWithin);
    EXPECT_LT(timed("status"), kAnswerWithin);
    EXPECT_LT(timed("whispers", {{"agent_id", "Ox1"}}), kAnswerWithin);
  }
  // All of it happened while the holds were still running.
  EXPECT_LT(std::chrono::steady_clock::now() - started, kHoldFor / 2);
  for (auto& holder : holders) holder.join();
  EXPECT_EQ(held.load(), kHolds);  // the capped plugin's queued calls ran too, none dropped
}

}  // namespace
}  // namespace oxd::testing
