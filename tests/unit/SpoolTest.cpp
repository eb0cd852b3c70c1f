// The spool's promises (docs/reliability.md#spooled-messages): lines come back in order, once;
// a claim left by a crash is replayed first; nothing is written while the daemon serves; and
// appenders racing a claim lose nothing and duplicate nothing.

#include "common/Spool.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace oxd::spool {
namespace {

namespace fs = std::filesystem;

class SpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/oxd-spool-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    file_ = dir_ / "spool" / "ws.ndjson";
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  fs::path dir_, file_;
};

TEST_F(SpoolTest, ReturnsLinesInOrderOnceAndRemovesTheFile) {
  for (const char* line : {R"({"n":1})", R"({"n":2})", R"({"n":3})"}) {
    EXPECT_EQ(append(file_, line, nullptr), AppendOutcome::Spooled);
  }
  EXPECT_EQ(fs::status(file_).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(takeAll(file_), (std::vector<std::string>{R"({"n":1})", R"({"n":2})", R"({"n":3})"}));
  EXPECT_FALSE(fs::exists(file_));
  EXPECT_FALSE(fs::exists(claimedPath(file_)));
  EXPECT_TRUE(takeAll(file_).empty());
}

TEST_F(SpoolTest, AClaimLeftByACrashComesFirstAndOnlyOnce) {
  append(file_, "old", nullptr);
  fs::rename(file_, claimedPath(file_));  // the daemon died right after claiming
  append(file_, "new", nullptr);
  EXPECT_EQ(takeAll(file_), (std::vector<std::string>{"old", "new"}));
  EXPECT_TRUE(takeAll(file_).empty());
}

TEST_F(SpoolTest, NothingIsWrittenWhenTheDaemonServesMeanwhile) {
  EXPECT_EQ(append(file_, "x", [] { return true; }), AppendOutcome::DaemonServing);
  EXPECT_TRUE(takeAll(file_).empty());
}

TEST_F(SpoolTest, ATornLastLineIsReturnedForTheCallerToReject) {
  append(file_, "whole", nullptr);
  std::ofstream(file_, std::ios::app) << "{\"torn";
  EXPECT_EQ(takeAll(file_), (std::vector<std::string>{"whole", "{\"torn"}));
}

TEST_F(SpoolTest, AFullSpoolIsRefusedWithItsPath) {
  append(file_, "first", nullptr);
  fs::resize_file(file_, kMaxSpoolBytes);
  try {
    append(file_, "one more", nullptr);
    FAIL() << "a full spool accepted a line";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(file_.string()), std::string::npos) << error.what();
  }
  EXPECT_EQ(fs::file_size(file_), kMaxSpoolBytes);
}

TEST_F(SpoolTest, AppendersRacingClaimsLoseAndRepeatNothing) {
  constexpr int kWriters = 4, kEach = 150;
  std::atomic<int> running{kWriters};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) append(file_, std::to_string(w * 1000 + i), nullptr);
      --running;
    });
  }
  std::vector<std::string> taken;
  while (running.load() > 0) {
    for (std::string& line : takeAll(file_)) taken.push_back(std::move(line));
    std::this_thread::sleep_for(std::chrono::microseconds(300));  // claims far likelier than real
  }
  for (auto& writer : writers) writer.join();
  for (std::string& line : takeAll(file_)) taken.push_back(std::move(line));
  std::set<std::string> unique(taken.begin(), taken.end());
  EXPECT_EQ(taken.size(), static_cast<std::size_t>(kWriters * kEach));
  EXPECT_EQ(unique.size(), taken.size());
  // Each writer's own lines stay in its order.
  for (int w = 0; w < kWriters; ++w) {
    int last = -1;
    for (const std::string& line : taken) {
      int value = std::stoi(line);
      if (value / 1000 != w) continue;
      EXPECT_GT(value % 1000, last);
      last = value % 1000;
    }
  }
}

}  // namespace
}  // namespace oxd::spool
