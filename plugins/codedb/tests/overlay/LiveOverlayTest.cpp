// LiveOverlay: settling, callbacks, overflow and watch-limit degradation with recovery, a
// prompt Stop, and an idle watcher that does not wake up.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "OverlayTestSupport.h"

namespace oxd::codedb::test {
namespace {
namespace fs = std::filesystem;
using std::chrono::milliseconds;

class LiveOverlayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = dir_.path() + "/repo";
    InitRepo(repo_, {{"a.txt", "a\n"},
                     {"b.txt", "b\n"},
                     {"one/x.txt", "x\n"},
                     {"one/two/y.txt", "y\n"},
                     {"three/z.txt", "z\n"},
                     {".gitignore", "*.log\n"}});
  }

  // Waits for the overlay to agree with git status; fails the test with both sets otherwise.
  void ExpectAgrees(const LiveOverlay& overlay) {
    std::string difference = WaitForOverlay(overlay, repo_, GitStatus(repo_));
    EXPECT_TRUE(difference.empty()) << difference;
  }

  template <typename Predicate>
  static bool WaitUntil(Predicate predicate, milliseconds bound = milliseconds(3000)) {
    auto deadline = std::chrono::steady_clock::now() + bound;
    while (!predicate()) {
      if (std::chrono::steady_clock::now() >= deadline) {
        return false;
      }
      std::this_thread::sleep_for(milliseconds(2));
    }
    return true;
  }

  TempDir dir_;
  std::string repo_;
};

struct Recorded {
  std::mutex mutex;
  std::vector<std::vector<OverlayChange>> batches;

  LiveOverlay::SettledCallback Callback() {
    return [this](const std::vector<OverlayChange>& changes) {
      std::lock_guard lock(mutex);
      batches.push_back(changes);
    };
  }
  std::size_t count() {
    std::lock_guard lock(mutex);
    return batches.size();
  }
};

TEST_F(LiveOverlayTest, WritesWithinTheSettlePeriodMakeOneCallback) {
  Recorded recorded;
  LiveOverlay overlay(repo_, milliseconds(300), recorded.Callback());
  overlay.Start();
  EXPECT_TRUE(overlay.Snapshot()->files().empty());
  for (int i = 0; i < 20; ++i) {
    WriteFile(repo_ + "/a.txt", "a " + std::to_string(i) + "\n");
  }
  WriteFile(repo_ + "/new/c.txt", "c\n");
  fs::remove(repo_ + "/b.txt");
  WriteFile(repo_ + "/noise.log", "ignored\n");
  ASSERT_TRUE(WaitUntil([&] { return recorded.count() > 0; }));
  std::this_thread::sleep_for(milliseconds(400));  // a second callback would come by now
  ASSERT_EQ(recorded.count(), 1u);
  EXPECT_EQ(recorded.batches[0],
            (std::vector<OverlayChange>{
                {"a.txt", "modified"}, {"b.txt", "deleted"}, {"new/c.txt", "created"}}));
  ExpectAgrees(overlay);
  // Reverting and restoring report too, though the paths leave the overlay.
  WriteFile(repo_ + "/a.txt", "a\n");
  Git(repo_, {"checkout", "--", "b.txt"});
  ASSERT_TRUE(WaitUntil([&] { return recorded.count() > 1; }));
  ExpectAgrees(overlay);
  std::this_thread::sleep_for(milliseconds(400));
  std::lock_guard lock(recorded.mutex);
  std::vector<OverlayChange> all;
  for (std::size_t i = 1; i < recorded.batches.size(); ++i) {
    all.insert(all.end(), recorded.batches[i].begin(), recorded.batches[i].end());
  }
  EXPECT_EQ(all, (std::vector<OverlayChange>{{"a.txt", "modified"}, {"b.txt", "created"}}));
}

TEST_F(LiveOverlayTest, ACommitCallsBackWithoutFileChanges) {
  Recorded recorded;
  LiveOverlay overlay(repo_, milliseconds(20), recorded.Callback());
  overlay.Start();
  WriteFile(repo_ + "/a.txt", "to commit\n");
  ExpectAgrees(overlay);
  ASSERT_TRUE(WaitUntil([&] { return recorded.count() > 0; }));
  std::size_t before = recorded.count();
  Git(repo_, {"commit", "-q", "-a", "-m", "a"});
  std::string head = RevParse(repo_, "HEAD");
  // The plugin compares the snapshot's HEAD with its index in this callback.
  ASSERT_TRUE(WaitUntil([&] { return overlay.Snapshot()->head() == head; }));
  ASSERT_TRUE(WaitUntil([&] { return recorded.count() > before; }));
  ExpectAgrees(overlay);
  std::lock_guard lock(recorded.mutex);
  for (std::size_t i = before; i < recorded.batches.size(); ++i) {
    EXPECT_TRUE(recorded.batches[i].empty()) << recorded.batches[i].front().path;
  }
}

TEST_F(LiveOverlayTest, OverflowDegradesThenRecovers) {
  LiveOverlay overlay(repo_, milliseconds(500), nullptr);
  overlay.Start();
  std::uint64_t rescans = overlay.Status().rescans;
  overlay.SimulateOverflowForTest();
  // Events lost in the overflow: only a rescan can see this one.
  WriteFile(repo_ + "/one/two/lost.txt", "lost\n");
  ASSERT_TRUE(WaitUntil([&] { return overlay.Status().degraded; }));
  EXPECT_NE(overlay.Status().degraded_reason.find("overflow"), std::string::npos);
  ASSERT_TRUE(WaitUntil([&] { return !overlay.Status().degraded; }));
  OverlayStatus status = overlay.Status();
  EXPECT_EQ(status.overflows, 1u);
  EXPECT_GT(status.rescans, rescans);
  EXPECT_TRUE(status.degraded_reason.empty());
  ExpectAgrees(overlay);
  // Watching goes on as before.
  WriteFile(repo_ + "/three/z.txt", "z changed\n");
  ExpectAgrees(overlay);
}

TEST_F(LiveOverlayTest, WatchLimitDegradesStaysCorrectAndRecovers) {
  // Root, one, one/two, three: four working-tree directories, plus .git, refs, refs/heads.
  LiveOverlayOptions options;
  options.settle = milliseconds(15);
  options.max_watches = 6;
  options.degraded_rescan_period = milliseconds(200);
  LiveOverlay overlay(repo_, options, nullptr);
  overlay.Start();
  OverlayStatus status = overlay.Status();
  EXPECT_TRUE(status.degraded);
  EXPECT_EQ(status.watched_directories, 6u);
  EXPECT_EQ(status.unwatched_directories, 1u);
  EXPECT_NE(status.degraded_reason.find("max_watches"), std::string::npos);
  // Every directory changes, the unwatched one too: the periodic rescan finds it.
  for (const char* path : {"a.txt", "one/x.txt", "one/two/y.txt", "three/z.txt"}) {
    WriteFile(repo_ + "/" + path, "changed\n");
  }
  ExpectAgrees(overlay);
  WriteFile(repo_ + "/one/two/new.txt", "new\n");
  ExpectAgrees(overlay);
  // Fewer directories: every one is watched again and the overlay recovers by itself.
  fs::remove_all(repo_ + "/three");
  ASSERT_TRUE(WaitUntil([&] { return !overlay.Status().degraded; }));
  EXPECT_EQ(overlay.Status().unwatched_directories, 0u);
  ExpectAgrees(overlay);
  WriteFile(repo_ + "/one/two/y.txt", "changed again\n");
  ExpectAgrees(overlay);
}

TEST_F(LiveOverlayTest, CheckoutCommitAndStagingAreSeen) {
  LiveOverlay overlay(repo_, milliseconds(15), nullptr);
  overlay.Start();
  Git(repo_, {"checkout", "-q", "-b", "side"});
  WriteFile(repo_ + "/side/only.txt", "side\n");
  Git(repo_, {"add", "-A"});
  ExpectAgrees(overlay);
  Git(repo_, {"commit", "-q", "-m", "side"});
  ExpectAgrees(overlay);
  Git(repo_, {"checkout", "-q", "main"});  // side/ disappears
  ExpectAgrees(overlay);
  WriteFile(repo_ + "/a.txt", "dirty\n");
  Git(repo_, {"reset", "-q", "--soft", "side"});  // only a ref moves
  ExpectAgrees(overlay);
}

TEST_F(LiveOverlayTest, RescanNowIsImmediate) {
  LiveOverlay overlay(repo_, milliseconds(60000), nullptr);  // events alone would take a minute
  overlay.Start();
  std::uint64_t rescans = overlay.Status().rescans;
  WriteFile(repo_ + "/a.txt", "changed\n");
  overlay.RescanNow();
  ASSERT_TRUE(WaitUntil([&] { return overlay.Status().rescans > rescans; }));
  EXPECT_EQ(SnapshotStatus(*overlay.Snapshot()), GitStatus(repo_));
}

TEST_F(LiveOverlayTest, StopIsPromptAndIdempotent) {
  LiveOverlay overlay(repo_, milliseconds(100), nullptr);
  overlay.Start();
  WriteFile(repo_ + "/a.txt", "pending when stopped\n");
  auto start = std::chrono::steady_clock::now();
  overlay.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(100));
  overlay.Stop();
  EXPECT_FALSE(overlay.Status().running);
}

// Voluntary context switches of a thread, from /proc: each wake-up from poll() is one.
long ContextSwitches(int tid) {
  std::ifstream status("/proc/self/task/" + std::to_string(tid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("voluntary_ctxt_switches:")) {
      return std::stol(line.substr(line.find(':') + 1));
    }
  }
  return -1;
}

TEST_F(LiveOverlayTest, IdleMeansIdle) {
  LiveOverlay overlay(repo_, milliseconds(10), nullptr);
  overlay.Start();
  ASSERT_TRUE(WaitUntil([&] { return overlay.WatcherThreadIdForTest() != 0; }));
  int tid = overlay.WatcherThreadIdForTest();
  std::this_thread::sleep_for(milliseconds(50));
  long before = ContextSwitches(tid);
  ASSERT_GE(before, 0);
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(ContextSwitches(tid), before);
  // And it still answers.
  WriteFile(repo_ + "/a.txt", "wake up\n");
  ExpectAgrees(overlay);
  EXPECT_GT(ContextSwitches(tid), before);
}

}  // namespace
}  // namespace oxd::codedb::test
