#include "state/ActivityTracker.h"

#include <Poco/JSON/Object.h>

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace oxd::core {
namespace {

using std::chrono::seconds;

sdk::Time at(int second) {
  return sdk::Time{} + std::chrono::hours(24 * 365 * 50) + seconds(second);
}

TEST(ActivityTrackerTest, KeepsStampsOldestFirst) {
  ActivityTracker tracker(5, 10);
  for (int i = 1; i <= 3; ++i) tracker.recordAt("repo", at(i));
  EXPECT_EQ(tracker.get("repo"), (std::vector<sdk::Time>{at(1), at(2), at(3)}));
  EXPECT_EQ(tracker.count("repo"), 3);
  EXPECT_EQ(tracker.last("repo"), at(3));
  EXPECT_TRUE(tracker.has("repo"));
  EXPECT_FALSE(tracker.has("other"));
  EXPECT_TRUE(tracker.get("other").empty());
  EXPECT_EQ(tracker.last("other"), sdk::Time{});
}

TEST(ActivityTrackerTest, WrapsAtCapacityAndLastFollowsTheWrap) {
  ActivityTracker tracker(3, 10);
  for (int i = 1; i <= 7; ++i) tracker.recordAt("repo", at(i));
  EXPECT_EQ(tracker.get("repo"), (std::vector<sdk::Time>{at(5), at(6), at(7)}));
  EXPECT_EQ(tracker.count("repo"), 3);
  EXPECT_EQ(tracker.last("repo"), at(7));
}

TEST(ActivityTrackerTest, CapacityOneKeepsOnlyTheNewest) {
  ActivityTracker tracker(1, 10);
  tracker.recordAt("a", at(1));
  tracker.recordAt("a", at(2));
  EXPECT_EQ(tracker.get("a"), std::vector<sdk::Time>{at(2)});
  EXPECT_EQ(tracker.last("a"), at(2));
}

TEST(ActivityTrackerTest, NonPositiveCapacityUsesTheDefault) {
  EXPECT_EQ(ActivityTracker(0).capacity(), ActivityTracker::kDefaultCapacity);
  EXPECT_EQ(ActivityTracker(-4).capacity(), ActivityTracker::kDefaultCapacity);
  EXPECT_EQ(ActivityTracker().capacity(), 100);
}

TEST(ActivityTrackerTest, ClearAndReset) {
  ActivityTracker tracker;
  tracker.record("a");
  tracker.record("b");
  tracker.clear("a");
  EXPECT_FALSE(tracker.has("a"));
  EXPECT_TRUE(tracker.has("b"));
  tracker.reset();
  EXPECT_EQ(tracker.size(), 0u);
  EXPECT_TRUE(tracker.keys().empty());
}

TEST(ActivityTrackerTest, NewKeyAtTheCapEvictsTheKeyWithTheOldestLastStamp) {
  ActivityTracker tracker(10, 3);
  tracker.recordAt("a", at(1));
  tracker.recordAt("a", at(50));  // a's newest stamp is recent: it stays
  tracker.recordAt("b", at(10));
  tracker.recordAt("c", at(20));
  tracker.recordAt("d", at(30));
  EXPECT_EQ(tracker.size(), 3u);
  EXPECT_TRUE(tracker.has("a"));
  EXPECT_FALSE(tracker.has("b"));
  EXPECT_TRUE(tracker.has("c"));
  EXPECT_TRUE(tracker.has("d"));
}

TEST(ActivityTrackerTest, AnExistingKeyNeverEvicts) {
  ActivityTracker tracker(10, 2);
  tracker.recordAt("a", at(1));
  tracker.recordAt("b", at(2));
  for (int i = 3; i < 20; ++i) tracker.recordAt("a", at(i));
  EXPECT_TRUE(tracker.has("a"));
  EXPECT_TRUE(tracker.has("b"));
}

TEST(ActivityTrackerTest, NegativeOrZeroMaxKeysIsUnlimited) {
  for (int max_keys : {-1, 0}) {
    ActivityTracker tracker(2, max_keys);
    for (int i = 0; i < 2000; ++i) tracker.recordAt("key" + std::to_string(i), at(i));
    EXPECT_EQ(tracker.size(), 2000u);
  }
}

TEST(ActivityTrackerTest, JsonListsNewestKeyFirstWithTimestamps) {
  ActivityTracker tracker(10, 10);
  tracker.recordAt("old", at(1));
  tracker.recordAt("new", at(2));
  tracker.recordAt("new", at(3));
  Poco::JSON::Array::Ptr json = tracker.toJson();
  ASSERT_EQ(json->size(), 2u);
  auto first = json->getObject(0);
  EXPECT_EQ(first->getValue<std::string>("key"), "new");
  EXPECT_EQ(first->getValue<int>("count"), 2);
  EXPECT_EQ(first->getValue<std::string>("last"), sdk::formatTime(at(3)));
  ASSERT_TRUE(first->getArray("timestamps"));
  EXPECT_EQ(first->getArray("timestamps")->getElement<std::string>(0), sdk::formatTime(at(2)));
  EXPECT_EQ(json->getObject(1)->getValue<std::string>("key"), "old");

  auto bare = tracker.toJson(false);
  EXPECT_FALSE(bare->getObject(0)->has("timestamps"));
  EXPECT_EQ(ActivityTracker().toJson()->size(), 0u);
}

TEST(ActivityTrackerTest, ConcurrentRecordsAndReadsAreSafe) {
  ActivityTracker tracker(100, 20);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&tracker, t] {
      for (int i = 0; i < 500; ++i) {
        tracker.recordAt("key" + std::to_string((t * 7 + i) % 40), at(i));
        if (i % 50 == 0) {
          tracker.toJson();
          tracker.keys();
          tracker.get("key1");
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(tracker.size(), 20u);
}

}  // namespace
}  // namespace oxd::core
