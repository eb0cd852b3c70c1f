// SettleTimer: the settle deadline, the cap for endless writes, and poll's timeout — -1 (no
// wake-up at all) when nothing is pending.
#include "overlay/SettleTimer.h"

#include <gtest/gtest.h>

namespace oxd::codedb {
namespace {
using std::chrono::milliseconds;

TEST(SettleTimerTest, IdleSleepsWithoutTimeout) {
  SettleTimer timer(milliseconds(100), milliseconds(1000));
  auto now = SettleTimer::Clock::now();
  EXPECT_FALSE(timer.pending());
  EXPECT_EQ(timer.PollTimeoutMs(now, std::nullopt), -1);
  EXPECT_EQ(timer.PollTimeoutMs(now, now + milliseconds(5000)), 5000);
}

TEST(SettleTimerTest, EventsCollapseUntilQuiet) {
  SettleTimer timer(milliseconds(100), milliseconds(1000));
  auto t0 = SettleTimer::Clock::now();
  timer.Note(t0);
  EXPECT_EQ(timer.PollTimeoutMs(t0, std::nullopt), 100);
  timer.Note(t0 + milliseconds(60));
  EXPECT_FALSE(timer.Due(t0 + milliseconds(100)));
  EXPECT_EQ(timer.PollTimeoutMs(t0 + milliseconds(100), std::nullopt), 60);
  EXPECT_TRUE(timer.Due(t0 + milliseconds(160)));
  EXPECT_EQ(timer.PollTimeoutMs(t0 + milliseconds(170), std::nullopt), 0);
  timer.Clear();
  EXPECT_EQ(timer.PollTimeoutMs(t0 + milliseconds(170), std::nullopt), -1);
}

TEST(SettleTimerTest, EndlessWritesAreCappedAndExpediteIsImmediate) {
  SettleTimer timer(milliseconds(100), milliseconds(1000));
  auto t0 = SettleTimer::Clock::now();
  for (int i = 0; i < 20; ++i) {
    timer.Note(t0 + milliseconds(i * 60));
  }
  EXPECT_TRUE(timer.Due(t0 + milliseconds(1000)));
  timer.Clear();
  timer.Expedite(t0);
  EXPECT_TRUE(timer.Due(t0));
  EXPECT_EQ(timer.PollTimeoutMs(t0, t0 + milliseconds(5000)), 0);
}

}  // namespace
}  // namespace oxd::codedb
