// Sync history: a ring of 100 events and the totals `status` shows from it
// (docs/behavior.md#sync-history-and-state).
#include <gtest/gtest.h>

#include "SyncHistory.h"

namespace oxd::sync {
namespace {

using std::chrono::milliseconds;

SyncEvent Event(std::chrono::system_clock::time_point time, milliseconds duration) {
  return SyncEvent{time, "pull", "ledger", duration, 1};
}

TEST(SyncHistoryTest, EmptyHistoryHasZeroStats) {
  SyncHistory history;
  SyncStats stats = history.Stats(std::chrono::system_clock::now());
  EXPECT_EQ(stats.total, 0u);
  EXPECT_EQ(stats.last_hour, 0u);
  EXPECT_EQ(stats.average.count(), 0);
  EXPECT_EQ(stats.p95.count(), 0);
  EXPECT_TRUE(history.Events().empty());
}

TEST(SyncHistoryTest, KeepsTheNewestHundredOldestFirst) {
  SyncHistory history;
  auto now = std::chrono::system_clock::now();
  for (int i = 0; i < 130; ++i) history.Record(Event(now + milliseconds(i), milliseconds(i)));
  std::vector<SyncEvent> events = history.Events();
  ASSERT_EQ(events.size(), 100u);
  EXPECT_EQ(events.front().duration, milliseconds(30));
  EXPECT_EQ(events.back().duration, milliseconds(129));
}

TEST(SyncHistoryTest, StatsCountTheLastHourAndAverageAndP95) {
  SyncHistory history;
  auto now = std::chrono::system_clock::now();
  history.Record(Event(now - std::chrono::hours(2), milliseconds(1000)));
  for (int i = 1; i <= 19; ++i)
    history.Record(Event(now - std::chrono::minutes(i), milliseconds(100)));
  SyncStats stats = history.Stats(now);
  EXPECT_EQ(stats.total, 20u);
  EXPECT_EQ(stats.last_hour, 19u);
  EXPECT_EQ(stats.average, milliseconds((1000 + 19 * 100) / 20));
  // sorted[floor(20 × 0.95)] = sorted[19]: the one slow sync.
  EXPECT_EQ(stats.p95, milliseconds(1000));
}

}  // namespace
}  // namespace oxd::sync
