// A plugin that uses every SDK service, for host tests. Messages:
//   test.echo (payload back), test.progress (3 stages), test.throw, test.note (one-way) and
//   test.notes, test.publish (publishes its payload on "test.topic"), test.issue, test.error,
//   test.credentials, test.activity, test.hold {"ms": N}, test.call {"type"?: "ping"},
//   test.workspace, test.register_late (tries to register after start: must fail).
// Tasks: "count" every `interval`; "flaky" (throws every run) when `task_throws` is true.
// Status section "test": counters of the above. Doctor hook: {"ok": true}.
// With OXD_TEST_STOPPING_LOG=<file> in the daemon's environment it subscribes to
// daemon.stopping and appends "<reason> before stop()" (or "after") to that file.
// Metrics: test.count {"n": N} adds N to oxd_test_plugin_counted_total.

#include <oxd/events.h>
#include <oxd/payload.h>
#include <oxd/plugin.h>
#include <oxd/settings.h>

#include <Poco/JSON/Object.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

using oxd::sdk::Reply;
using oxd::sdk::Request;

const oxd::sdk::ConfigKey kKeys[] = {
    {.name = "interval",
     .kind = oxd::sdk::ConfigKind::Duration,
     .default_value = "1s",
     .min = "1ms",
     .max = "24h",
     .help = "how often the count task runs"},
    {.name = "task_throws",
     .kind = oxd::sdk::ConfigKind::Bool,
     .default_value = "false",
     .help = "also run a task that throws on every run"},
};

const oxd::sdk::Descriptor kDescriptor{oxd::sdk::kAbiVersion,
                                       oxd::sdk::kBuildFingerprint,
                                       "test_plugin",
                                       "1.2.3",
                                       "exercises every SDK service",
                                       kKeys,
                                       sizeof kKeys / sizeof kKeys[0]};

Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object; }

class TestPlugin final : public oxd::sdk::Plugin {
 public:
  void start(oxd::sdk::Host& host) override {
    host_ = &host;
    oxd::sdk::Settings settings(host.config(), kDescriptor);
    auto interval = settings.duration("interval");
    bool task_throws = settings.flag("task_throws");

    host.handle("test.echo",
                [](const Request& request, auto&) { return Reply::ok(request.payload); });
    host.handle("test.progress", [](const Request&, oxd::sdk::Progress& progress) {
      const char* stages[] = {"one", "two", "three"};
      for (int i = 0; i < 3; ++i) {
        if (progress.cancelled()) return Reply::fail("cancelled");
        progress.stage(stages[i], "working");
        progress.percent(stages[i], (i + 1) * 100 / 3, "");
      }
      auto data = object();
      data->set("stages", 3);
      return Reply::ok(data);
    });
    host.handle("test.throw", [](const Request&, auto&) -> Reply {
      throw std::runtime_error("test.throw: deliberate failure");
    });
    host.handleOneWay("test.note", [this](const Request& request) {
      std::lock_guard lock(mutex_);
      last_note_ = oxd::sdk::Payload(request.payload).optionalString("text").value_or("");
    });
    host.handle("test.notes", [this](const Request&, auto&) {
      auto data = object();
      std::lock_guard lock(mutex_);
      data->set("last_note", last_note_);
      return Reply::ok(data);
    });
    host.handle("test.publish", [this](const Request& request, auto&) {
      host_->publish("test.topic", request.payload);
      return Reply::ok();
    });
    host.handle("test.issue", [this](const Request& request, auto&) {
      oxd::sdk::Issue issue;
      issue.type = "test_issue";
      issue.summary = oxd::sdk::Payload(request.payload).optionalString("summary").value_or("test");
      host_->issues().set(issue);
      return Reply::ok();
    });
    host.handle("test.error", [this](const Request& request, auto&) {
      auto message = oxd::sdk::Payload(request.payload).optionalString("message").value_or("test");
      host_->errors().add("test_error", message, oxd::sdk::Severity::Warning);
      return Reply::ok();
    });
    host.handle("test.credentials", [this](const Request&, auto&) {
      auto credentials = host_->credentials();
      auto data = object();
      data->set("has_token", credentials.has_value() && !credentials->token.empty());
      return Reply::ok(data);  // never the token itself
    });
    host.handle("test.activity", [this](const Request&, auto&) {
      host_->activity();
      return Reply::ok();
    });
    host.handle("test.hold", [this](const Request& request, auto&) {
      auto milliseconds = oxd::sdk::Payload(request.payload).optionalInt("ms").value_or(100);
      oxd::sdk::PendingWork hold = host_->keepAlive("test.hold");
      std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
      auto data = object();
      data->set("held_ms", milliseconds);
      return Reply::ok(data);
    });
    host.handle("test.call", [this](const Request& request, auto&) {
      Request inner;
      inner.type = oxd::sdk::Payload(request.payload).optionalString("type").value_or("ping");
      Reply reply = host_->call(inner);
      auto data = object();
      data->set("success", reply.success);
      data->set("error", reply.error);
      data->set("data", reply.data);
      return Reply::ok(data);
    });
    host.handle("test.workspace", [this](const Request&, auto&) {
      auto data = object();
      data->set("project_root", host_->workspace().project_root.string());
      data->set("workspace_id", host_->workspace().workspace_id);
      return Reply::ok(data);
    });
    host.handle("test.register_late", [this](const Request&, auto&) {
      host_->handle("test.late", [](const Request&, auto&) { return Reply::ok(); });
      return Reply::ok();
    });

    oxd::sdk::TaskSchedule schedule;
    schedule.interval = std::chrono::duration_cast<std::chrono::milliseconds>(interval);
    host.every("count", schedule, [this](const oxd::sdk::StopToken&) { ++task_runs_; });
    if (task_throws) {
      oxd::sdk::TaskSchedule flaky = schedule;
      flaky.max_backoff = std::chrono::seconds(10);
      host.every("flaky", flaky, [this](const oxd::sdk::StopToken&) {
        ++flaky_runs_;
        throw std::runtime_error("flaky task failed on purpose");
      });
    }
    for (std::string topic : {"heartbeat", "test.topic"}) {
      host.subscribe(topic, [this, topic](const Poco::Dynamic::Var&) {
        std::lock_guard lock(mutex_);
        ++events_[topic];
      });
    }
    if (const char* log = std::getenv("OXD_TEST_STOPPING_LOG")) {
      std::string path = log;
      oxd::sdk::subscribe<oxd::sdk::DaemonStoppingEvent>(
          host, [this, path](const oxd::sdk::DaemonStoppingEvent& event) {
            std::ofstream(path, std::ios::app)
                << event.reason << (stopped_ ? " after" : " before") << " stop()\n";
          });
    }
    oxd::sdk::Counter* counted =
        &host.metrics().counter("oxd_test_plugin_counted_total", "What test.count added up.");
    host.handle("test.count", [counted](const Request& request, auto&) {
      counted->increment(
          static_cast<double>(oxd::sdk::Payload(request.payload).optionalInt("n").value_or(1)));
      return Reply::ok();
    });
    host.statusSection("test", [this] {
      auto data = object();
      data->set("task_runs", task_runs_.load());
      data->set("flaky_runs", flaky_runs_.load());
      std::lock_guard lock(mutex_);
      data->set("heartbeat_events", events_["heartbeat"]);
      data->set("topic_events", events_["test.topic"]);
      data->set("last_note", last_note_);
      return Poco::Dynamic::Var(data);
    });
    host.doctor([] {
      auto data = object();
      data->set("ok", true);
      return Poco::Dynamic::Var(data);
    });
  }

  void stop() override { stopped_ = true; }

 private:
  oxd::sdk::Host* host_ = nullptr;
  std::atomic<int> task_runs_{0};
  std::atomic<int> flaky_runs_{0};
  std::atomic<bool> stopped_{false};
  std::mutex mutex_;
  std::string last_note_;              // guarded by mutex_
  std::map<std::string, int> events_;  // guarded by mutex_
};

}  // namespace

OXD_PLUGIN(kDescriptor, TestPlugin)
