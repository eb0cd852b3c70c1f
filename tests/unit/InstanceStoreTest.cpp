#include "state/InstanceStore.h"

#include "StateTestSupport.h"

#include <Poco/JSON/Array.h>

#include <gtest/gtest.h>

#include <unistd.h>

#include <thread>

namespace oxd::core {
namespace {

using namespace std::chrono_literals;
using testing::ManualClock;

class InstanceStoreTest : public ::testing::Test {
 protected:
  InstanceStoreOptions options() {
    InstanceStoreOptions out;
    out.clock = clock.source();
    return out;
  }
  static AgentHeartbeat agent(const std::string& id, pid_t parent_pid = 0) {
    AgentHeartbeat heartbeat;
    heartbeat.agent_id = id;
    heartbeat.workspace_path = "/work/project";
    heartbeat.parent_pid = parent_pid;
    return heartbeat;
  }
  std::string statusOf(const InstanceStore& store, const std::string& id) {
    auto info = store.get(id);
    return info ? info->status : "missing";
  }

  ManualClock clock;
};

TEST_F(InstanceStoreTest, StatusFollowsTheThresholds) {
  InstanceStore store(options());
  ASSERT_TRUE(store.recordHeartbeat(agent("a")));
  EXPECT_EQ(statusOf(store, "a"), "active");
  clock.advance(5min);
  EXPECT_EQ(statusOf(store, "a"), "active");  // ≤ idle threshold
  clock.advance(1s);
  EXPECT_EQ(statusOf(store, "a"), "idle");
  clock.advance(10min - 1s);
  EXPECT_EQ(statusOf(store, "a"), "idle");  // exactly the stale threshold
  clock.advance(1s);
  EXPECT_EQ(statusOf(store, "a"), "stale");
  store.recordHeartbeat(agent("a"));
  EXPECT_EQ(statusOf(store, "a"), "active");
}

TEST_F(InstanceStoreTest, ThresholdsAreInjectable) {
  InstanceStoreOptions custom = options();
  custom.idle_threshold = 1s;
  custom.stale_threshold = 2s;
  InstanceStore store(custom);
  store.recordHeartbeat(agent("a"));
  clock.advance(1500ms);
  EXPECT_EQ(statusOf(store, "a"), "idle");
  clock.advance(1s);
  EXPECT_EQ(statusOf(store, "a"), "stale");
}

TEST_F(InstanceStoreTest, DeadParentPidMeansExitedAtOnce) {
  InstanceStore store(options());
  pid_t dead = testing::deadPid();
  store.recordHeartbeat(agent("gone", dead));
  EXPECT_EQ(statusOf(store, "gone"), "exited");  // the seed's instant detection
  store.recordHeartbeat(agent("alive", ::getpid()));
  EXPECT_EQ(statusOf(store, "alive"), "active");
  clock.advance(6min);
  EXPECT_EQ(statusOf(store, "gone"), "exited");
  clock.advance(1h);
  EXPECT_EQ(statusOf(store, "gone"), "exited");
}

TEST_F(InstanceStoreTest, LiveParentPidKeepsAnAgentIdleBeyondTheStaleThreshold) {
  InstanceStore store(options());
  store.recordHeartbeat(agent("alive", ::getpid()));
  clock.advance(2h);
  EXPECT_EQ(statusOf(store, "alive"), "idle");
  EXPECT_EQ(store.list().size(), 1u);
}

TEST_F(InstanceStoreTest, ListingIsNewestFirstAndLeavesOutStaleUnlessAsked) {
  InstanceStore store(options());
  store.recordHeartbeat(agent("old"));
  clock.advance(20min);
  store.recordHeartbeat(agent("mid"));
  clock.advance(1min);
  store.recordHeartbeat(agent("new"));
  auto listed = store.list();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].agent_id, "new");
  EXPECT_EQ(listed[1].agent_id, "mid");
  auto everything = store.list(true);
  ASSERT_EQ(everything.size(), 3u);
  EXPECT_EQ(everything[2].status, "stale");
  EXPECT_EQ(store.activeAgentIds(), (std::vector<std::string>{"new", "mid"}));
}

TEST_F(InstanceStoreTest, UpsertKeepsFieldsThatLaterHeartbeatsLeaveEmpty) {
  InstanceStore store(options());
  AgentHeartbeat first = agent("a", 4242);
  first.parent_agent_id = "parent";
  first.agent_type = "claude-code";
  store.recordHeartbeat(first);
  AgentHeartbeat bare;
  bare.agent_id = "a";
  store.recordHeartbeat(bare);
  auto info = store.get("a");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->workspace_path, "/work/project");
  EXPECT_EQ(info->parent_agent_id, "parent");
  EXPECT_EQ(info->agent_type, "claude-code");
  EXPECT_EQ(info->parent_pid, 4242);
  EXPECT_EQ(info->heartbeat_count, 2);
  EXPECT_FALSE(store.recordHeartbeat(AgentHeartbeat{}));
  EXPECT_EQ(store.size(), 1u);
}

TEST_F(InstanceStoreTest, ContextTokensAccumulateWithCommandCount) {
  InstanceStore store(options());
  AgentHeartbeat heartbeat = agent("a");
  heartbeat.context_tokens = 1000;
  store.recordHeartbeat(heartbeat);
  heartbeat.context_tokens = 250;
  store.recordHeartbeat(heartbeat);
  heartbeat.context_tokens = 0;  // nothing recorded
  store.recordHeartbeat(heartbeat);
  auto info = store.get("a");
  EXPECT_EQ(info->cumulative_context_tokens, 1250);
  EXPECT_EQ(info->command_count, 2);
  EXPECT_EQ(info->heartbeat_count, 3);
}

TEST_F(InstanceStoreTest, AtCapacityTheOldestStaleAgentIsEvictedFirst) {
  InstanceStore store(options());
  store.recordHeartbeat(agent("stale-old"));
  clock.advance(1min);
  store.recordHeartbeat(agent("stale-young"));
  clock.advance(30min);
  for (int i = 0; i < 98; ++i) store.recordHeartbeat(agent("fresh" + std::to_string(i)));
  ASSERT_EQ(store.size(), 100u);
  // "fresh0" is the oldest non-stale one; a stale one must go first anyway.
  store.recordHeartbeat(agent("newcomer"));
  EXPECT_EQ(store.size(), 100u);
  EXPECT_FALSE(store.get("stale-old"));
  EXPECT_TRUE(store.get("stale-young"));
  EXPECT_TRUE(store.get("newcomer"));
}

TEST_F(InstanceStoreTest, AtCapacityWithoutStaleAgentsTheOldestOverallIsEvicted) {
  InstanceStore store(options());
  for (int i = 0; i < 100; ++i) {
    store.recordHeartbeat(agent("agent" + std::to_string(i)));
    clock.advance(1s);
  }
  store.recordHeartbeat(agent("agent0"));  // known id: nothing evicted, agent1 is now oldest
  store.recordHeartbeat(agent("newcomer"));
  EXPECT_EQ(store.size(), 100u);
  EXPECT_TRUE(store.get("agent0"));
  EXPECT_FALSE(store.get("agent1"));
  EXPECT_TRUE(store.get("newcomer"));
}

TEST_F(InstanceStoreTest, CleanupRemovesAgentsSilentForADay) {
  InstanceStore store(options());
  store.recordHeartbeat(agent("ancient", ::getpid()));
  store.recordHeartbeat(agent("ancient-too"));
  clock.advance(23h);
  store.recordHeartbeat(agent("recent"));
  EXPECT_TRUE(store.cleanup().empty());
  clock.advance(1h + 1s);
  auto removed = store.cleanup();
  std::sort(removed.begin(), removed.end());
  EXPECT_EQ(removed, (std::vector<std::string>{"ancient", "ancient-too"}));
  EXPECT_TRUE(store.get("recent"));
}

TEST_F(InstanceStoreTest, EvictExitedReturnsTheDeadAgents) {
  InstanceStore store(options());
  store.recordHeartbeat(agent("dead", testing::deadPid()));
  store.recordHeartbeat(agent("alive", ::getpid()));
  store.recordHeartbeat(agent("quiet"));
  EXPECT_TRUE(store.evictExited().empty());  // all still active
  clock.advance(10min);
  EXPECT_EQ(store.evictExited(), std::vector<std::string>{"dead"});
  EXPECT_EQ(store.size(), 2u);
}

TEST_F(InstanceStoreTest, InstancesJsonUsesTheSpecFieldsAndOmitsEmptyOnes) {
  InstanceStore store(options());
  store.recordHeartbeat(agent("plain"));
  AgentHeartbeat full = agent("full", ::getpid());
  full.parent_agent_id = "Oxparent";
  full.agent_type = "explore";
  full.context_tokens = 7;
  clock.advance(1s);
  store.recordHeartbeat(full);
  EXPECT_TRUE(store.setLastWhisper("full", clock.now()));
  EXPECT_FALSE(store.setLastWhisper("nobody", clock.now()));

  auto json = store.instancesJson();
  auto instances = json->getArray("instances");
  ASSERT_EQ(instances->size(), 2u);
  auto first = instances->getObject(0);
  EXPECT_EQ(first->getValue<std::string>("agent_id"), "full");
  EXPECT_EQ(first->getValue<std::string>("status"), "active");
  EXPECT_EQ(first->getValue<std::int64_t>("cumulative_context_tokens"), 7);
  EXPECT_EQ(first->getValue<std::int64_t>("command_count"), 1);
  EXPECT_EQ(first->getValue<std::string>("parent_agent_id"), "Oxparent");
  EXPECT_EQ(first->getValue<std::string>("agent_type"), "explore");
  EXPECT_EQ(first->getValue<int>("parent_pid"), ::getpid());
  EXPECT_EQ(first->getValue<std::string>("last_whisper"), sdk::formatTime(clock.now()));

  auto plain = instances->getObject(1);
  std::vector<std::string> names = plain->getNames();
  EXPECT_EQ(names, (std::vector<std::string>{"agent_id", "workspace_path", "last_heartbeat",
                                             "heartbeat_count", "status"}));

  auto sessions = store.sessionsJson()->getArray("sessions");
  ASSERT_EQ(sessions->size(), 2u);
  EXPECT_EQ(sessions->getObject(0)->getNames(),
            (std::vector<std::string>{"agent_id", "workspace_path", "last_heartbeat",
                                      "heartbeat_count", "status"}));
}

TEST_F(InstanceStoreTest, EmptyStoreGivesEmptyListsNotNull) {
  InstanceStore store(options());
  std::ostringstream instances, sessions;
  store.instancesJson()->stringify(instances);
  store.sessionsJson()->stringify(sessions);
  EXPECT_EQ(instances.str(), "{\"instances\":[]}");
  EXPECT_EQ(sessions.str(), "{\"sessions\":[]}");
}

TEST_F(InstanceStoreTest, ConcurrentHeartbeatsAndListingsAreSafe) {
  InstanceStore store(options());
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        AgentHeartbeat heartbeat = agent("agent" + std::to_string((t * 31 + i) % 150));
        heartbeat.context_tokens = 1;
        store.recordHeartbeat(heartbeat);
        if (i % 25 == 0) {
          store.instancesJson();
          store.activeAgentIds();
          store.cleanup();
          store.setLastWhisper("agent1", clock.now());
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(store.size(), 100u);
}

}  // namespace
}  // namespace oxd::core
