// publishAndWait: the publisher returns once every subscriber has seen the event (what the
// daemon needs for `daemon.stopping`), and no later than its bound when one is slow.

#include "runtime/EventBus.h"

#include "Concurrency.h"

#include "runtime/WorkerPool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace oxd::core {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(EventBusPublishAndWaitTest, ReturnsAfterEverySubscriberRan) {
  WorkerPool pool(2, 16);
  EventBus bus(pool);
  std::atomic<int> seen{0};
  for (const char* owner : {"a", "b", "c"}) {
    bus.subscribe("daemon.stopping", owner, [&](const Poco::Dynamic::Var&) {
      std::this_thread::sleep_for(20ms);
      ++seen;
    });
  }
  EXPECT_TRUE(bus.publishAndWait("daemon.stopping", 1, 2s));
  EXPECT_EQ(seen.load(), 3);
}

TEST(EventBusPublishAndWaitTest, NoSubscriberReturnsAtOnce) {
  WorkerPool pool(1, 4);
  EventBus bus(pool);
  auto started = Clock::now();
  EXPECT_TRUE(bus.publishAndWait("nobody.listens", 1, 2s));
  EXPECT_LT(Clock::now() - started, 100ms);
}

TEST(EventBusPublishAndWaitTest, ASlowSubscriberIsWaitedForOnlyUpToTheBound) {
  WorkerPool pool(2, 16);
  EventBus bus(pool);
  oxd::testing::Latch release;
  bus.subscribe("t", "slow", [&](const Poco::Dynamic::Var&) { release.wait(); });
  auto started = Clock::now();
  EXPECT_FALSE(bus.publishAndWait("t", 1, 100ms));
  auto waited = Clock::now() - started;
  EXPECT_GE(waited, 100ms);
  EXPECT_LT(waited, 1s);
  release.open();
  pool.stop();  // before the latch the subscriber waits on goes out of scope
}

}  // namespace
}  // namespace oxd::core
