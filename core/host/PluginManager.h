#pragma once
// PluginManager: discovers plugin libraries, validates their config, starts and stops them, and
// answers introspection (`plugins`, `status`, `doctor`).
//
// Containment: a plugin that cannot load, has invalid config, throws from start() or claims a
// message type already taken fails alone — one log line, an issue (type "plugin_failed",
// severity error, repo "") and state failed — and every other plugin goes on. Per plugin,
// `on_error` = fail (stay failed) | retry (restart through the Scheduler with backoff 1 s
// doubling to 5 min) | ignore (log only, no issue). One issue covers every failed plugin,
// since issues are deduplicated by (type, repo); its summary names each of them.
//
// Threads: starting and stopping plugins (startAll, enable, disable, apply, stopAll, and retries
// on a worker thread) is serialised by one control mutex, so Plugin::start()/stop() never run
// concurrently. Introspection (pluginsJson, statusSections, runDoctor, describeConfig,
// validate) never waits for that mutex: it is safe on the IPC path while a plugin drains.

#include "common/Mutex.h"
#include "host/PluginConfig.h"
#include "host/PluginHost.h"
#include "host/PluginLoader.h"

#include <Poco/JSON/Object.h>
#include <Poco/Util/AbstractConfiguration.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace oxd::core {

class PluginManager {
 public:
  PluginManager(CoreServices services, std::filesystem::path plugin_dir);
  ~PluginManager();  // stopAll()
  PluginManager(const PluginManager&) = delete;
  PluginManager& operator=(const PluginManager&) = delete;

  // Finds <plugin_dir>/*.so (sorted by name; that is the start order) and reads each
  // descriptor; no plugin object is created. A second call adds only new files.
  void discover();
  // Checks every discovered plugin's section against its descriptor's keys plus `enabled` and
  // `on_error`. Returns every error, e.g. "[sync] unknown key 'intreval' (did you mean
  // 'interval'?)"; empty when valid. Pure.
  std::vector<std::string> validate(const Poco::Util::AbstractConfiguration& config) const;
  // Starts every plugin enabled in `config` that is not running.
  void startAll(const Poco::Util::AbstractConfiguration& config);
  // Runtime control (oxctl plugins enable|disable). "" on success, else the error;
  // "unknown plugin: <name>" for a name not discovered. enable ignores `enabled` in config;
  // disable holds until `enable`, or until a reload that changes the plugin's `enabled` key.
  std::string enable(const std::string& name, const Poco::Util::AbstractConfiguration& config);
  std::string disable(const std::string& name);
  // Applies a new, already validated config: starts plugins newly enabled (and failed ones,
  // again), stops those disabled, restarts those whose section changed.
  void apply(const Poco::Util::AbstractConfiguration& config);
  // Stops running plugins in reverse start order, within 5 s in total. Idempotent.
  void stopAll();

  // {"plugins":[{name, version, summary, path, state, last_error?, counters:{calls, errors,
  //   task_runs, events, drops, last_duration_ns}}]}; state: running|disabled|failed|stopped.
  Poco::JSON::Object::Ptr pluginsJson() const;
  // status section → provider value; a provider that throws yields {"error": "..."}.
  Poco::JSON::Object::Ptr statusSections() const;
  // plugin name → doctor hook value; a failed plugin → {"error": <why it failed>}.
  Poco::JSON::Object::Ptr runDoctor();
  // Every plugin's keys with defaults and help, `enabled` and `on_error` first.
  std::vector<ConfigKeyInfo> describeConfig() const;

  // Every discovered plugin's name (its file stem, also its config section), in start order.
  std::vector<std::string> names() const;
  // The state string of `name` as in pluginsJson(), "" if unknown.
  std::string state(const std::string& name) const;
  // Defaults: retries 1 s doubling to 5 min; drain 5 s per plugin and 5 s for stopAll.
  void setRetryBackoff(std::chrono::milliseconds first, std::chrono::milliseconds max);
  void setStopTimeout(std::chrono::milliseconds timeout);

 private:
  enum class State { Stopped, Running, Disabled, Failed };
  struct Record;
  using Clock = std::chrono::steady_clock;

  Record* find(const std::string& name) const;
  static const sdk::Descriptor* descriptorOf(const Record& record);
  // All below run under control_mutex_ (and not state_mutex_).
  std::string startLocked(Record& record, const ConfigSection& section) REQUIRES(control_mutex_)
      EXCLUDES(state_mutex_);
  void startOrFail(Record& record, const ConfigSection& section) REQUIRES(control_mutex_)
      EXCLUDES(state_mutex_);
  void stopLocked(Record& record, State final_state, std::chrono::milliseconds timeout)
      REQUIRES(control_mutex_) EXCLUDES(state_mutex_);
  void fail(Record& record, const std::string& reason, const ConfigSection& section)
      REQUIRES(control_mutex_) EXCLUDES(state_mutex_);
  void setState(Record& record, State state) REQUIRES(control_mutex_) EXCLUDES(state_mutex_);
  void updateIssue() REQUIRES(control_mutex_) EXCLUDES(state_mutex_);
  void scheduleRetry(Record& record, const ConfigSection& section) REQUIRES(control_mutex_)
      EXCLUDES(state_mutex_);
  void cancelRetry(Record& record) REQUIRES(control_mutex_) EXCLUDES(state_mutex_);
  // A scheduled retry: takes control_mutex_ itself.
  void retryStart(Record& record, std::uint64_t generation, const ConfigSection& section)
      EXCLUDES(control_mutex_, state_mutex_);

  CoreServices services_;
  const std::filesystem::path plugin_dir_;
  const PluginLoader loader_;
  PluginHooks hooks_;

  Mutex control_mutex_ ACQUIRED_BEFORE(state_mutex_);  // serialises plugin start/stop
  mutable Mutex state_mutex_;  // guards what introspection reads; never held over plugin code
  std::vector<std::unique_ptr<Record>> records_;  // append-only; written under both mutexes
  std::vector<Record*> start_order_ GUARDED_BY(control_mutex_);
  bool issue_active_ GUARDED_BY(control_mutex_) = false;
  std::chrono::milliseconds retry_first_ GUARDED_BY(control_mutex_){std::chrono::seconds(1)};
  std::chrono::milliseconds retry_max_ GUARDED_BY(control_mutex_){std::chrono::minutes(5)};
  std::chrono::milliseconds stop_timeout_ GUARDED_BY(control_mutex_){std::chrono::seconds(5)};
};

}  // namespace oxd::core
