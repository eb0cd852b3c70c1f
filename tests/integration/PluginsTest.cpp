// Plugins through the real oxd (docs/architecture.md#plugins): the test plugin and its broken
// siblings from tests/plugins, loaded from OXD_TEST_PLUGIN_DIR. A user sees plugins in `plugins`,
// `status` and `doctor`, calls their message types, and switches them off and on at run time.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <thread>
#include <vector>

#include "DaemonFixture.h"

namespace oxd::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class PluginsTest : public CleanExitFixture {
 protected:
  void startWithTestPlugins(std::vector<std::string> args = {}) {
    ASSERT_NO_FATAL_FAILURE(
        startDaemon({.args = std::move(args), .plugin_dir = OXD_TEST_PLUGIN_DIR}));
  }

  json dataOf(const std::string& type, const json& payload = nullptr) {
    json reply = request(type, payload);
    EXPECT_EQ(reply["success"], true) << type << ": " << reply.dump();
    return reply.value("data", json());
  }

  // The entry of `name` in `plugins`, or null.
  json plugin(const std::string& name) {
    json plugins = dataOf("plugins");  // named: a range-for over a temporary's member dangles
    for (const json& entry : plugins["plugins"]) {
      if (entry.value("name", "") == name) return entry;
    }
    return nullptr;
  }

  // Polls until `done(value)` for value = fetch(), at most `timeout`; returns the last value.
  template <typename Fetch, typename Predicate>
  json pollUntil(Fetch fetch, Predicate done, std::chrono::milliseconds timeout = 5s) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
      json value = fetch();
      if (done(value) || Clock::now() >= deadline) return value;
      std::this_thread::sleep_for(20ms);
    }
  }
};

TEST_F(PluginsTest, ListsTheGoodPluginRunningAndEachBrokenOneFailedWithAReason) {
  ASSERT_NO_FATAL_FAILURE(startWithTestPlugins());
  json test = plugin("test_plugin");
  ASSERT_FALSE(test.is_null()) << dataOf("plugins").dump(2);
  EXPECT_EQ(test["state"], "running") << test.dump();
  EXPECT_EQ(test["version"], "1.2.3");
  EXPECT_FALSE(test.contains("last_error")) << test.dump();
  for (const char* key : {"calls", "errors", "task_runs", "events", "drops", "last_duration_ns"})
    EXPECT_TRUE(test["counters"].contains(key)) << key << " missing: " << test.dump();

  const std::vector<std::pair<std::string, std::string>> broken = {
      {"broken_abi", "SDK ABI version 999"},
      {"missing_symbol", "missing symbol oxd_create_plugin"},
      {"no_descriptor", "missing symbol oxd_plugin_descriptor"},
      {"wrong_fingerprint", "built for a different daemon build"},
      {"start_throws", "refusing to start: demo"},
      {"collide", "message type ping is already registered"},
  };
  for (const auto& [name, reason] : broken) {
    json entry = plugin(name);
    ASSERT_FALSE(entry.is_null()) << name << " not listed";
    EXPECT_EQ(entry["state"], "failed") << entry.dump();
    EXPECT_TRUE(contains(entry.value("last_error", ""), reason))
        << name << ": expected '" << reason << "' in " << entry.dump();
  }

  // collide registered collide.first before claiming ping: rolled back, and ping is the core's.
  EXPECT_EQ(request("collide.first"),
            json({{"success", false}, {"error", "unknown message type"}}));
  EXPECT_EQ(request("ping"), json({{"success", true}, {"data", "pong"}}));
  // start_throws registered nothing that survives either.
  EXPECT_EQ(request("start_throws.ping")["error"], "unknown message type");
}

TEST_F(PluginsTest, FailedPluginsRaiseAnIssueAndNeedHelp) {
  ASSERT_NO_FATAL_FAILURE(startWithTestPlugins());
  json status = dataOf("status");
  EXPECT_EQ(status["needs_help"], true) << status.dump();
  ASSERT_TRUE(status.contains("issues")) << status.dump();
  const json* issue = nullptr;
  for (const json& item : status["issues"]) {
    if (item.value("type", "") == "plugin_failed") issue = &item;
  }
  ASSERT_NE(issue, nullptr) << status["issues"].dump();
  EXPECT_EQ((*issue)["severity"], "error") << issue->dump();
  std::string summary = issue->value("summary", "");
  for (const char* name : {"broken_abi", "missing_symbol", "no_descriptor", "wrong_fingerprint",
                           "start_throws", "collide"})
    EXPECT_TRUE(contains(summary, name)) << name << " not named in: " << summary;
  EXPECT_FALSE(contains(summary, "test_plugin")) << summary;

  json doctor = dataOf("doctor");
  EXPECT_TRUE(doctor["plugins"]["start_throws"].contains("error")) << doctor.dump();
  EXPECT_FALSE(doctor.contains("error")) << "a failed plugin's error leaked to the top level";
}

TEST_F(PluginsTest, EchoReturnsThePayload) {
  ASSERT_NO_FATAL_FAILURE(startWithTestPlugins());
  json payload = {{"text", "hé 😀"}, {"n", 42}, {"list", {1, 2, 3}}, {"nested", {{"a", nullptr}}}};
  json reply = request("test.echo", payload);
  EXPECT_EQ(reply, json({{"success", true}, {"data", payload}}));
  // No payload: an empty object back.
  EXPECT_EQ(request("test.echo")["success"], true);
}

TEST_F(PluginsTest, ProgressStreamsLinesThenTheFinalReply) {
  ASSERT_NO_FATAL_FAILURE(startWithTestPlugins());
  std::vector<json> lines;
  json reply =
      request("test.progress", nullptr, 5s, [&](const json& line) { lines.push_back(line); });
  EXPECT_EQ(reply, json({{"success", true}, {"data", {{"stages", 3}}}}));
  ASSERT_EQ(lines.size(), 6u);
  const char* stages[] = {"one", "two", "three"};
  for (std::size_t i = 0; i < 3; ++i) {
    const json& stage = lines[2 * i];
    const json& percent = lines[2 * i + 1];
    EXPECT_EQ(stage, json({{"progress", {{"stage", stages[i]}, {"message", "working"}}},
                           {"success", false}}));
    EXPECT_EQ(percent["success"], false);
    EXPECT_EQ(percent["progress"]["stage"], stages[i]);
    EXPECT_EQ(percent["progress"]["percent"], static_cast<int>((i + 1) * 100 / 3));
  }
}

TEST_F(PluginsTest, ThrowingHandlerFailsTheCallNotTheDaemonAndIsCounted) {
  ASSERT_NO_FATAL_FAILURE(startWithTestPlugins());
  json before = plugin("test_plugin")["counters"];
  EXPECT_EQ(request("test.echo", {{"a", 1}})["success"], true);
  EXPECT_EQ(request("test.echo", {{"a", 2}})["success"], true);
  EXPECT_EQ(request("test.throw"),
            json({{"success", false}, {"error", "test.throw: deliberate failure"}}));
  EXPECT_EQ(request("ping")["data"], "pong");
  EXPECT_EQ(request("test.throw")["error"], "test.throw: deliberate failure");
  EXPECT_EQ(request("test.echo", {{"a", 3}})["data"], json({{"a", 3}}));

  json after = plugin("test_plugin");
  EXPECT_EQ(after["state"], "running") << after.dump();
  EXPECT_EQ(after["counters"]["calls"].get<int>() - before["calls"].get<int>(), 5) << after.dump();
  EXPECT_EQ(after["counters"]["errors"].get<int>() - before["errors"].get<int>(), 2)
      << after.dump();
  EXPECT_GT(after["counters"]["last_duration_ns"].get<std::int64_t>(), 0);
  EXPECT_TRUE(daemonRunning());
}

TEST_F(PluginsTest, StatusAndDoctorCarryThePluginSections) {
  ASSERT_NO_FATAL_FAILURE(startWithTestPlugins());
  json status = dataOf("status");
  ASSERT_TRUE(status.contains("test")) << status.dump();
  for (const char* key :
       {"task_runs", "flaky_runs", "heartbeat_events", "topic_events", "last_note"})
    EXPECT_TRUE(status["test"].contains(key)) << key << " missing: " << status["test"].dump();
  EXPECT_EQ(status["running"], true);  // a section never replaces a core field

  json doctor = dataOf("doctor");
  ASSERT_TRUE(doctor["plugins"].contains("test_plugin")) << doctor.dump();
  EXPECT_EQ(doctor["plugins"]["test_plugin"], json({{"ok", true}}));
}

TEST_F(PluginsTest, DisableAndEnableAtRunTime) {
  ASSERT_NO_FATAL_FAILURE(startWithTestPlugins());
  EXPECT_EQ(request("test.echo", {{"a", 1}})["success"], true);

  EXPECT_EQ(request("plugin_disable", {{"name", "test_plugin"}}), json({{"success", true}}));
  EXPECT_EQ(plugin("test_plugin")["state"], "disabled");
  EXPECT_EQ(request("test.echo", {{"a", 1}}),
            json({{"success", false}, {"error", "unknown message type"}}));
  json status = dataOf("status");
  EXPECT_FALSE(status.contains("test")) << "a disabled plugin's status section is still shown";
  EXPECT_EQ(request("ping")["data"], "pong");

  EXPECT_EQ(request("plugin_enable", {{"name", "test_plugin"}}), json({{"success", true}}));
  EXPECT_EQ(plugin("test_plugin")["state"], "running");
  EXPECT_EQ(request("test.echo", {{"a", 2}}), json({{"success", true}, {"data", {{"a", 2}}}}));
  EXPECT_TRUE(dataOf("status").contains("test"));

  // Enabling a failed plugin tries again and fails again, with the reason.
  json again = request("plugin_enable", {{"name", "start_throws"}});
  EXPECT_EQ(again["success"], false) << again.dump();
  EXPECT_TRUE(contains(again.value("error", ""), "refusing to start: demo")) << again.dump();
  EXPECT_EQ(plugin("start_throws")["state"], "failed");
}

TEST_F(PluginsTest, ThrowingPeriodicTaskIsCountedAndTheDaemonServesOn) {
  ASSERT_NO_FATAL_FAILURE(startWithTestPlugins(
      {"--define", "test_plugin.task_throws=true", "--define", "test_plugin.interval=50ms"}));
  json counters = pollUntil([&] { return plugin("test_plugin")["counters"]; },
                            [](const json& c) { return c.value("errors", 0) >= 3; });
  EXPECT_GE(counters.value("errors", 0), 3) << counters.dump();
  EXPECT_GE(counters.value("task_runs", 0), 3) << counters.dump();
  json entry = plugin("test_plugin");
  EXPECT_EQ(entry["state"], "running") << entry.dump();
  EXPECT_TRUE(contains(entry.value("last_error", ""), "flaky task failed on purpose"))
      << entry.dump();
  json status = dataOf("status");
  EXPECT_GE(status["test"]["flaky_runs"].get<int>(), 3) << status["test"].dump();
  EXPECT_GE(status["test"]["task_runs"].get<int>(), 3) << status["test"].dump();
  EXPECT_EQ(request("ping")["data"], "pong");
  EXPECT_EQ(request("test.echo", {{"still", true}})["data"], json({{"still", true}}));
}

TEST_F(PluginsTest, UnknownConfigKeyFailsThatPluginAloneWithADidYouMean) {
  ASSERT_NO_FATAL_FAILURE(startWithTestPlugins({"--define", "test_plugin.intervl=1s"}));
  json entry = plugin("test_plugin");
  EXPECT_EQ(entry["state"], "failed") << entry.dump();
  std::string error = entry.value("last_error", "");
  EXPECT_TRUE(contains(error, "intervl")) << error;
  EXPECT_TRUE(contains(error, "did you mean 'interval'")) << error;
  EXPECT_EQ(request("test.echo")["error"], "unknown message type");
  // The core and the other plugins are unaffected.
  EXPECT_EQ(request("ping")["data"], "pong");
  json status = dataOf("status");
  EXPECT_EQ(status["needs_help"], true);
  bool named = false;
  for (const json& issue : status.value("issues", json::array())) {
    named = named || (issue.value("type", "") == "plugin_failed" &&
                      contains(issue.value("summary", ""), "test_plugin"));
  }
  EXPECT_TRUE(named) << status.dump();
}

TEST_F(PluginsTest, HeartbeatReachesThePluginSubscription) {
  ASSERT_NO_FATAL_FAILURE(startWithTestPlugins());
  int before = dataOf("status")["test"]["heartbeat_events"].get<int>();
  sendOneWay("heartbeat", {{"agent_id", "Oxplug"}});
  sendOneWay("heartbeat", {{"agent_id", "Oxplug"}});
  json section = pollUntil([&] { return dataOf("status")["test"]; },
                           [&](const json& s) { return s["heartbeat_events"] == before + 2; });
  EXPECT_EQ(section["heartbeat_events"], before + 2) << section.dump();
  json counters = plugin("test_plugin")["counters"];
  EXPECT_GE(counters["events"].get<int>(), 2) << counters.dump();
}

}  // namespace
}  // namespace oxd::testing
