// The retry schedules of docs/behavior.md#backoff, as a user would see them: when the next attempt
// happens.
#include <gtest/gtest.h>

#include "Backoff.h"

namespace oxd::sync {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

TEST(BackoffTest, SyncScheduleDoublesToThirtyMinutes) {
  const minutes expected[] = {minutes(1),  minutes(2),  minutes(4),  minutes(8),
                              minutes(16), minutes(30), minutes(30), minutes(30)};
  for (int n = 1; n <= 8; ++n) EXPECT_EQ(kSyncBackoff.DelayAfter(n), expected[n - 1]) << n;
  EXPECT_EQ(kSyncBackoff.DelayAfter(0), minutes(1));
  EXPECT_EQ(kSyncBackoff.DelayAfter(1000), minutes(30));  // the shift is capped, no overflow
}

TEST(BackoffTest, CloneSchedulesCapAtAnHourOrFiveMinutes) {
  EXPECT_EQ(kCloneBackoff.DelayAfter(6), minutes(32));
  EXPECT_EQ(kCloneBackoff.DelayAfter(7), hours(1));
  EXPECT_EQ(kCloneBackoff.DelayAfter(20), hours(1));
  EXPECT_EQ(kPermanentCloneBackoff.DelayAfter(3), minutes(4));
  EXPECT_EQ(kPermanentCloneBackoff.DelayAfter(4), minutes(5));
  EXPECT_EQ(kPermanentCloneBackoff.DelayAfter(9), minutes(5));
}

TEST(BackoffTest, NextAttemptFollowsTheLastFailureAndClearResets) {
  Backoff backoff;
  auto now = Clock::now();
  EXPECT_TRUE(backoff.Allows(now));
  backoff.RecordFailure(now, kSyncBackoff);
  EXPECT_FALSE(backoff.Allows(now + std::chrono::seconds(59)));
  EXPECT_TRUE(backoff.Allows(now + minutes(1)));
  backoff.RecordFailure(now + minutes(1), kSyncBackoff);
  EXPECT_EQ(backoff.failures(), 2);
  EXPECT_EQ(backoff.next_attempt(), now + minutes(3));
  backoff.Clear();
  EXPECT_EQ(backoff.failures(), 0);
  EXPECT_TRUE(backoff.Allows(now));
}

}  // namespace
}  // namespace oxd::sync
