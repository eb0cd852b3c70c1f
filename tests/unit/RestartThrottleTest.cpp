#include "state/RestartThrottle.h"

#include "StateTestSupport.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace oxd::core {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

class RestartThrottleTest : public ::testing::Test {
 protected:
  std::filesystem::path file() const { return dir / "state" / "restarts-abcd1234.json"; }
  RestartThrottle throttle() { return RestartThrottle(file(), clock.source()); }

  testing::TempDir dir;
  testing::ManualClock clock;
};

TEST_F(RestartThrottleTest, DelayTable) {
  EXPECT_EQ(RestartThrottle::delayFor(0), 0ms);
  EXPECT_EQ(RestartThrottle::delayFor(2), 0ms);
  EXPECT_EQ(RestartThrottle::delayFor(3), 5s);
  EXPECT_EQ(RestartThrottle::delayFor(4), 10s);
  EXPECT_EQ(RestartThrottle::delayFor(5), 20s);
  EXPECT_EQ(RestartThrottle::delayFor(6), 40s);
  EXPECT_EQ(RestartThrottle::delayFor(7), 80s);
  EXPECT_EQ(RestartThrottle::delayFor(8), 120s);
  EXPECT_EQ(RestartThrottle::delayFor(50), 120s);
  EXPECT_EQ(RestartThrottle::delayFor(1'000'000), 120s);
}

TEST_F(RestartThrottleTest, RapidStartsBackOffAndTheFileRemembersThem) {
  std::vector<milliseconds> delays;
  for (int i = 0; i < 9; ++i) {
    delays.push_back(throttle().recordStart());  // a fresh object each time, as a new process
    clock.advance(10s);
  }
  EXPECT_EQ(delays, (std::vector<milliseconds>{0ms, 0ms, 0ms, 5s, 10s, 20s, 40s, 80s, 120s}));
  struct stat info {};
  ASSERT_EQ(::stat(file().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_NE(testing::readText(file()).find("\"restarts\""), std::string::npos);
}

TEST_F(RestartThrottleTest, StartsOlderThanFiveMinutesAreForgottenAndPruned) {
  for (int i = 0; i < 4; ++i) throttle().recordStart();
  EXPECT_EQ(throttle().delay(), 10s);
  clock.advance(5min + 1s);
  EXPECT_EQ(throttle().delay(), 0ms);
  throttle().recordStart();
  EXPECT_EQ(throttle().recentStarts().size(), 1u);
  std::string text = testing::readText(file());
  EXPECT_EQ(std::count(text.begin(), text.end(), 'T'), 1) << text;  // one stamp left in the file
}

TEST_F(RestartThrottleTest, UnreadableHistoryStartsFresh) {
  std::filesystem::create_directories(file().parent_path());
  for (const char* contents :
       {"", "garbage", "{\"restarts\": 5}", "{\"restarts\": [\"x\", 3]}", "[]"}) {
    testing::writeText(file(), contents);
    EXPECT_EQ(throttle().delay(), 0ms) << contents;
    EXPECT_EQ(throttle().recordStart(), 0ms) << contents;
    EXPECT_EQ(throttle().recentStarts().size(), 1u) << contents;
  }
  std::filesystem::remove(file());
  std::filesystem::create_directory(file());  // a directory where the file should be
  EXPECT_EQ(throttle().delay(), 0ms);
  EXPECT_NO_THROW(throttle().recordStart());
}

TEST_F(RestartThrottleTest, AnUnwritableHistoryNeverPreventsAStart) {
  testing::writeText(dir / "blocker", "x");
  RestartThrottle blocked(dir / "blocker" / "restarts.json", clock.source());
  EXPECT_EQ(blocked.recordStart(), 0ms);
  EXPECT_EQ(blocked.recordStart(), 0ms);
}

}  // namespace
}  // namespace oxd::core
