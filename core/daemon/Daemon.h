#pragma once
// One workspace's daemon: owns every core part, runs the lifecycle of
// docs/architecture.md#lifecycle — throttle, lock, socket, plugins, READY, main loop, graceful stop
// — and offers the built-in handlers what they need. Constructed and run on the main thread; the
// members documented as thread-safe are called by handlers on worker threads.

#include "common/Mutex.h"
#include "daemon/Config.h"
#include "daemon/MainLoop.h"
#include "daemon/Reexec.h"

#include <oxd/events.h>
#include <oxd/host.h>
#include <oxd/workspace.h>

#include <Poco/AutoPtr.h>
#include <Poco/JSON/Object.h>
#include <Poco/Util/LayeredConfiguration.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace oxd::core {

class Router;
class WorkerPool;
class Scheduler;
class EventBus;
class PluginManager;
class IpcServer;
class ErrorStore;
class IssueTracker;
class InstanceStore;
class CredentialStore;
class HeartbeatHandler;
class InstanceLock;
class MetricsRegistry;

// Why the daemon stops: the word of `daemon.stopping` {"reason": …}, which plugins receive
// before they are stopped.
enum class StopReason {
  Signal,           // SIGTERM or SIGINT
  Stop,             // a client's `stop` message (oxctl stop)
  Inactivity,       // no message for daemon.inactivity_timeout
  VersionMismatch,  // a heartbeat from another CLI version while an upgraded oxd is installed
  ParentExit,       // the process given with --parent-pid exited
};
const char* stopReasonWord(StopReason reason);

struct DaemonOptions {
  std::filesystem::path project_dir;           // where to look for the project root
  std::filesystem::path config_file;           // --config
  std::map<std::string, std::string> defines;  // --define
  std::filesystem::path default_plugin_dir;
  std::vector<std::string> command_line;  // argv as started, for the exec of an upgrade
};

class Daemon {
 public:
  explicit Daemon(DaemonOptions options);
  ~Daemon();
  // Runs until stopped; returns the process exit code. Errors that prevent starting are
  // printed to stderr and logged, and give 1 (already running: 1 too, with its own message).
  int run();

  // --- thread-safe, for the built-ins -------------------------------------------------------
  // The first request wins; `detail` is for the log.
  void requestStop(StopReason reason, const std::string& detail);
  // Re-reads every config layer, validates all of it, and applies it only if valid. Returns
  // the errors (empty = applied). Runs on the main thread: other threads wait for it.
  std::vector<std::string> reload();
  void noteActivity();
  void noteForeignWorkspace(const sdk::Request& request);
  sdk::PendingWork keepAlive(const std::string& why);

  const sdk::Workspace& workspace() const { return workspace_; }
  DaemonSettings settings() const {
    std::lock_guard lock(settings_mutex_);
    return settings_;
  }
  // The configuration in force; a reload swaps it, so hold the snapshot, not a reference.
  Poco::AutoPtr<Poco::Util::LayeredConfiguration> configSnapshot() const {
    std::lock_guard lock(settings_mutex_);
    return config_;
  }
  std::chrono::nanoseconds uptime() const;
  std::chrono::nanoseconds sinceActivity() const;
  std::int64_t startupMilliseconds() const { return startup_ms_.load(); }
  std::int64_t throttleMilliseconds() const { return throttle_ms_.load(); }
  std::size_t pendingWork() const { return pending_work_->load(); }

  Router& router() { return *router_; }
  EventBus& bus() { return *bus_; }
  PluginManager& plugins() { return *plugins_; }
  ErrorStore& errors() { return *errors_; }
  IssueTracker& issues() { return *issues_; }
  InstanceStore& instances() { return *instances_; }
  CredentialStore& credentials() { return *credentials_; }
  HeartbeatHandler& heartbeats() { return *heartbeats_; }
  MetricsRegistry& metrics() { return *metrics_; }
  // Sets the gauges that are read rather than counted (queue depth, busy workers).
  void refreshMetrics();

 private:
  void setUpLogging();
  void startParts();
  sdk::TeamSeenEvent describeSeenTeam(const std::string& team_id) const;
  void serve();
  void runQueuedReloads();
  void reportUnknownSections(const Poco::Util::AbstractConfiguration& config);
  std::vector<std::string> applyReload();
  // Returns the exit code; for an upgrade it may exec the new binary and not return.
  int shutDown();
  void onVersionMismatch(const std::string& cli_version, const std::string& daemon_version);
  void replaySpool();
  void announceStop(StopReason kind);
  std::optional<std::chrono::steady_clock::time_point> nextDeadline() const;
  bool idleExpired(std::chrono::steady_clock::time_point now);
  bool superseded() const;

  DaemonOptions options_;
  sdk::Workspace workspace_;
  Poco::AutoPtr<Poco::Util::LayeredConfiguration>
      config_;               // written by the main thread under settings_mutex_
  DaemonSettings settings_;  // written by the main thread only, under settings_mutex_
  mutable std::mutex settings_mutex_;
  Mutex reload_mutex_;
  // Reloads asked for by handlers, run by the main thread.
  std::vector<std::shared_ptr<std::promise<std::vector<std::string>>>> reload_requests_
      GUARDED_BY(reload_mutex_);
  std::thread::id main_thread_;

  std::chrono::steady_clock::time_point started_at_;
  std::atomic<std::int64_t> last_activity_ns_{0};  // steady clock
  std::set<std::string> foreign_workspaces_;       // IO thread only
  std::shared_ptr<std::atomic<std::size_t>> pending_work_ =
      std::make_shared<std::atomic<std::size_t>>(0);
  std::optional<std::chrono::steady_clock::time_point> pending_since_;
  std::chrono::steady_clock::time_point next_watchdog_{}, next_registry_check_{};
  // Set while the socket may already serve `status`.
  std::atomic<std::int64_t> startup_ms_{0};
  std::atomic<std::int64_t> throttle_ms_{0};

  Mutex stop_mutex_;
  std::string stop_reason_ GUARDED_BY(stop_mutex_);  // non-empty once a stop was requested
  StopReason stop_kind_ GUARDED_BY(stop_mutex_) = StopReason::Signal;

  std::unique_ptr<MainLoop> loop_;
  std::unique_ptr<InstanceLock> lock_;
  std::unique_ptr<ErrorStore> errors_;
  std::unique_ptr<IssueTracker> issues_;
  std::unique_ptr<InstanceStore> instances_;
  std::unique_ptr<CredentialStore> credentials_;
  std::unique_ptr<HeartbeatHandler> heartbeats_;
  std::shared_ptr<MetricsRegistry> metrics_;
  struct CoreGauges;
  std::unique_ptr<CoreGauges> core_gauges_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<EventBus> bus_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<PluginManager> plugins_;
  std::unique_ptr<IpcServer> ipc_;
  bool superseded_ = false;

  ExecutableIdentity executable_;  // set at start, before anything can replace the file
  std::optional<Inherited> inherited_;
  std::atomic<bool> restart_for_upgrade_{false};
  Mutex version_mutex_;
  std::set<std::string> versions_logged_ GUARDED_BY(version_mutex_);
  std::thread spool_thread_;
  std::atomic<bool> spool_stop_{false};
};

}  // namespace oxd::core
