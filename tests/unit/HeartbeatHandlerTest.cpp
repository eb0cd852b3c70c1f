#include "state/HeartbeatHandler.h"

#include "StateTestSupport.h"

#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace oxd::core {
namespace {

using namespace std::chrono_literals;

Poco::JSON::Object::Ptr parse(const std::string& json) {
  Poco::JSON::Parser parser;
  return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

// What the callbacks saw, guarded for the concurrency tests.
struct Seen {
  std::mutex mutex;
  int activity = 0;
  std::vector<std::pair<std::string, std::string>> mismatches;
  std::vector<std::string> new_teams;
  std::vector<std::string> caller_paths;
};

class HeartbeatHandlerTest : public ::testing::Test {
 protected:
  HeartbeatCallbacks callbacks() {
    HeartbeatCallbacks out;
    out.on_activity = [this] {
      std::lock_guard lock(seen.mutex);
      ++seen.activity;
    };
    out.on_version_mismatch = [this](const std::string& cli, const std::string& daemon) {
      std::lock_guard lock(seen.mutex);
      seen.mismatches.emplace_back(cli, daemon);
    };
    out.on_new_teams = [this](const std::vector<std::string>& teams) {
      std::lock_guard lock(seen.mutex);
      seen.new_teams.insert(seen.new_teams.end(), teams.begin(), teams.end());
    };
    out.on_caller_path_changed = [this](const std::string& path) {
      std::lock_guard lock(seen.mutex);
      seen.caller_paths.push_back(path);
    };
    return out;
  }
  HeartbeatOptions options() {
    HeartbeatOptions out;
    out.daemon_version = "1.2.3+20260101";
    out.workspace_path = "/work/project";
    out.clock = clock.source();
    return out;
  }
  InstanceStoreOptions instanceOptions() {
    InstanceStoreOptions out;
    out.clock = clock.source();
    return out;
  }

  testing::ManualClock clock;
  Seen seen;
  InstanceStore instances{instanceOptions()};
  CredentialStore credentials{clock.source()};
  HeartbeatHandler handler{instances, credentials, callbacks(), options()};
};

TEST_F(HeartbeatHandlerTest, FullPayloadFeedsEveryPart) {
  handler.handle(parse(R"({
    "repo_path": "/work/project", "workspace_id": "abcd1234", "caller_path": "/work/clone",
    "agent_id": "Oxa7b3", "team_ids": ["team_1", "team_2"], "cli_version": "1.2.3+other",
    "timestamp": "2026-01-01T00:00:00Z", "context_tokens": 1500, "command_name": "prime",
    "parent_agent_id": "Oxparent", "agent_type": "claude-code", "parent_pid": 1,
    "credentials": {"token": "git-tok", "server_url": "https://git.example.com",
                    "expires_at": "0001-01-01T00:00:00Z", "auth_token": "api-tok",
                    "user_email": "dev@example.com", "user_id": "u1"}
  })"));
  EXPECT_EQ(seen.activity, 1);
  EXPECT_TRUE(seen.mismatches.empty());  // same semver, other build
  EXPECT_EQ(seen.new_teams, (std::vector<std::string>{"team_1", "team_2"}));
  EXPECT_EQ(seen.caller_paths, std::vector<std::string>{"/work/clone"});
  EXPECT_TRUE(handler.repoActivity().has("/work/project"));
  EXPECT_TRUE(handler.workspaceActivity().has("abcd1234"));
  EXPECT_TRUE(handler.agentActivity().has("Oxa7b3"));
  EXPECT_TRUE(handler.teamActivity().has("team_2"));
  EXPECT_TRUE(credentials.hasValid());
  EXPECT_EQ(credentials.authToken(), "api-tok");
  EXPECT_EQ(credentials.current()->token, "git-tok");

  auto agent = instances.get("Oxa7b3");
  ASSERT_TRUE(agent);
  EXPECT_EQ(agent->workspace_path, "/work/clone");
  EXPECT_EQ(agent->cumulative_context_tokens, 1500);
  EXPECT_EQ(agent->command_count, 1);
  EXPECT_EQ(agent->parent_agent_id, "Oxparent");
  EXPECT_EQ(agent->agent_type, "claude-code");
  EXPECT_EQ(agent->parent_pid, 1);

  auto callers = handler.callersJson();
  ASSERT_EQ(callers->size(), 1u);
  auto caller = callers->getObject(0);
  EXPECT_EQ(caller->getValue<std::string>("path"), "/work/clone");
  EXPECT_EQ(caller->getValue<std::string>("agent_id"), "Oxa7b3");
  EXPECT_EQ(caller->getValue<std::string>("id").size(), 8u);
  EXPECT_EQ(caller->getValue<std::string>("last_seen"), sdk::formatTime(clock.now()));
  EXPECT_EQ(handler.lastCallerPath(), "/work/clone");
}

TEST_F(HeartbeatHandlerTest, PartialPayloadWorks) {
  handler.handle(parse(R"({"repo_path": "/r"})"));
  EXPECT_EQ(seen.activity, 1);
  EXPECT_TRUE(handler.repoActivity().has("/r"));
  EXPECT_EQ(instances.size(), 0u);
  EXPECT_FALSE(credentials.current());
  EXPECT_EQ(handler.callersJson()->size(), 0u);
  handler.handle(parse("{}"));
  EXPECT_EQ(seen.activity, 2);
}

TEST_F(HeartbeatHandlerTest, InvalidJsonIsIgnoredAndLaterHeartbeatsStillWork) {
  EXPECT_NO_THROW(handler.handleText("{not json"));
  EXPECT_NO_THROW(handler.handleText("[1,2]"));
  EXPECT_EQ(seen.activity, 0);
  handler.handleText(R"({"agent_id": "a"})");
  EXPECT_EQ(seen.activity, 1);
  EXPECT_TRUE(instances.get("a"));
}

TEST_F(HeartbeatHandlerTest, IllTypedFieldsAreDroppedOneByOne) {
  EXPECT_NO_THROW(handler.handle(parse(R"({
    "repo_path": 42, "agent_id": "good", "team_ids": "not-a-list", "context_tokens": "many",
    "parent_pid": -5, "cli_version": ["x"], "workspace_id": "ws", "agent_type": {"a": 1},
    "credentials": "nope"
  })")));
  EXPECT_EQ(seen.activity, 1);
  EXPECT_TRUE(seen.mismatches.empty());
  EXPECT_TRUE(handler.repoActivity().keys().empty());
  EXPECT_TRUE(handler.workspaceActivity().has("ws"));
  auto agent = instances.get("good");
  ASSERT_TRUE(agent);
  EXPECT_EQ(agent->cumulative_context_tokens, 0);
  EXPECT_EQ(agent->parent_pid, 0);
  EXPECT_EQ(agent->agent_type, "");
  EXPECT_FALSE(credentials.current());
}

TEST_F(HeartbeatHandlerTest, CredentialsWithAnUnreadableExpiryAreIgnored) {
  handler.handle(parse(R"({"credentials": {"auth_token": "t", "expires_at": "tomorrow"}})"));
  EXPECT_FALSE(credentials.current());
  handler.handle(parse(R"({"credentials": {"auth_token": 5, "user_email": "e@x"}})"));
  ASSERT_TRUE(credentials.current());
  EXPECT_EQ(credentials.authToken(), "");  // the bad field alone is dropped
}

TEST_F(HeartbeatHandlerTest, ExpiredCredentialsAreRejectedAndTheOldOnesKept) {
  handler.handle(parse(R"({"credentials": {"auth_token": "first"}})"));
  std::string past = sdk::formatTime(clock.now() - 1h);
  handler.handle(
      parse(R"({"credentials": {"auth_token": "second", "expires_at": ")" + past + "\"}}"));
  EXPECT_EQ(credentials.authToken(), "first");
}

TEST_F(HeartbeatHandlerTest, VersionMismatchOnlyWhenTheSemverDiffers) {
  handler.handle(parse(R"({"cli_version": "1.2.3"})"));
  handler.handle(parse(R"({"cli_version": "1.2.3+anotherbuild"})"));
  handler.handle(parse(R"({"cli_version": ""})"));
  EXPECT_TRUE(seen.mismatches.empty());
  handler.handle(parse(R"({"cli_version": "9.9.9"})"));
  ASSERT_EQ(seen.mismatches.size(), 1u);
  EXPECT_EQ(seen.mismatches[0].first, "9.9.9");
  EXPECT_EQ(seen.mismatches[0].second, "1.2.3+20260101");
  EXPECT_EQ(HeartbeatHandler::semverOf("0.3.0+2026"), "0.3.0");
  EXPECT_EQ(HeartbeatHandler::semverOf("0.3.0"), "0.3.0");
}

TEST_F(HeartbeatHandlerTest, ContextTokensAccumulatePerAgentAndZeroRecordsNothing) {
  handler.handle(parse(R"({"agent_id": "a", "context_tokens": 100})"));
  handler.handle(parse(R"({"agent_id": "a", "context_tokens": 50})"));
  handler.handle(parse(R"({"agent_id": "a", "context_tokens": 0})"));
  handler.handle(parse(R"({"agent_id": "b"})"));
  EXPECT_EQ(instances.get("a")->cumulative_context_tokens, 150);
  EXPECT_EQ(instances.get("a")->command_count, 2);
  EXPECT_EQ(instances.get("b")->cumulative_context_tokens, 0);
  EXPECT_EQ(instances.get("b")->command_count, 0);
  EXPECT_EQ(instances.get("b")->workspace_path, "/work/project");
}

TEST_F(HeartbeatHandlerTest, OnlyNewTeamsAreAnnounced) {
  handler.handle(parse(R"({"team_ids": ["t1", "t1", ""]})"));
  handler.handle(parse(R"({"team_ids": ["t1", "t2"]})"));
  EXPECT_EQ(seen.new_teams, (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(handler.teamActivity().count("t1"), 3);
}

TEST_F(HeartbeatHandlerTest, CallersAreKeyedByIdOrPathHashAndCapped) {
  handler.handle(parse(R"({"caller_path": "/a"})"));
  handler.handle(parse(R"({"caller_path": "/a", "agent_id": "x"})"));
  EXPECT_EQ(handler.callersJson()->size(), 1u);
  EXPECT_EQ(seen.caller_paths, std::vector<std::string>{"/a"});  // unchanged path: no callback
  clock.advance(1s);
  handler.handle(parse(R"({"caller_path": "/b"})"), "envelope-id");
  auto callers = handler.callersJson();
  ASSERT_EQ(callers->size(), 2u);
  EXPECT_EQ(callers->getObject(0)->getValue<std::string>("id"), "envelope-id");
  for (int i = 0; i < 60; ++i) {
    clock.advance(1s);
    handler.handle(parse(R"({"caller_path": "/clone)" + std::to_string(i) + "\"}"));
  }
  EXPECT_EQ(handler.callersJson()->size(), 50u);
  EXPECT_EQ(handler.lastCallerPath(), "/clone59");
}

TEST_F(HeartbeatHandlerTest, ActivityJsonOmitsEmptySections) {
  auto empty = handler.activityJson();
  EXPECT_EQ(empty->size(), 0u);
  handler.handle(parse(R"({"repo_path": "/r", "agent_id": "a"})"));
  auto json = handler.activityJson();
  EXPECT_EQ(json->getNames(), (std::vector<std::string>{"repos", "agents"}));
  EXPECT_EQ(json->getArray("agents")->getObject(0)->getValue<std::string>("key"), "a");
}

TEST_F(HeartbeatHandlerTest, AThrowingCallbackNeverEscapes) {
  HeartbeatCallbacks throwing;
  throwing.on_activity = [] { throw std::runtime_error("boom"); };
  throwing.on_new_teams = [](const auto&) { throw 42; };
  HeartbeatHandler fragile(instances, credentials, throwing, options());
  EXPECT_NO_THROW(fragile.handle(parse(R"({"agent_id": "z", "team_ids": ["t"]})")));
  EXPECT_TRUE(instances.get("z"));
}

TEST_F(HeartbeatHandlerTest, CallbacksMayReenterTheHandlerWithoutDeadlock) {
  std::unique_ptr<HeartbeatHandler> reentrant;
  std::atomic<int> depth{0};
  HeartbeatCallbacks calls;
  calls.on_activity = [&] {
    if (depth++ == 0) {
      reentrant->handle(parse(R"({"repo_path": "/inner"})"));
      reentrant->callersJson();
      reentrant->activityJson();
    }
  };
  calls.on_new_teams = [&](const auto&) { reentrant->handle(parse(R"({"agent_id": "inner"})")); };
  calls.on_caller_path_changed = [&](const std::string&) { reentrant->callersJson(); };
  reentrant = std::make_unique<HeartbeatHandler>(instances, credentials, calls, options());
  reentrant->handle(parse(R"({"team_ids": ["t"], "caller_path": "/p"})"));
  EXPECT_TRUE(reentrant->repoActivity().has("/inner"));
  EXPECT_TRUE(instances.get("inner"));
}

TEST_F(HeartbeatHandlerTest, ConcurrentHeartbeatsAndReadsAreSafe) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::string n = std::to_string((t + i) % 30);
        handler.handle(parse(R"({"agent_id": "a)" + n + R"(", "repo_path": "/r)" + n +
                             R"(", "team_ids": ["t)" + n + R"("], "caller_path": "/c)" + n +
                             R"(", "context_tokens": 3, "credentials": {"auth_token": "k)" + n +
                             "\"}}"));
        if (i % 20 == 0) {
          handler.activityJson();
          handler.callersJson();
          handler.lastCallerPath();
          instances.instancesJson();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(seen.activity, 1200);
  EXPECT_EQ(seen.new_teams.size(), 30u);
  EXPECT_EQ(instances.size(), 30u);
}

}  // namespace
}  // namespace oxd::core
