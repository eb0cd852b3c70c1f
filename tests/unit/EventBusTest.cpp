#include "runtime/EventBus.h"

#include "CapturingChannel.h"
#include "Concurrency.h"
#include "FakeHost.h"

#include "runtime/WorkerPool.h"

#include <oxd/events.h>

#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace oxd::core {
namespace {

using oxd::testing::eventually;
using oxd::testing::Latch;

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(EventBusTest, DeliversToEverySubscriberOfTheTopicOnly) {
  WorkerPool pool(2, 16);
  EventBus bus(pool);
  std::atomic<int> a{0}, b{0}, other{0};
  bus.subscribe("repo.pulled", "a",
                [&](const Poco::Dynamic::Var& event) { a += event.convert<int>(); });
  bus.subscribe("repo.pulled", "b",
                [&](const Poco::Dynamic::Var& event) { b += event.convert<int>(); });
  bus.subscribe("heartbeat", "a", [&](const Poco::Dynamic::Var&) { ++other; });
  EXPECT_EQ(bus.publish("repo.pulled", 5), 2u);
  EXPECT_EQ(bus.publish("nobody.listens", 1), 0u);
  EXPECT_TRUE(eventually([&] { return a == 5 && b == 5; }));
  EXPECT_EQ(other.load(), 0);
}

TEST(EventBusTest, ASlowSubscriberBlocksNeitherThePublisherNorOthers) {
  WorkerPool pool(2, 16);
  EventBus bus(pool);
  Latch release;
  std::atomic<int> fast{0};
  bus.subscribe("t", "slow", [&](const Poco::Dynamic::Var&) { release.wait(); });
  bus.subscribe("t", "fast", [&](const Poco::Dynamic::Var&) { ++fast; });
  auto started = Clock::now();
  bus.publish("t", 1);
  EXPECT_LT(Clock::now() - started, 100ms);
  EXPECT_TRUE(eventually([&] { return fast == 1; }));
  release.open();
  pool.stop();  // before the latch the subscriber waits on goes out of scope
}

TEST(EventBusTest, DropsAndCountsWhenThePoolIsFull) {
  WorkerPool pool(1, 1);
  EventBus bus(pool);
  Latch release;
  Latch busy;
  pool.submit([&] {
    busy.open();
    release.wait();
  });
  busy.wait();
  ASSERT_TRUE(pool.submit([] {}));  // the queue's one slot
  auto gate = std::make_shared<CallGate>();
  bus.subscribe(
      "t", "plugin", [](const Poco::Dynamic::Var&) {}, gate);
  EXPECT_EQ(bus.publish("t", 1), 0u);
  EXPECT_EQ(bus.drops(), 1u);
  EXPECT_EQ(gate->counters().drops, 1u);
  release.open();
  pool.stop();
}

TEST(EventBusTest, ASubscriberThatThrowsIsCaughtAndCounted) {
  WorkerPool pool(2, 16);
  EventBus bus(pool);
  auto gate = std::make_shared<CallGate>();
  std::atomic<int> delivered{0};
  bus.subscribe(
      "t", "plugin", [](const Poco::Dynamic::Var&) { throw std::runtime_error("bad subscriber"); },
      gate);
  bus.subscribe("t", "other", [&](const Poco::Dynamic::Var&) { ++delivered; });
  bus.publish("t", 1);
  EXPECT_TRUE(eventually([&] { return bus.errors() == 1 && delivered == 1; }));
  EXPECT_TRUE(eventually([&] { return gate->counters().errors == 1; }));
  EXPECT_EQ(gate->counters().events, 1u);
  EXPECT_EQ(gate->counters().last_error, "bad subscriber");
}

TEST(EventBusTest, UnsubscribeOwnerWaitsForDeliveriesInFlight) {
  WorkerPool pool(2, 16);
  EventBus bus(pool);
  auto gate = std::make_shared<CallGate>();
  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
  bus.subscribe(
      "t", "plugin",
      [&](const Poco::Dynamic::Var&) {
        started = true;
        std::this_thread::sleep_for(100ms);
        finished = true;
      },
      gate);
  bus.publish("t", 1);
  ASSERT_TRUE(eventually([&] { return started.load(); }));
  gate->close();
  EXPECT_TRUE(bus.unsubscribeOwner("plugin"));
  EXPECT_TRUE(finished.load());
  EXPECT_EQ(bus.subscriberCount("t"), 0u);
  EXPECT_EQ(bus.publish("t", 1), 0u);
}

TEST(EventBusTest, QueuedDeliveriesOfARemovedSubscriberAreSkipped) {
  WorkerPool pool(1, 16);
  EventBus bus(pool);
  Latch release;
  Latch busy;
  pool.submit([&] {
    busy.open();
    release.wait();
  });
  busy.wait();
  std::atomic<int> delivered{0};
  bus.subscribe("t", "core", [&](const Poco::Dynamic::Var&) { ++delivered; });  // private gate
  EXPECT_EQ(bus.publish("t", 1), 1u);
  EXPECT_TRUE(bus.unsubscribeOwner("core", 100ms));
  release.open();
  pool.stop();
  EXPECT_EQ(delivered.load(), 0);
}

// A host whose subscriptions go to a real bus, as the daemon's plugin host does.
class BusHost : public oxd::testing::FakeHost {
 public:
  explicit BusHost(EventBus& bus) : bus_(bus) {}
  void subscribe(const std::string& topic, sdk::EventHandler handler) override {
    bus_.subscribe(topic, "typed", std::move(handler), gate);
  }
  std::shared_ptr<CallGate> gate = std::make_shared<CallGate>();

 private:
  EventBus& bus_;
};

std::uint64_t gate_errors(BusHost& host) { return host.gate->counters().errors; }

TEST(EventBusTest, ATypedSubscriberGivenAMalformedEventLogsAndCountsItThenGetsTheNext) {
  Poco::Logger& events_log = Poco::Logger::get("oxd.events");
  Poco::Channel::Ptr previous = events_log.getChannel();
  Poco::AutoPtr<oxd::testing::CapturingChannel> capture = new oxd::testing::CapturingChannel;
  events_log.setChannel(capture);
  WorkerPool pool(2, 16);
  EventBus bus(pool);
  BusHost host(bus);
  std::mutex mutex;
  std::vector<sdk::RepoPulledEvent> received;
  sdk::subscribe<sdk::RepoPulledEvent>(host, [&](const sdk::RepoPulledEvent& event) {
    std::lock_guard lock(mutex);
    received.push_back(event);
  });
  sdk::RepoPulledEvent good{"ledger", "ledger", "/l", "a", "b", 1, {"x"}};
  Poco::JSON::Object::Ptr bad = good.toVar().extract<Poco::JSON::Object::Ptr>();
  bad->set("files_changed", std::string("1"));  // a renamed type on the publisher's side

  EXPECT_EQ(bus.publish(sdk::RepoPulledEvent::kTopic, bad), 1u);
  EXPECT_TRUE(eventually([&] { return bus.errors() == 1; }));
  EXPECT_TRUE(eventually([&] { return gate_errors(host) == 1; }));
  EXPECT_EQ(host.gate->counters().last_error,
            "repo.pulled: files_changed: expected integer, got string");
  EXPECT_TRUE(eventually([&] {
    return capture->text().find(
               "subscriber typed of repo.pulled failed: repo.pulled: "
               "files_changed: expected integer, got string") != std::string::npos;
  })) << capture->text();

  EXPECT_EQ(bus.publish(sdk::RepoPulledEvent::kTopic, good.toVar()), 1u);
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return received.size() == 1;
  }));
  pool.stop();
  EXPECT_EQ(received.at(0), good);
  EXPECT_EQ(bus.errors(), 1u);
  events_log.setChannel(previous);
}

}  // namespace
}  // namespace oxd::core
