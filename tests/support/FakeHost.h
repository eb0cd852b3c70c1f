#pragma once
// FakeHost: an in-memory sdk::Host for unit tests of a plugin's message layer, without a daemon.
//
//   oxd::testing::FakeHost host(workspace);
//   host.setConfig({{"interval", "5m"}});
//   host.start(plugin);                        // Plugin::start(host), then registration closes
//   auto answer = host.send("whispers", R"({"agent_id":"Ox1"})");
//   EXPECT_TRUE(answer.reply.success);
//   host.deliver(sdk::RepoPulledEvent{...});   // to the plugin's subscribers, now
//   host.runTask("maintenance");               // a periodic task, now
//   host.published<sdk::CodedbIndexedEvent>(); // what the plugin published, typed
//
// It behaves like the daemon's host where a plugin can tell: a request whose handler throws
// sdk::BadPayload is answered "invalid payload: <what>", any other exception becomes the
// reply's error; registering after start() returned throws std::logic_error, and so does a
// type, status section or second doctor hook registered twice. Unlike the daemon, everything
// runs on the calling thread: send(), sendOneWay(), deliver() and runTask() return when the
// plugin's code has.
//
// Thread-safe: the plugin's own threads may publish, log and report issues while a test reads.

#include <oxd/events.h>
#include <oxd/host.h>
#include <oxd/metrics.h>

#include <Poco/AutoPtr.h>
#include <Poco/JSON/Object.h>
#include <Poco/Util/MapConfiguration.h>

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace oxd::core {
class MetricsRegistry;
}

namespace oxd::sdk {
class Plugin;
}

namespace oxd::testing {

// One progress line a handler streamed: a stage (percent empty) or a percentage.
struct ProgressLine {
  std::string stage;
  std::optional<int> percent;
  std::string message;
};

struct Answer {
  sdk::Reply reply;
  std::vector<ProgressLine> progress;
};

struct PublishedEvent {
  std::string topic;
  Poco::Dynamic::Var event;
};

// Every IssueSink::set and ::clear, in order.
struct IssueChange {
  bool set = false;  // false: cleared
  sdk::Issue issue;  // for a clear, only type and repo
};

struct StoredError {
  std::string code;
  std::string message;
  sdk::Severity severity = sdk::Severity::Warning;
};

class FakeHost : public sdk::Host {
 public:
  explicit FakeHost(sdk::Workspace workspace = {});
  ~FakeHost() override;

  // --- set-up (before start) ----------------------------------------------------------------
  void setConfig(const std::vector<std::pair<std::string, std::string>>& entries);
  // "key=value" lines.
  void setConfigLines(const std::vector<std::string>& lines);
  void setWorkspace(sdk::Workspace workspace);
  void setCredentials(std::optional<sdk::Credentials> credentials);
  // Makes IssueSink / ErrorSink calls throw std::runtime_error (after recording nothing).
  void failIssues(bool fail);
  void failErrors(bool fail);
  // Whose metric names Host::metrics() accepts ("oxd_<plugin>_…"); "" accepts the core's
  // ("oxd_…"). Before the first metrics() call.
  void setMetricsOwner(std::string plugin);
  // Handlers of other parties (another plugin, the core) that Host::call reaches.
  void addCallable(const std::string& type, sdk::Handler handler);

  // Plugin::start(*this), then registration closes (as when the daemon's start() returned).
  void start(sdk::Plugin& plugin);
  // Closes registration without a plugin (a test that registered parts by hand).
  void finishStart();

  // --- driving ------------------------------------------------------------------------------
  Answer send(const sdk::Request& request, bool cancelled = false);
  Answer send(const std::string& type, const std::string& payload_json = "{}");
  Answer send(const std::string& type, Poco::JSON::Object::Ptr payload);
  // A one-way message; what the handler threw, "" when nothing (the daemon would log it).
  std::string sendOneWay(const std::string& type, const std::string& payload_json = "{}");
  // Runs the named task once now; throws std::out_of_range when no task has that name.
  void runTask(const std::string& name);
  // Hands `event` to every subscriber of `topic`; returns what each subscriber that threw said
  // (the daemon would log and count each).
  std::vector<std::string> deliver(const std::string& topic, const Poco::Dynamic::Var& event);
  template <sdk::BusEvent Event>
  std::vector<std::string> deliver(const Event& event) {
    return deliver(Event::kTopic, event.toVar());
  }
  // A status section's value; throws std::out_of_range when none has that name.
  Poco::Dynamic::Var statusSectionValue(const std::string& section);
  // The doctor hook's value; throws std::logic_error when none was registered.
  Poco::Dynamic::Var runDoctor();

  // --- what was registered ------------------------------------------------------------------
  bool handles(const std::string& type) const;
  bool handlesOneWay(const std::string& type) const;
  // Registered with handleQuickOneWay (the fake runs it like any one-way handler).
  bool handlesQuickOneWay(const std::string& type) const;
  bool hasTask(const std::string& name) const;
  bool subscribes(const std::string& topic) const;
  bool hasStatusSection(const std::string& section) const;
  bool hasDoctor() const;
  std::vector<std::string> statusSections() const;

  // --- what the plugin did ------------------------------------------------------------------
  std::vector<PublishedEvent> published() const;
  template <sdk::BusEvent Event>
  std::vector<Event> published() const {
    std::vector<Event> out;
    for (const PublishedEvent& event : published()) {
      if (event.topic == Event::kTopic) out.push_back(Event::fromVar(event.event));
    }
    return out;
  }
  std::vector<IssueChange> issueChanges() const;
  // The issues set and not cleared since, keyed by (type, repo).
  std::map<std::pair<std::string, std::string>, sdk::Issue> openIssues() const;
  std::vector<StoredError> storedErrors() const;
  std::vector<sdk::Request> calls() const;  // Host::call, in order
  std::vector<std::string> logLines() const;
  bool logged(const std::string& fragment) const;
  int activityCount() const { return activity_.load(); }
  std::vector<std::string> keepAliveReasons() const;
  // Every series the plugin registered, in the Prometheus text format the daemon serves.
  std::string metricsText() const;

  // --- sdk::Host ----------------------------------------------------------------------------
  void handle(const std::string& type, sdk::Handler handler) override;
  void handleOneWay(const std::string& type, sdk::OneWayHandler handler) override;
  void handleQuickOneWay(const std::string& type, sdk::OneWayHandler handler) override;
  void every(const std::string& task_name, sdk::TaskSchedule schedule, sdk::Task task) override;
  void subscribe(const std::string& topic, sdk::EventHandler handler) override;
  void statusSection(const std::string& section, sdk::StatusProvider provider) override;
  void doctor(sdk::StatusProvider hook) override;
  void publish(const std::string& topic, Poco::Dynamic::Var event) override;
  sdk::Reply call(const sdk::Request& request) override;
  const Poco::Util::AbstractConfiguration& config() const override { return *config_; }
  Poco::Logger& logger() override { return logger_; }
  const sdk::Workspace& workspace() const override { return workspace_; }
  sdk::IssueSink& issues() override { return issue_sink_; }
  sdk::ErrorSink& errors() override { return error_sink_; }
  std::optional<sdk::Credentials> credentials() const override;
  void activity() override { ++activity_; }
  sdk::PendingWork keepAlive(const std::string& why) override;
  // The daemon's own registry (core/runtime/MetricsRegistry), so names are checked as in oxd.
  sdk::Metrics& metrics() override;

 private:
  std::shared_ptr<core::MetricsRegistry> metrics_registry_;
  std::unique_ptr<sdk::Metrics> metrics_;
  std::string metrics_owner_;
  mutable std::mutex metrics_mutex_;
  class Issues : public sdk::IssueSink {
   public:
    explicit Issues(FakeHost& host) : host_(host) {}
    void set(sdk::Issue issue) override;
    void clear(const std::string& type, const std::string& repo) override;

   private:
    FakeHost& host_;
  };
  class Errors : public sdk::ErrorSink {
   public:
    explicit Errors(FakeHost& host) : host_(host) {}
    void add(const std::string& code, const std::string& message, sdk::Severity severity) override;

   private:
    FakeHost& host_;
  };
  class Capture;
  struct TaskEntry {
    sdk::TaskSchedule schedule;
    sdk::Task task;
  };

  void requireRegistering(const std::string& what) const;
  // The handler for `type` (own or added), run as the daemon's router runs it.
  sdk::Reply invoke(const sdk::Request& request, sdk::Progress& progress);

  sdk::Workspace workspace_;
  Poco::AutoPtr<Poco::Util::MapConfiguration> config_;
  Poco::Logger& logger_;
  Issues issue_sink_{*this};
  Errors error_sink_{*this};
  std::atomic<bool> started_{false};
  std::atomic<int> activity_{0};
  std::atomic<bool> fail_issues_{false};
  std::atomic<bool> fail_errors_{false};

  mutable std::mutex mutex_;  // guards everything below
  std::optional<sdk::Credentials> credentials_;
  std::map<std::string, sdk::Handler> handlers_;
  std::map<std::string, sdk::OneWayHandler> one_way_;
  std::set<std::string> quick_one_way_;
  std::map<std::string, sdk::Handler> callables_;
  std::map<std::string, TaskEntry> tasks_;
  std::multimap<std::string, sdk::EventHandler> subscribers_;
  std::map<std::string, sdk::StatusProvider> sections_;
  std::optional<sdk::StatusProvider> doctor_;
  std::vector<PublishedEvent> published_;
  std::vector<IssueChange> issue_changes_;
  std::vector<StoredError> errors_;
  std::vector<sdk::Request> calls_;
  std::vector<std::string> keep_alive_;
  std::vector<std::string> log_lines_;
};

// Parses a JSON object (test payloads, expected replies); throws on anything else.
Poco::JSON::Object::Ptr JsonObject(const std::string& json);
// A Var holding a JSON object, as text (sorted keys where Poco sorts them).
std::string ToJson(const Poco::Dynamic::Var& value);

}  // namespace oxd::testing
