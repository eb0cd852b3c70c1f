#pragma once
// Host: the services the daemon offers one plugin. The host gives each plugin its own Host
// object in Plugin::start(); it stays valid until Plugin::stop() has returned.
//
// Registrations (handlers, tasks, subscriptions, status sections, doctor hooks) are owned by
// the host, not the plugin: when a plugin is disabled at runtime the host unregisters them all
// and waits for calls in flight to finish before it calls Plugin::stop(). Registering is only
// allowed during start(); a registration after start() returned throws std::logic_error.
//
// Threads: handlers, one-way handlers, tasks and subscribers run on the host's bounded worker
// pool, never on the IPC thread and never on the thread that published an event. Each may run
// concurrently with the others (a plugin synchronises its own state); a periodic task never
// overlaps itself. Everything that throws is caught by the host: a handler's exception becomes
// {"success":false,"error":<what()>}, a task's is counted and backed off.
//
// Every other member may be called from any thread at any time while the plugin runs.

#include <oxd/message.h>
#include <oxd/metrics.h>
#include <oxd/sinks.h>
#include <oxd/workspace.h>

#include <Poco/Dynamic/Var.h>
#include <Poco/Logger.h>
#include <Poco/Util/AbstractConfiguration.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace oxd::sdk {

using Handler = std::function<Reply(const Request&, Progress&)>;
using OneWayHandler = std::function<void(const Request&)>;
using EventHandler = std::function<void(const Poco::Dynamic::Var& event)>;
using StatusProvider = std::function<Poco::Dynamic::Var()>;

// Handed to a periodic task: tells it when to stop, and lets it sleep without delaying a stop.
class StopToken {
 public:
  virtual ~StopToken() = default;
  virtual bool stopRequested() const = 0;
  // Sleeps up to `duration`; returns false early (without sleeping further) once a stop is
  // requested.
  virtual bool sleepFor(std::chrono::milliseconds duration) const = 0;
};
using Task = std::function<void(const StopToken&)>;

struct TaskSchedule {
  std::chrono::milliseconds interval{0};       // between the end of a run and the next start
  std::chrono::milliseconds jitter{0};         // a uniform random extra in [0, jitter] per period
  std::chrono::milliseconds initial_delay{0};  // before the first run, exactly (no jitter)
  // After a run that throws, the next run waits interval * 2^failures, capped here; a run that
  // returns normally resets it.
  std::chrono::milliseconds max_backoff{std::chrono::minutes(30)};
};

// Keeps the daemon from exiting for inactivity while alive (bounded by the daemon's grace
// period). Movable, not copyable; destroying it releases the hold.
class PendingWork {
 public:
  PendingWork() = default;
  explicit PendingWork(std::shared_ptr<void> hold) : hold_(std::move(hold)) {}
  void release() { hold_.reset(); }
  bool held() const { return hold_ != nullptr; }

 private:
  std::shared_ptr<void> hold_;
};

// The slices of Host a plugin's components take instead of the whole Host, so each names the
// few services it touches and a test can hand it just those (docs/sdk.md#services). The plugin
// object itself keeps the Host: registering is its job alone.
class Publisher {
 public:
  virtual ~Publisher() = default;
  // Delivered asynchronously to every subscriber on the worker pool; never blocks.
  virtual void publish(const std::string& topic, Poco::Dynamic::Var event) = 0;
};

class Caller {
 public:
  virtual ~Caller() = default;
  // Calls another plugin's (or a built-in) request handler in process, on this thread. Unknown
  // type: Reply::fail("unknown message type").
  virtual Reply call(const Request& request) = 0;
};

class KeepAlive {
 public:
  virtual ~KeepAlive() = default;
  // Holds off the daemon's inactivity exit while the returned PendingWork lives.
  virtual PendingWork keepAlive(const std::string& why) = 0;
};

class CredentialsSource {
 public:
  virtual ~CredentialsSource() = default;
  // The latest unexpired credentials received in a heartbeat, if any.
  virtual std::optional<Credentials> credentials() const = 0;
};

// Where a component reports: its log, the live issues of `status`, the stored errors.
struct Reporting {
  Poco::Logger& log;
  IssueSink& issues;
  ErrorSink& errors;
};

class Host : public Publisher, public Caller, public KeepAlive, public CredentialsSource {
 public:
  ~Host() override = default;

  // --- registration: only inside Plugin::start() -------------------------------------------
  // A request/response handler; it may stream progress lines before returning its reply.
  // A type already registered (by the core or another plugin) makes start() fail.
  virtual void handle(const std::string& type, Handler handler) = 0;
  // A one-way (fire-and-forget) type: the client gets no reply; runs after the connection closed.
  virtual void handleOneWay(const std::string& type, OneWayHandler handler) = 0;
  // A one-way type whose handler only records into memory: a short lock, no I/O, no waiting.
  // It runs on the IPC thread as the line is read, sparing the hand-off to a worker that costs
  // more than such a handler (docs/sdk.md#quick-one-way-messages). A handler that proves slow is
  // moved to the workers for good, and the log says so once.
  virtual void handleQuickOneWay(const std::string& type, OneWayHandler handler) = 0;
  virtual void every(const std::string& task_name, TaskSchedule schedule, Task task) = 0;
  // The core's own topic: `daemon.stopping` {"reason": "signal" | "stop" | "inactivity" |
  // "version_mismatch" | "parent_exit"}, published once before any plugin is stopped; the
  // daemon waits up to 1 s for its subscribers, so a plugin hears it before its stop().
  virtual void subscribe(const std::string& topic, EventHandler handler) = 0;
  // A section of `status`: the provider's value appears under data.<section>. Called on the
  // IPC path: keep it cheap and non-blocking (read a cached snapshot).
  virtual void statusSection(const std::string& section, StatusProvider provider) = 0;
  // Called by `doctor`; its value appears under data.plugins.<plugin name>.
  virtual void doctor(StatusProvider hook) = 0;

  // --- services (besides publish, call, keepAlive and credentials above) --------------------
  // This plugin's config section, already validated against its descriptor's keys.
  virtual const Poco::Util::AbstractConfiguration& config() const = 0;
  virtual Poco::Logger& logger() = 0;
  virtual const Workspace& workspace() const = 0;
  virtual IssueSink& issues() = 0;
  virtual ErrorSink& errors() = 0;
  // Counts as activity against the daemon's inactivity exit (e.g. a user-visible event).
  virtual void activity() = 0;
  // This plugin's metrics (see oxd/metrics.h for the naming rules). The series it hands out
  // outlive the plugin: they stay valid, with their counts, for the daemon's life.
  virtual Metrics& metrics() = 0;

  Reporting reporting() { return {logger(), issues(), errors()}; }
};

}  // namespace oxd::sdk
