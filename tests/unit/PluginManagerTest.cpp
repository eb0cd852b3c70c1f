#include "host/PluginManager.h"

#include "Concurrency.h"

#include "runtime/EventBus.h"
#include "runtime/Scheduler.h"
#include "runtime/WorkerPool.h"

#include <Poco/Util/MapConfiguration.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

namespace oxd::core {
namespace {

using oxd::testing::eventually;

using namespace std::chrono_literals;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

class RecordingIssues final : public sdk::IssueSink {
 public:
  void set(sdk::Issue issue) override {
    std::lock_guard lock(mutex_);
    issues_[{issue.type, issue.repo}] = issue;
  }
  void clear(const std::string& type, const std::string& repo) override {
    std::lock_guard lock(mutex_);
    issues_.erase({type, repo});
  }
  std::optional<sdk::Issue> get(const std::string& type, const std::string& repo = "") {
    std::lock_guard lock(mutex_);
    auto it = issues_.find({type, repo});
    return it == issues_.end() ? std::nullopt : std::optional(it->second);
  }

 private:
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, sdk::Issue> issues_;
};

class RecordingErrors final : public sdk::ErrorSink {
 public:
  void add(const std::string& code, const std::string& message, sdk::Severity) override {
    std::lock_guard lock(mutex_);
    added_.emplace_back(code, message);
  }
  std::vector<std::pair<std::string, std::string>> added() {
    std::lock_guard lock(mutex_);
    return added_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> added_;
};

class RecordingProgress final : public sdk::Progress {
 public:
  void stage(std::string_view stage, std::string_view) override {
    lines.push_back("stage " + std::string(stage));
  }
  void percent(std::string_view stage, int percent, std::string_view) override {
    lines.push_back(std::string(stage) + " " + std::to_string(percent) + "%");
  }
  bool cancelled() const override { return false; }
  std::vector<std::string> lines;
};

class PluginManagerTest : public ::testing::Test {
 protected:
  PluginManagerTest() {
    dir_ = fs::temp_directory_path() /
           ("oxd-plugins-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    workspace_.project_root = "/tmp/project";
    workspace_.workspace_id = "abcd1234";
    Route ping;
    ping.handler = [](const sdk::Request&, sdk::Progress&) { return sdk::Reply::ok("pong"); };
    router_.add("ping", ping);
    config_ = new Poco::Util::MapConfiguration;
  }
  ~PluginManagerTest() override {
    manager_.reset();
    fs::remove_all(dir_);
  }

  PluginManager& start(std::initializer_list<const char*> plugins) {
    for (const char* name : plugins) {
      fs::create_symlink(fs::path(OXD_TEST_PLUGIN_DIR) / (std::string(name) + ".so"),
                         dir_ / (std::string(name) + ".so"));
    }
    CoreServices services{
        router_,
        pool_,
        scheduler_,
        bus_,
        workspace_,
        issues_,
        errors_,
        [this] { return credentials_; },
        [this] { ++activity_; },
        [this](const std::string& why) {
          std::lock_guard lock(mutex_);
          holds_.push_back(why);
          ++held_;
          return sdk::PendingWork(std::shared_ptr<void>(nullptr, [this](void*) { --held_; }));
        },
        nullptr};  // metrics: the manager makes its own registry
    manager_ = std::make_unique<PluginManager>(services, dir_);
    manager_->setRetryBackoff(20ms, 100ms);
    manager_->discover();
    manager_->startAll(*config_);
    return *manager_;
  }

  sdk::Reply call(const std::string& type,
                  Poco::JSON::Object::Ptr payload = new Poco::JSON::Object) {
    RoutePtr route = router_.find(type);
    if (!route) return sdk::Reply::fail("unknown message type");
    sdk::Request request;
    request.type = type;
    request.payload = payload;
    return invokeRequest(*route, request, progress_);
  }

  Poco::JSON::Object::Ptr data(const sdk::Reply& reply) {
    EXPECT_TRUE(reply.success) << reply.error;
    return reply.data.extract<Poco::JSON::Object::Ptr>();
  }

  Poco::JSON::Object::Ptr pluginJson(const std::string& name) {
    auto list = manager_->pluginsJson()->getArray("plugins");
    for (std::size_t i = 0; i < list->size(); ++i) {
      auto plugin = list->getObject(i);
      if (plugin->getValue<std::string>("name") == name) return plugin;
    }
    return nullptr;
  }

  int testStatus(const std::string& key) {
    auto sections = manager_->statusSections();
    if (!sections->has("test")) return -1;
    return sections->getObject("test")->getValue<int>(key);
  }

  static Poco::JSON::Object::Ptr payload(const std::string& key, Poco::Dynamic::Var value) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set(key, value);
    return object;
  }

  fs::path dir_;
  WorkerPool pool_{4, 256};
  Router router_;
  Scheduler scheduler_{pool_};
  EventBus bus_{pool_};
  sdk::Workspace workspace_;
  RecordingIssues issues_;
  RecordingErrors errors_;
  std::optional<sdk::Credentials> credentials_;
  std::atomic<int> activity_{0};
  std::atomic<int> held_{0};
  std::mutex mutex_;
  std::vector<std::string> holds_;
  RecordingProgress progress_;
  Poco::AutoPtr<Poco::Util::MapConfiguration> config_;
  std::unique_ptr<PluginManager> manager_;  // last: destroyed first
};

TEST_F(PluginManagerTest, TestPluginUsesEveryService) {
  config_->setString("test_plugin.interval", "20ms");
  credentials_ = sdk::Credentials{"secret-token", "https://example", {}, "", "", ""};
  start({"test_plugin"});
  ASSERT_EQ(manager_->state("test_plugin"), "running");

  EXPECT_EQ(data(call("test.echo", payload("x", 1)))->getValue<int>("x"), 1);
  EXPECT_EQ(data(call("test.progress"))->getValue<int>("stages"), 3);
  EXPECT_EQ(progress_.lines, (std::vector<std::string>{"stage one", "one 33%", "stage two",
                                                       "two 66%", "stage three", "three 100%"}));
  sdk::Reply thrown = call("test.throw");
  EXPECT_FALSE(thrown.success);
  EXPECT_EQ(thrown.error, "test.throw: deliberate failure");

  sdk::Request note;
  note.type = "test.note";
  note.payload = payload("text", "hello");
  invokeOneWay(*router_.find("test.note"), note);
  EXPECT_EQ(data(call("test.notes"))->getValue<std::string>("last_note"), "hello");

  EXPECT_TRUE(eventually([&] { return testStatus("task_runs") >= 3; }));
  bus_.publish("heartbeat", Poco::Dynamic::Var(1));
  call("test.publish", payload("n", 1));
  EXPECT_TRUE(eventually(
      [&] { return testStatus("heartbeat_events") == 1 && testStatus("topic_events") == 1; }));

  call("test.issue", payload("summary", "from the test"));
  ASSERT_TRUE(issues_.get("test_issue"));
  EXPECT_EQ(issues_.get("test_issue")->summary, "from the test");
  call("test.error", payload("message", "oops"));
  EXPECT_EQ(errors_.added(),
            (std::vector<std::pair<std::string, std::string>>{{"test_error", "oops"}}));

  sdk::Reply credentials = call("test.credentials");
  EXPECT_TRUE(data(credentials)->getValue<bool>("has_token"));
  std::ostringstream wire;
  data(credentials)->stringify(wire);
  EXPECT_EQ(wire.str().find("secret-token"), std::string::npos);

  call("test.activity");
  EXPECT_EQ(activity_.load(), 1);
  EXPECT_EQ(data(call("test.hold", payload("ms", 5)))->getValue<int>("held_ms"), 5);
  EXPECT_EQ(held_.load(), 0);
  EXPECT_EQ(holds_, std::vector<std::string>{"test_plugin: test.hold"});

  auto called = data(call("test.call"));
  EXPECT_TRUE(called->getValue<bool>("success"));
  EXPECT_EQ(called->getValue<std::string>("data"), "pong");
  EXPECT_EQ(data(call("test.call", payload("type", "nope")))->getValue<std::string>("error"),
            "unknown message type");
  EXPECT_EQ(data(call("test.workspace"))->getValue<std::string>("workspace_id"), "abcd1234");

  EXPECT_TRUE(manager_->runDoctor()->getObject("test_plugin")->getValue<bool>("ok"));
  auto plugin = pluginJson("test_plugin");
  EXPECT_EQ(plugin->getValue<std::string>("version"), "1.2.3");
  EXPECT_EQ(plugin->getValue<std::string>("summary"), "exercises every SDK service");
  auto counters = plugin->getObject("counters");
  EXPECT_GE(counters->getValue<int>("calls"), 14);
  EXPECT_EQ(counters->getValue<int>("errors"), 1);
  EXPECT_GE(counters->getValue<int>("task_runs"), 3);
  EXPECT_EQ(counters->getValue<int>("events"), 2);
  EXPECT_EQ(plugin->getValue<std::string>("last_error"), "test.throw: deliberate failure");
}

TEST_F(PluginManagerTest, RegisteringAfterStartIsRefused) {
  start({"test_plugin"});
  EXPECT_EQ(call("test.register_late").error,
            "plugin test_plugin: a handler registered after start() returned");
  EXPECT_EQ(router_.find("test.late"), nullptr);
}

TEST_F(PluginManagerTest, AThrowingTaskIsCountedAndBackedOff) {
  config_->setString("test_plugin.interval", "20ms");
  config_->setString("test_plugin.task_throws", "true");
  start({"test_plugin"});
  std::this_thread::sleep_for(400ms);
  // Unbacked, "flaky" would have run ~20 times; with backoff 20·2^n ms it runs about 4 times.
  int flaky = testStatus("flaky_runs");
  EXPECT_GE(flaky, 2);
  EXPECT_LE(flaky, 5);
  EXPECT_GT(testStatus("task_runs"), flaky);
  auto plugin = pluginJson("test_plugin");
  EXPECT_GE(plugin->getObject("counters")->getValue<int>("errors"), flaky - 1);
  EXPECT_EQ(plugin->getValue<std::string>("last_error"), "flaky task failed on purpose");
  EXPECT_EQ(plugin->getValue<std::string>("state"), "running");
}

TEST_F(PluginManagerTest, AStartThatThrowsFailsThatPluginAloneWithAnIssue) {
  start({"start_throws", "test_plugin"});
  EXPECT_EQ(manager_->state("start_throws"), "failed");
  EXPECT_EQ(pluginJson("start_throws")->getValue<std::string>("last_error"),
            "refusing to start: demo");
  auto issue = issues_.get("plugin_failed");
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->severity, sdk::Severity::Error);
  EXPECT_EQ(issue->summary, "plugin start_throws failed: refusing to start: demo");
  EXPECT_EQ(manager_->state("test_plugin"), "running");
  EXPECT_TRUE(call("test.echo").success);
  EXPECT_EQ(manager_->runDoctor()->getObject("start_throws")->getValue<std::string>("error"),
            "refusing to start: demo");
}

TEST_F(PluginManagerTest, BrokenLibrariesFailAloneWithClearReasons) {
  start({"broken_abi", "missing_symbol", "no_descriptor", "wrong_fingerprint", "test_plugin"});
  EXPECT_EQ(manager_->state("test_plugin"), "running");
  EXPECT_EQ(pluginJson("broken_abi")->getValue<std::string>("last_error"),
            "broken_abi: built for SDK ABI version 999, this oxd has SDK ABI version " +
                std::to_string(sdk::kAbiVersion) + " (rebuild the plugin against this oxd's SDK)");
  EXPECT_EQ(pluginJson("missing_symbol")->getValue<std::string>("last_error"),
            (dir_ / "missing_symbol.so").string() + ": missing symbol oxd_create_plugin");
  EXPECT_EQ(pluginJson("no_descriptor")->getValue<std::string>("last_error"),
            (dir_ / "no_descriptor.so").string() + ": missing symbol oxd_plugin_descriptor");
  EXPECT_THAT(pluginJson("wrong_fingerprint")->getValue<std::string>("last_error"),
              HasSubstr("built for a different daemon build"));
  for (const char* name : {"broken_abi", "missing_symbol", "no_descriptor", "wrong_fingerprint"}) {
    EXPECT_EQ(manager_->state(name), "failed") << name;
    EXPECT_THAT(issues_.get("plugin_failed")->summary, HasSubstr(name));
  }
  EXPECT_THAT(issues_.get("plugin_failed")->summary,
              HasSubstr("4 plugins failed: broken_abi, missing_symbol, no_descriptor, "
                        "wrong_fingerprint (reasons: oxctl plugins list)"));
  EXPECT_EQ(pluginJson("missing_symbol")->getValue<std::string>("version"), "0.0.1");
}

TEST_F(PluginManagerTest, OnErrorIgnoreRaisesNoIssue) {
  config_->setString("start_throws.on_error", "ignore");
  start({"start_throws"});
  EXPECT_EQ(manager_->state("start_throws"), "failed");
  EXPECT_FALSE(issues_.get("plugin_failed"));
}

TEST_F(PluginManagerTest, OnErrorRetryRestartsWithBackoffUntilItWorks) {
  fs::path marker = dir_ / "marker";
  config_->setString("start_throws.on_error", "retry");
  config_->setString("start_throws.succeed_if_exists", marker.string());
  start({"start_throws"});
  EXPECT_EQ(manager_->state("start_throws"), "failed");
  EXPECT_TRUE(issues_.get("plugin_failed"));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(manager_->state("start_throws"), "failed");
  std::ofstream(marker) << "go";
  EXPECT_TRUE(eventually([&] { return manager_->state("start_throws") == "running"; }));
  EXPECT_FALSE(issues_.get("plugin_failed"));
  EXPECT_EQ(call("start_throws.ping").data.toString(), "pong");
  EXPECT_EQ(scheduler_.taskCount("retry:start_throws"), 0u);
}

TEST_F(PluginManagerTest, DisableDrainsASlowCallThenRemovesEverything) {
  config_->setString("test_plugin.interval", "20ms");
  start({"test_plugin"});
  sdk::Reply slow;
  std::thread caller([&] { slow = call("test.hold", payload("ms", 300)); });
  ASSERT_TRUE(eventually([&] { return held_.load() == 1; }));
  EXPECT_EQ(manager_->disable("test_plugin"), "");
  EXPECT_EQ(held_.load(), 0);  // the handler returned before disable() did
  caller.join();
  EXPECT_TRUE(slow.success) << slow.error;

  EXPECT_EQ(manager_->state("test_plugin"), "disabled");
  EXPECT_EQ(call("test.echo").error, "unknown message type");
  EXPECT_FALSE(manager_->statusSections()->has("test"));
  EXPECT_FALSE(manager_->runDoctor()->has("test_plugin"));
  EXPECT_EQ(scheduler_.taskCount("test_plugin"), 0u);
  EXPECT_EQ(bus_.subscriberCount("heartbeat"), 0u);
  int runs = pluginJson("test_plugin")->getObject("counters")->getValue<int>("task_runs");
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(pluginJson("test_plugin")->getObject("counters")->getValue<int>("task_runs"), runs);

  EXPECT_EQ(manager_->enable("test_plugin", *config_), "");
  EXPECT_EQ(manager_->state("test_plugin"), "running");
  EXPECT_TRUE(call("test.echo").success);
  EXPECT_GE(pluginJson("test_plugin")->getObject("counters")->getValue<int>("calls"), 2);
}

TEST_F(PluginManagerTest, UnknownPluginNames) {
  start({});
  EXPECT_EQ(manager_->enable("nope", *config_), "unknown plugin: nope");
  EXPECT_EQ(manager_->disable("nope"), "unknown plugin: nope");
}

TEST_F(PluginManagerTest, ValidationNamesTheNearestKey) {
  config_->setString("test_plugin.intreval", "5s");
  config_->setString("test_plugin.on_error", "maybe");
  config_->setString("test_plugin.enabled", "sometimes");
  config_->setString("test_plugin.zzzzzzzzzzzz", "1");
  config_->setString("start_throws.succeed_if_exist", "/x");
  config_->setString("other_section.whatever", "1");  // not a plugin: not ours to judge
  start({"start_throws", "test_plugin"});
  EXPECT_THAT(
      manager_->validate(*config_),
      ::testing::UnorderedElementsAre(
          "[test_plugin] unknown key 'intreval' (did you mean 'interval'?)",
          "[test_plugin] on_error: expected fail, retry or ignore, got 'maybe'",
          "[test_plugin] enabled: expected true or false, got 'sometimes'",
          "[test_plugin] unknown key 'zzzzzzzzzzzz' (known keys: enabled, on_error, "
          "interval, task_throws)",
          "[start_throws] unknown key 'succeed_if_exist' (did you mean 'succeed_if_exists'?)"));
  config_ = new Poco::Util::MapConfiguration;
  config_->setString("test_plugin.interval", "soon");
  EXPECT_THAT(manager_->validate(*config_),
              ::testing::ElementsAre(
                  "[test_plugin] interval: expected a duration such as 30s or 5m, got 'soon'"));
  config_->setString("test_plugin.interval", "5m");
  EXPECT_TRUE(manager_->validate(*config_).empty());
}

TEST_F(PluginManagerTest, InvalidConfigFailsThePluginAtStart) {
  config_->setString("test_plugin.intreval", "5s");
  start({"test_plugin"});
  EXPECT_EQ(manager_->state("test_plugin"), "failed");
  EXPECT_EQ(pluginJson("test_plugin")->getValue<std::string>("last_error"),
            "[test_plugin] unknown key 'intreval' (did you mean 'interval'?)");
}

TEST_F(PluginManagerTest, ATypeCollisionRollsBackEverythingThePluginRegistered) {
  start({"collide", "test_plugin"});
  EXPECT_EQ(manager_->state("collide"), "failed");
  EXPECT_EQ(pluginJson("collide")->getValue<std::string>("last_error"),
            "message type ping is already registered");
  EXPECT_EQ(router_.find("collide.first"), nullptr);
  EXPECT_FALSE(manager_->statusSections()->has("collide"));
  EXPECT_EQ(scheduler_.taskCount("collide"), 0u);
  EXPECT_EQ(bus_.subscriberCount("collide.topic"), 0u);
  EXPECT_EQ(call("ping").data.toString(), "pong");
  EXPECT_EQ(manager_->state("test_plugin"), "running");
}

TEST_F(PluginManagerTest, ApplyStartsStopsAndRestartsPerConfig) {
  config_->setString("test_plugin.interval", "1h");
  start({"test_plugin"});
  EXPECT_LE(testStatus("task_runs"), 1);  // one run at start, the next in an hour
  auto faster = Poco::AutoPtr<Poco::Util::MapConfiguration>(new Poco::Util::MapConfiguration);
  faster->setString("test_plugin.interval", "10ms");
  manager_->apply(*faster);
  EXPECT_TRUE(eventually([&] { return testStatus("task_runs") >= 3; }));

  auto off = Poco::AutoPtr<Poco::Util::MapConfiguration>(new Poco::Util::MapConfiguration);
  off->setString("test_plugin.enabled", "false");
  manager_->apply(*off);
  EXPECT_EQ(manager_->state("test_plugin"), "disabled");
  EXPECT_EQ(call("test.echo").error, "unknown message type");

  manager_->apply(*faster);
  EXPECT_EQ(manager_->state("test_plugin"), "running");

  EXPECT_EQ(manager_->disable("test_plugin"), "");
  manager_->apply(*faster);  // a runtime disable outlives an unrelated reload
  EXPECT_EQ(manager_->state("test_plugin"), "disabled");
}

TEST_F(PluginManagerTest, StopAllStopsEveryPlugin) {
  start({"test_plugin"});
  manager_->stopAll();
  EXPECT_EQ(manager_->state("test_plugin"), "stopped");
  EXPECT_EQ(router_.find("test.echo"), nullptr);
  manager_->stopAll();  // idempotent
}

TEST_F(PluginManagerTest, DisabledInConfigIsNotStarted) {
  config_->setString("test_plugin.enabled", "false");
  start({"test_plugin"});
  EXPECT_EQ(manager_->state("test_plugin"), "disabled");
  EXPECT_EQ(router_.find("test.echo"), nullptr);
}

TEST_F(PluginManagerTest, ATaskWithoutInitialDelayRunsAtOnceNotAfterAnInterval) {
  config_->setString("test_plugin.interval", "1h");
  for (int round = 0; round < 20; ++round) {  // the race it guards against was one run in two
    start({"test_plugin"});
    EXPECT_TRUE(eventually([&] { return testStatus("task_runs") == 1; })) << "round " << round;
    manager_.reset();
    fs::remove(dir_ / "test_plugin.so");
  }
}

TEST_F(PluginManagerTest, DescribesEveryConfigKey) {
  start({"test_plugin"});
  std::vector<std::string> described;
  for (const auto& key : manager_->describeConfig()) {
    described.push_back(key.section + "." + key.key + "=" + key.default_value);
  }
  EXPECT_EQ(described,
            (std::vector<std::string>{"test_plugin.enabled=true", "test_plugin.on_error=fail",
                                      "test_plugin.interval=1s", "test_plugin.task_throws=false"}));
  EXPECT_EQ(manager_->names(), std::vector<std::string>{"test_plugin"});
}

}  // namespace
}  // namespace oxd::core
