#pragma once
// PluginHost: the sdk::Host one plugin instance talks to, and the owner of everything that
// instance registered (routes, tasks, subscriptions, status sections, doctor hook).
//
// Lifecycle, driven by the PluginManager on its control thread:
//   PluginHost(...)    the plugin's gate starts closed: nothing of it runs yet
//   Plugin::start(h)   routes and hooks are added at once (so a taken type fails the start);
//                      tasks and subscriptions are held back, so no task or event runs plugin
//                      code before start() has returned
//   commit()           start() returned: tasks and subscriptions go live, the gate opens,
//                      further registrations throw std::logic_error
//   withdraw(timeout)  close the gate, remove every registration, wait for calls in flight
// The PluginHost must outlive the plugin instance (the plugin keeps a Host& until stop()).
//
// Services (call, publish, config, …) are thread-safe and may be used from any thread.

#include "common/Mutex.h"
#include "host/CallGate.h"
#include "host/Router.h"

#include <oxd/host.h>

#include <Poco/AutoPtr.h>
#include <Poco/JSON/Object.h>
#include <Poco/Util/AbstractConfiguration.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace oxd::core {

class WorkerPool;
class Scheduler;
class EventBus;
class MetricsRegistry;

// What the daemon lends the plugin host. Everything referenced must outlive the PluginManager.
struct CoreServices {
  Router& router;
  WorkerPool& workers;
  Scheduler& scheduler;
  EventBus& bus;
  const sdk::Workspace& workspace;
  sdk::IssueSink& issues;
  sdk::ErrorSink& errors;
  std::function<std::optional<sdk::Credentials>()> credentials;        // may be empty
  std::function<void()> activity;                                      // may be empty
  std::function<sdk::PendingWork(const std::string& why)> keep_alive;  // may be empty
  // Where plugins' metrics go; the PluginManager makes a registry of its own when null.
  std::shared_ptr<MetricsRegistry> metrics;
};

// Status sections and doctor hooks of every plugin. Read on the IPC path: the lock is held only
// to copy the list; providers run outside it, each through its plugin's gate. Thread-safe.
class PluginHooks {
 public:
  // False if another plugin already has `section`.
  bool addStatus(const std::string& section, const std::string& owner,
                 std::shared_ptr<CallGate> gate, sdk::StatusProvider provider);
  // False if `owner` already has a doctor hook.
  bool addDoctor(const std::string& owner, std::shared_ptr<CallGate> gate,
                 sdk::StatusProvider hook);
  void removeOwner(const std::string& owner);
  // section → value; a provider that throws yields {"error": "..."}; a closed gate, nothing.
  Poco::JSON::Object::Ptr status() const;
  // owner → value, likewise.
  Poco::JSON::Object::Ptr doctor() const;

 private:
  struct Hook {
    std::string key;  // section, or owner for doctor hooks
    std::string owner;
    std::shared_ptr<CallGate> gate;
    sdk::StatusProvider provider;
  };
  using HookPtr = std::shared_ptr<const Hook>;
  static Poco::JSON::Object::Ptr collect(const std::vector<HookPtr>& hooks);

  mutable Mutex mutex_;
  std::vector<HookPtr> status_ GUARDED_BY(mutex_);
  std::vector<HookPtr> doctor_ GUARDED_BY(mutex_);
};

class PluginHost final : public sdk::Host {
 public:
  // `config` is this plugin's section, copied at start: a running plugin sees a stable config.
  PluginHost(std::string name, CoreServices& services, PluginHooks& hooks,
             std::shared_ptr<CallGate> gate,
             Poco::AutoPtr<Poco::Util::AbstractConfiguration> config);
  ~PluginHost() override;
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  // Control thread only; see the lifecycle above.
  void commit();
  bool withdraw(std::chrono::milliseconds timeout);
  const std::string& name() const { return name_; }

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
  const sdk::Workspace& workspace() const override { return services_.workspace; }
  sdk::IssueSink& issues() override { return services_.issues; }
  sdk::ErrorSink& errors() override { return services_.errors; }
  std::optional<sdk::Credentials> credentials() const override;
  void activity() override;
  sdk::PendingWork keepAlive(const std::string& why) override;
  sdk::Metrics& metrics() override { return *metrics_; }

 private:
  void requireRegistering(const char* what) const;
  void addRoute(const std::string& type, Route route);

  const std::string name_;
  CoreServices& services_;
  PluginHooks& hooks_;
  const std::shared_ptr<CallGate> gate_;
  const Poco::AutoPtr<Poco::Util::AbstractConfiguration> config_;
  Poco::Logger& logger_;
  const std::unique_ptr<sdk::Metrics> metrics_;  // this plugin's view of services_.metrics
  std::atomic<bool> sealed_{false};
  // Held back until commit(); control thread only.
  struct PendingTask {
    std::string name;
    sdk::TaskSchedule schedule;
    sdk::Task task;
  };
  struct PendingSubscription {
    std::string topic;
    sdk::EventHandler handler;
  };
  std::vector<PendingTask> pending_tasks_;
  std::vector<PendingSubscription> pending_subscriptions_;
};

}  // namespace oxd::core
