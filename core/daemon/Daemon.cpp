#include "daemon/Daemon.h"

#include <oxd/events.h>

#include "common/DaemonRegistry.h"
#include "common/IpcClient.h"
#include "common/Paths.h"
#include "common/ProjectFile.h"
#include "common/Spool.h"
#include "daemon/Builtins.h"
#include "daemon/InstanceLock.h"
#include "daemon/SdNotify.h"
#include "daemon/WorkspaceLoader.h"
#include "host/PluginManager.h"
#include "host/Router.h"
#include "ipc/IpcServer.h"
#include "runtime/EventBus.h"
#include "runtime/MetricsRegistry.h"
#include "runtime/Scheduler.h"
#include "runtime/WorkerPool.h"
#include "state/Credentials.h"
#include "state/ErrorStore.h"
#include "state/HeartbeatHandler.h"
#include "state/InstanceStore.h"
#include "state/IssueTracker.h"
#include "state/RestartThrottle.h"

#include <oxd/json.h>

#include <Poco/ConsoleChannel.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>
#include <Poco/SplitterChannel.h>

#include <unistd.h>

#include <condition_variable>
#include <future>
#include <iostream>
#include <thread>

namespace oxd::core {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {
Poco::Logger& log() { return Poco::Logger::get("oxd.daemon"); }

// How long the plugins' `daemon.stopping` subscribers may take before the plugins are stopped.
constexpr std::chrono::milliseconds kStoppingEventBound{1000};

std::int64_t steadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}
}  // namespace

const char* stopReasonWord(StopReason reason) {
  switch (reason) {
    case StopReason::Signal:
      return "signal";
    case StopReason::Stop:
      return "stop";
    case StopReason::Inactivity:
      return "inactivity";
    case StopReason::VersionMismatch:
      return "version_mismatch";
    case StopReason::ParentExit:
      return "parent_exit";
  }
  return "unknown";
}

// The core's gauges that are sampled when metrics are read, not updated as things happen.
struct Daemon::CoreGauges {
  sdk::Gauge* queue_depth;
  sdk::Gauge* busy_workers;
  sdk::Gauge* workers;
};

Daemon::Daemon(DaemonOptions options) : options_(std::move(options)) {}
Daemon::~Daemon() = default;

int Daemon::run() {
  started_at_ = Clock::now();
  noteActivity();
  main_thread_ = std::this_thread::get_id();
  inherited_ = takeInherited();
  executable_ = ExecutableIdentity::current();
  loop_ = std::make_unique<MainLoop>();
  try {
    fs::path root = project::findRoot(options_.project_dir);
    workspace_ = loadWorkspace(root);
    auto loaded = loadConfig({root, options_.config_file, options_.defines});
    if (!loaded.errors.empty())
      throw std::runtime_error("invalid config: " + loaded.errors.front());
    config_ = loaded.config;
    settings_ = readDaemonSettings(*config_, options_.default_plugin_dir);
    setUpLogging();
    paths::ensurePrivateDir(paths::runtimeDir());
    paths::ensurePrivateDir(paths::socketPath(workspace_.workspace_id).parent_path());
    fs::path socket = paths::socketPath(workspace_.workspace_id);
    if (inherited_) {
      lock_ = std::make_unique<InstanceLock>(
          InstanceLock::adopt(inherited_->lock_fd, paths::pidPath(workspace_.workspace_id)));
      log().information("restarted into %s (oxd %s, was %s): the socket stayed open",
                        executable_.path().string(), std::string(OXD_VERSION),
                        inherited_->previous_version);
    } else {
      // The lock decides before the throttle counts: of ten hooks starting oxd at once, one
      // wins and nine leave here, and none of them is a restart (docs/behavior.md#auto-start).
      lock_ = std::make_unique<InstanceLock>(InstanceLock::acquire(
          {paths::pidPath(workspace_.workspace_id), socket, [socket] {
             try {
               return ipc::IpcClient(socket)
                   .request({{"type", "ping"}}, std::chrono::milliseconds(500))
                   .value("success", false);
             } catch (const std::exception&) {
               return false;
             }
           }}));
    }
    // An upgrade's exec is not a restart loop: only real starts count.
    if (settings_.restart_throttle && !inherited_) {
      RestartThrottle throttle(paths::stateDir() /
                               ("restarts-" + workspace_.workspace_id + ".json"));
      auto delay = throttle.recordStart();
      if (delay.count() > 0) {
        log().warning("restarted often in the last 5 minutes: waiting %d ms",
                      static_cast<int>(delay.count()));
        std::this_thread::sleep_for(delay);
        throttle_ms_ = delay.count();
      }
    }
    // Test hook: a daemon slow to start, for the tests of oxctl's spool (tests/integration).
    if (const char* delay = std::getenv("OXD_TEST_START_DELAY_MS"); delay && *delay) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(delay)));
    }
    startParts();
  } catch (const AlreadyRunning& error) {
    // The usual end of a hook-started daemon that lost the race: not an error worth a line in
    // red, and nothing of the winner's may be touched.
    std::cerr << "oxd: " << error.what() << std::endl;
    log().information("not starting: %s", std::string(error.what()));
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "oxd: " << error.what() << std::endl;
    log().error("cannot start: %s", std::string(error.what()));
    if (lock_) {  // we got as far as owning the workspace: leave nothing that names us
      try {
        registry::DaemonRegistry(paths::registryPath())
            .removeIfPid(workspace_.workspace_id, ::getpid());
      } catch (const std::exception&) {
      }
    }
    return 1;
  }
  serve();
  return shutDown();
}

void Daemon::setUpLogging() {
  fs::path file = paths::logPath(workspace_.workspace_id);
  paths::ensurePrivateDir(file.parent_path());
  Poco::AutoPtr<Poco::SplitterChannel> splitter = new Poco::SplitterChannel;
  Poco::AutoPtr<Poco::FileChannel> file_channel = new Poco::FileChannel(file.string());
  file_channel->setProperty("rotation", "10 M");
  file_channel->setProperty("archive", "number");
  file_channel->setProperty("purgeCount", "3");
  splitter->addChannel(file_channel);
  splitter->addChannel(new Poco::ConsoleChannel(std::cerr));
  Poco::AutoPtr<Poco::PatternFormatter> format =
      new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%i %q %s: %t");
  format->setProperty("times", "local");
  Poco::AutoPtr<Poco::FormattingChannel> channel = new Poco::FormattingChannel(format, splitter);
  Poco::Logger::setChannel("", channel);
  Poco::Logger::setLevel("", Poco::Logger::parseLevel(settings_.log_level));
}

// `team.seen` {team_id, path, and url/name/slug/interval/gc_interval_days when the project file
// names the team}: the project file is read again, since it may have gained the team after the
// daemon started.
sdk::TeamSeenEvent Daemon::describeSeenTeam(const std::string& team_id) const {
  sdk::TeamSeenEvent event;
  event.team_id = team_id;
  event.path = (workspace_.data_dir / "teams" / sanitizeTeamId(team_id)).string();
  try {
    sdk::Workspace now = loadWorkspace(workspace_.project_root);
    for (const sdk::TeamContext& team : now.team_contexts) {
      if (team.id != team_id) continue;
      event.path = team.path.string();
      event.url = team.url;
      event.name = team.name;
      event.slug = team.slug;
      if (team.interval.count() > 0) event.interval_ns = sdk::toNanoseconds(team.interval);
      if (team.gc_interval_days > 0) event.gc_interval_days = team.gc_interval_days;
    }
  } catch (const std::exception& error) {
    log().warning("team %s: %s", team_id, std::string(error.what()));
  }
  return event;
}

void Daemon::startParts() {
  fs::create_directories(workspace_.workspace_data_dir);
  errors_ = std::make_unique<ErrorStore>(workspace_.workspace_data_dir / "errors.json");
  issues_ = std::make_unique<IssueTracker>();
  instances_ = std::make_unique<InstanceStore>();
  credentials_ = std::make_unique<CredentialStore>();
  metrics_ = std::make_shared<MetricsRegistry>();
  {
    auto core = metrics_->scope("");
    core_gauges_ = std::make_unique<CoreGauges>(
        CoreGauges{&core->gauge("oxd_worker_queue_depth", "Jobs waiting for a worker."),
                   &core->gauge("oxd_workers_busy", "Workers running a job."),
                   &core->gauge("oxd_workers", "Worker threads.")});
  }
  WorkerPool::Options pool;
  pool.threads = settings_.workers;
  // Two core threads: one may sit in a `reload` or `plugin_disable` draining a plugin while the
  // other answers `status`; the core's other messages take milliseconds.
  pool.core_threads = 2;
  pool.queue_capacity = 4096;
  workers_ = std::make_unique<WorkerPool>(pool);
  scheduler_ = std::make_unique<Scheduler>(*workers_);
  bus_ = std::make_unique<EventBus>(*workers_);
  router_ = std::make_unique<Router>();
  router_->setMetrics(std::make_shared<RequestMetrics>(*metrics_));
  HeartbeatCallbacks callbacks;
  callbacks.on_activity = [this] { noteActivity(); };
  callbacks.on_version_mismatch = [this](const std::string& cli, const std::string& ours) {
    onVersionMismatch(cli, ours);
  };
  callbacks.on_new_teams = [this](const std::vector<std::string>& team_ids) {
    for (const auto& team_id : team_ids) {
      bus_->publish(sdk::TeamSeenEvent::kTopic, describeSeenTeam(team_id).toVar());
    }
  };
  callbacks.on_caller_path_changed = [this](const std::string& caller_path) {
    // The registry shows where the daemon's users work now (docs/protocol.md#heartbeat
    // caller_path).
    registry::DaemonRegistry registry(paths::registryPath());
    if (auto entry = registry.findByWorkspaceId(workspace_.workspace_id);
        entry && entry->pid == ::getpid()) {
      entry->workspace_path = caller_path;
      registry.upsert(*entry);
    }
  };
  HeartbeatOptions heartbeat_options;
  heartbeat_options.workspace_path = workspace_.project_root.string();
  heartbeats_ =
      std::make_unique<HeartbeatHandler>(*instances_, *credentials_, callbacks, heartbeat_options);
  registerBuiltins(*this);

  CoreServices services{*router_,
                        *workers_,
                        *scheduler_,
                        *bus_,
                        workspace_,
                        *issues_,
                        *errors_,
                        [this] { return credentials_->current(); },
                        [this] { noteActivity(); },
                        [this](const std::string& why) { return keepAlive(why); },
                        metrics_};
  plugins_ = std::make_unique<PluginManager>(services, settings_.plugin_dir);
  plugins_->discover();
  std::vector<std::string> errors = validateCoreConfig(*config_);
  if (!errors.empty()) throw std::runtime_error("invalid config: " + errors.front());
  reportUnknownSections(*config_);
  plugins_->startAll(*config_);

  IpcServerOptions ipc_options;
  ipc_options.socket_path = paths::socketPath(workspace_.workspace_id);
  ipc_options.max_connections = settings_.max_connections;
  ipc_options.first_line_deadline = settings_.first_line_deadline;
  if (inherited_) ipc_options.inherited_listen_fd = inherited_->listen_fd;
  ipc_ = std::make_unique<IpcServer>(
      ipc_options, *router_, *workers_, [this](const sdk::Request& request) {
        noteActivity();
        if (!request.workspace_id.empty() && request.workspace_id != workspace_.workspace_id)
          noteForeignWorkspace(request);
      });
  // Registered before the socket serves: a client that gets a pong finds the entry too.
  registry::DaemonRegistry(paths::registryPath())
      .upsert({workspace_.workspace_id, workspace_.project_root.string(), workspace_.repo_id,
               ipc_options.socket_path.string(), ::getpid(), OXD_VERSION,
               std::chrono::system_clock::now()});
  // Nothing may depend on a working directory that can be deleted under us
  // (docs/architecture.md#start).
  if (::chdir(paths::home().c_str()) != 0)
    log().warning("cannot chdir to %s", paths::home().string());
  ipc_->start();

  startup_ms_ =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_at_).count();
  log().information("oxd %s serving %s on %s (workspace %s, started in %d ms)",
                    std::string(OXD_VERSION), workspace_.project_root.string(),
                    ipc_options.socket_path.string(), workspace_.workspace_id,
                    static_cast<int>(startup_ms_));
  sdnotify::ready("serving " + workspace_.project_root.string());
  spool_thread_ = std::thread([this] { replaySpool(); });
}

// docs/reliability.md#spooled-messages: what hooks spooled while no daemon answered, sent to
// our own socket one at a time, each confirmed before the next, so they arrive in order and go
// through exactly the path a live message takes.
void Daemon::replaySpool() {
  ::pthread_setname_np(::pthread_self(), "oxd-spool");
  const fs::path file = paths::spoolPath(workspace_.workspace_id);
  std::vector<std::string> lines;
  try {
    lines = spool::takeAll(file);
  } catch (const std::exception& error) {
    log().error("cannot read the spool: %s", std::string(error.what()));
    return;
  }
  if (lines.empty()) return;
  ipc::IpcClient self(paths::socketPath(workspace_.workspace_id));
  std::size_t replayed = 0, rejected = 0, index = 0;
  for (; index < lines.size() && !spool_stop_.load(); ++index) {
    nlohmann::json message = nlohmann::json::parse(lines[index], nullptr, false);
    if (!message.is_object() || !message.contains("type") || !message["type"].is_string()) {
      ++rejected;
      log().warning("spool: dropping a line that is not a message (%z bytes)", lines[index].size());
      continue;
    }
    message["confirm"] = true;
    try {
      self.request(message, std::chrono::seconds(10));
      ++replayed;
    } catch (const std::exception& error) {
      log().warning("spool: replay stopped at %s: %s", message["type"].get<std::string>(),
                    std::string(error.what()));
      break;
    }
  }
  // Stopping (or a failed send): what is left goes back for the next start, not lost.
  std::size_t returned = 0;
  for (; index < lines.size(); ++index, ++returned) {
    try {
      spool::append(file, lines[index], nullptr);
    } catch (const std::exception& error) {
      log().error("spool: %z message(s) lost: %s", lines.size() - index, std::string(error.what()));
      break;
    }
  }
  log().information("replayed %z spooled message(s)%s%s", replayed,
                    rejected ? ", dropped " + std::to_string(rejected) + " unreadable" : "",
                    returned ? ", kept " + std::to_string(returned) + " for the next start" : "");
}

// docs/architecture.md#upgrades: another CLI version restarts the daemon only when an upgraded
// binary is there to restart into; otherwise it is a client of another version, and is served.
void Daemon::onVersionMismatch(const std::string& cli_version, const std::string& daemon_version) {
  if (executable_.replaced()) {
    if (!restart_for_upgrade_.exchange(true)) {
      log().information(
          "CLI %s, daemon %s: %s is a new oxd; restarting into it after the work "
          "in flight",
          cli_version, daemon_version, executable_.path().string());
    }
    requestStop(StopReason::VersionMismatch, "version change: CLI " + cli_version + ", daemon " +
                                                 daemon_version + "; restarting into " +
                                                 executable_.path().string());
    return;
  }
  MutexLock lock(version_mutex_);
  constexpr std::size_t kVersionsLogged = 32;  // clients choose the text: bounded
  if (versions_logged_.size() < kVersionsLogged && versions_logged_.insert(cli_version).second) {
    log().warning(
        "CLI %s differs from daemon %s, and %s is unchanged: serving it (logged once "
        "per CLI version)",
        cli_version, daemon_version, executable_.path().string());
  }
}

void Daemon::serve() {
  if (settings_.parent_pid > 0) loop_->watchParent(settings_.parent_pid);
  if (auto interval = sdnotify::watchdogInterval()) {
    next_watchdog_ = Clock::now();
  }
  for (;;) {
    {
      MutexLock lock(stop_mutex_);
      if (!stop_reason_.empty()) break;
    }
    runQueuedReloads();
    switch (loop_->wait(nextDeadline())) {
      case MainLoop::Event::Terminate:
        requestStop(StopReason::Signal, "signal");
        break;
      case MainLoop::Event::Reload:
        applyReload();
        break;
      case MainLoop::Event::ParentGone:
        requestStop(StopReason::ParentExit,
                    "parent process " + std::to_string(settings_.parent_pid) + " exited");
        break;
      case MainLoop::Event::Woken:
        break;
      case MainLoop::Event::Timer: {
        auto now = Clock::now();
        if (auto interval = sdnotify::watchdogInterval(); interval && now >= next_watchdog_) {
          sdnotify::watchdog();
          next_watchdog_ = now + *interval;
        }
        if (idleExpired(now))
          requestStop(
              StopReason::Inactivity,
              "inactive for " + std::to_string(settings_.inactivity_timeout.count()) + " ms");
        break;
      }
    }
  }
}

std::optional<Clock::time_point> Daemon::nextDeadline() const {
  std::optional<Clock::time_point> deadline;
  auto consider = [&](Clock::time_point at) { deadline = deadline ? std::min(*deadline, at) : at; };
  if (sdnotify::watchdogInterval()) consider(next_watchdog_);
  if (settings_.inactivity_timeout.count() > 0) {
    Clock::time_point last{std::chrono::nanoseconds(last_activity_ns_.load())};
    auto minimum_uptime =
        std::min<std::chrono::milliseconds>(std::chrono::minutes(1), settings_.inactivity_timeout);
    Clock::time_point idle_at =
        std::max(last + settings_.inactivity_timeout, started_at_ + minimum_uptime);
    if (pending_since_ && pending_work_->load() > 0) {
      idle_at = std::max(idle_at, *pending_since_ + settings_.pending_work_grace);
    }
    consider(idle_at);
  }
  return deadline;
}

bool Daemon::idleExpired(Clock::time_point now) {
  if (settings_.inactivity_timeout.count() <= 0) return false;
  auto minimum_uptime =
      std::min<std::chrono::milliseconds>(std::chrono::minutes(1), settings_.inactivity_timeout);
  if (sinceActivity() < settings_.inactivity_timeout || now - started_at_ < minimum_uptime) {
    pending_since_.reset();
    return false;
  }
  if (pending_work_->load() > 0) {
    // Pending work (a finalization, a push) holds the daemon up, but only for a bounded grace.
    if (!pending_since_) pending_since_ = now;
    if (now - *pending_since_ < settings_.pending_work_grace) return false;
    log().warning("pending work still held after the grace period; exiting anyway");
  }
  return true;
}

int Daemon::shutDown() {
  std::string reason;
  StopReason kind;
  {
    MutexLock lock(stop_mutex_);
    reason = stop_reason_;
    kind = stop_kind_;
  }
  const bool upgrade = kind == StopReason::VersionMismatch && restart_for_upgrade_.load();
  // Under a service manager the manager starts the new binary, on our failing exit status.
  const bool exec_in_place = upgrade && !supervised();
  log().information("stopping: %s", reason);
  sdnotify::stopping();
  // A plugin that ignores cancellation must not keep the process up: past the bound, clean up
  // what identifies us and exit.
  std::mutex done_mutex;
  std::condition_variable done_signal;
  bool done = false;
  std::thread guard([&] {
    std::unique_lock lock(done_mutex);
    if (done_signal.wait_for(
            lock, settings_.shutdown_timeout + kStoppingEventBound + std::chrono::seconds(1),
            [&] { return done; }))
      return;
    log().error("shutdown did not finish within %d ms; exiting",
                static_cast<int>(settings_.shutdown_timeout.count()));
    std::error_code ignored;
    fs::remove(paths::socketPath(workspace_.workspace_id), ignored);
    registry::DaemonRegistry(paths::registryPath())
        .removeIfPid(workspace_.workspace_id, ::getpid());
    fs::remove(paths::pidPath(workspace_.workspace_id), ignored);
    ::_exit(1);
  });
  // Before the socket stops: a replay in flight finishes through it; the rest is kept.
  spool_stop_.store(true);
  if (spool_thread_.joinable()) spool_thread_.join();
  int listen_fd = exec_in_place ? ipc_->stopKeepingListener() : -1;
  if (!exec_in_place) ipc_->stop();
  announceStop(kind);
  plugins_->stopAll();
  scheduler_->stop();
  workers_->stop();
  if (exec_in_place) {
    {
      std::lock_guard lock(done_mutex);
      done = true;
    }
    done_signal.notify_all();
    guard.join();
    log().information("drained; exec %s", executable_.path().string());
    std::string error = execWithHandover(executable_.path(), options_.command_line, listen_fd,
                                         lock_->descriptor(), OXD_VERSION);
    // Still the old image: stop for good; the next hook starts whatever is installed.
    log().error("cannot restart into the new oxd (%s); stopping", error);
    ::close(listen_fd);
    std::error_code ignored;
    fs::remove(paths::socketPath(workspace_.workspace_id), ignored);
    registry::DaemonRegistry(paths::registryPath())
        .removeIfPid(workspace_.workspace_id, ::getpid());
    lock_.reset();
    return 1;
  }
  registry::DaemonRegistry(paths::registryPath()).removeIfPid(workspace_.workspace_id, ::getpid());
  lock_.reset();
  {
    std::lock_guard lock(done_mutex);
    done = true;
  }
  done_signal.notify_all();
  guard.join();
  if (upgrade) {
    log().information("stopped for the service manager to start the new oxd (exit status %d)",
                      kExitRestart);
    return kExitRestart;
  }
  log().information("stopped");
  return 0;
}

// Plugins hear why before their stop() runs; a subscriber that takes longer than the bound
// is not waited for (it still runs, and the plugin's drain waits for it).
void Daemon::announceStop(StopReason kind) {
  sdk::DaemonStoppingEvent event{std::string(stopReasonWord(kind))};
  if (!bus_->publishAndWait(sdk::DaemonStoppingEvent::kTopic, event.toVar(), kStoppingEventBound)) {
    log().warning("daemon.stopping: subscribers still running after %d ms; stopping plugins",
                  static_cast<int>(kStoppingEventBound.count()));
  }
}

void Daemon::refreshMetrics() {
  core_gauges_->queue_depth->set(static_cast<double>(workers_->queued()));
  core_gauges_->busy_workers->set(static_cast<double>(workers_->busy()));
  core_gauges_->workers->set(static_cast<double>(workers_->threads()));
}

void Daemon::requestStop(StopReason kind, const std::string& reason) {
  {
    MutexLock lock(stop_mutex_);
    if (!stop_reason_.empty()) return;
    stop_reason_ = reason;
    stop_kind_ = kind;
  }
  if (loop_) loop_->wake();
}

std::vector<std::string> Daemon::reload() {
  if (std::this_thread::get_id() == main_thread_) return applyReload();
  auto request = std::make_shared<std::promise<std::vector<std::string>>>();
  auto result = request->get_future();
  {
    MutexLock lock(reload_mutex_);
    reload_requests_.push_back(request);
  }
  loop_->wake();
  if (result.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    return {"reload did not complete within 30 s"};
  }
  return result.get();
}

void Daemon::runQueuedReloads() {
  std::vector<std::shared_ptr<std::promise<std::vector<std::string>>>> requests;
  {
    MutexLock lock(reload_mutex_);
    requests.swap(reload_requests_);
  }
  for (auto& request : requests) request->set_value(applyReload());
}

// Runs on the main thread only, so settings and config change under no other thread's feet.
std::vector<std::string> Daemon::applyReload() {
  sdnotify::reloading();
  auto loaded = loadConfig({workspace_.project_root, options_.config_file, options_.defines});
  std::vector<std::string> errors = loaded.errors;
  if (errors.empty()) {
    errors = validateCoreConfig(*loaded.config);
    for (auto& error : plugins_->validate(*loaded.config)) errors.push_back(std::move(error));
  }
  if (errors.empty()) {
    try {
      DaemonSettings fresh = readDaemonSettings(*loaded.config, options_.default_plugin_dir);
      // Settings bound at start (socket, workers, plugin dir) need a restart; the rest apply now.
      {
        std::lock_guard settings_lock(settings_mutex_);
        settings_.inactivity_timeout = fresh.inactivity_timeout;
        settings_.pending_work_grace = fresh.pending_work_grace;
        settings_.shutdown_timeout = fresh.shutdown_timeout;
        config_ = loaded.config;
      }
      Poco::Logger::setLevel("", Poco::Logger::parseLevel(fresh.log_level));
      reportUnknownSections(*loaded.config);
      plugins_->apply(*loaded.config);
      log().information("configuration reloaded");
    } catch (const std::exception& error) {
      errors.emplace_back(error.what());
    }
  }
  for (const auto& error : errors) log().error("reload refused: %s", error);
  sdnotify::ready("serving " + workspace_.project_root.string());
  return errors;
}

void Daemon::reportUnknownSections(const Poco::Util::AbstractConfiguration& config) {
  std::vector<std::string> warnings = unknownSections(config, plugins_->names());
  if (warnings.empty()) {
    issues_->clear("config_unknown_section", "");
    return;
  }
  std::string summary = "config: " + warnings.front();
  for (std::size_t i = 1; i < warnings.size(); ++i) summary += "; " + warnings[i];
  for (const auto& warning : warnings) log().warning("config: %s", warning);
  issues_->set({"config_unknown_section", sdk::Severity::Warning, "", summary, {}, false});
}

// Once per foreign id: a misconfigured hook sends on every turn and must not flood the log.
// Runs on the IO thread only, so the set needs no lock; it is bounded like the log it guards.
void Daemon::noteForeignWorkspace(const sdk::Request& request) {
  constexpr std::size_t kRemembered = 64;
  if (foreign_workspaces_.size() >= kRemembered ||
      !foreign_workspaces_.insert(request.workspace_id).second)
    return;
  log().warning("message %s for workspace %s served by workspace %s (logged once per workspace)",
                request.type, request.workspace_id, workspace_.workspace_id);
}

void Daemon::noteActivity() { last_activity_ns_.store(steadyNanos()); }

sdk::PendingWork Daemon::keepAlive(const std::string& why) {
  log().debug("pending work: %s", why);
  pending_work_->fetch_add(1);
  std::weak_ptr<std::atomic<std::size_t>> counter = pending_work_;
  MainLoop* loop = loop_.get();
  return sdk::PendingWork(std::shared_ptr<void>(nullptr, [counter, loop](void*) {
    if (auto live = counter.lock()) live->fetch_sub(1);
    if (loop) loop->wake();  // the idle check may now succeed
  }));
}

std::chrono::nanoseconds Daemon::uptime() const { return Clock::now() - started_at_; }

std::chrono::nanoseconds Daemon::sinceActivity() const {
  return std::chrono::nanoseconds(steadyNanos() - last_activity_ns_.load());
}

}  // namespace oxd::core
