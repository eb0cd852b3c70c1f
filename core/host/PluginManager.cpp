#include "host/PluginManager.h"

#include "runtime/MetricsRegistry.h"
#include "runtime/Scheduler.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <optional>

namespace oxd::core {

namespace {

Poco::Logger& pluginLog() { return Poco::Logger::get("oxd.plugins"); }

std::chrono::milliseconds remaining(std::chrono::steady_clock::time_point deadline) {
  return std::max(std::chrono::milliseconds{0},
                  std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now()));
}

void addCounters(PluginCounters& into, const PluginCounters& from) {
  into.calls += from.calls;
  into.errors += from.errors;
  into.task_runs += from.task_runs;
  into.events += from.events;
  into.drops += from.drops;
  if (from.calls + from.task_runs + from.events > 0) into.last_duration_ns = from.last_duration_ns;
  if (!from.last_error.empty()) into.last_error = from.last_error;
}

const char* stateName(int state) {
  static const char* const kNames[] = {"stopped", "running", "disabled", "failed"};
  return kNames[state];
}

std::string retryOwner(const std::string& name) { return "retry:" + name; }

}  // namespace

struct PluginManager::Record {
  std::string name;  // the file stem
  std::filesystem::path path;
  std::optional<LoadedPlugin> loaded;
  std::string load_error;
  // Guarded by control_mutex_.
  std::unique_ptr<sdk::Plugin> instance;  // destroyed before `host`, which it references
  std::unique_ptr<PluginHost> host;
  ConfigSection section;  // what the running instance was started with
  PluginConfig config;    // as last read from config
  bool disabled_at_runtime = false;
  std::uint64_t retry_generation = 0;  // bumped to void a scheduled retry
  // Guarded by state_mutex_.
  State state = State::Stopped;
  std::string last_error;
  bool raises_issue = false;
  std::shared_ptr<CallGate> gate;
  PluginCounters previous;  // of earlier instances
};

PluginManager::PluginManager(CoreServices services, std::filesystem::path plugin_dir)
    : services_(std::move(services)), plugin_dir_(std::move(plugin_dir)) {
  if (!services_.metrics) services_.metrics = std::make_shared<MetricsRegistry>();
}

PluginManager::~PluginManager() { stopAll(); }

void PluginManager::discover() {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (std::filesystem::directory_iterator it(plugin_dir_, error), end; !error && it != end;
       it.increment(error)) {
    if (it->path().extension() == ".so" && it->is_regular_file(error)) files.push_back(it->path());
  }
  if (error) pluginLog().warning("plugin directory %s: %s", plugin_dir_.string(), error.message());
  std::sort(files.begin(), files.end());
  MutexLock control(control_mutex_);
  for (const auto& file : files) {
    std::string name = file.stem().string();
    if (find(name)) continue;
    auto record = std::make_unique<Record>();
    record->name = name;
    record->path = file;
    LoadResult result = loader_.load(file);
    record->loaded = std::move(result.plugin);
    record->load_error = std::move(result.error);
    if (!record->loaded) pluginLog().warning("plugin %s cannot load: %s", name, record->load_error);
    MutexLock state(state_mutex_);
    records_.push_back(std::move(record));
  }
}

const sdk::Descriptor* PluginManager::descriptorOf(const Record& record) {
  return record.loaded ? &record.loaded->descriptor() : nullptr;
}

PluginManager::Record* PluginManager::find(const std::string& name) const {
  for (const auto& record : records_) {
    if (record->name == name) return record.get();
  }
  return nullptr;
}

std::vector<std::string> PluginManager::validate(
    const Poco::Util::AbstractConfiguration& config) const {
  std::vector<std::string> errors;
  MutexLock state(state_mutex_);
  for (const auto& record : records_) {
    auto found =
        validateSection(record->name, descriptorOf(*record), readSection(config, record->name));
    errors.insert(errors.end(), found.begin(), found.end());
  }
  return errors;
}

void PluginManager::startAll(const Poco::Util::AbstractConfiguration& config) {
  MutexLock control(control_mutex_);
  for (const auto& record : records_) {
    ConfigSection section = readSection(config, record->name);
    record->config = parsePluginConfig(section);
    if (record->host) continue;
    if (!record->config.enabled) {
      setState(*record, State::Disabled);
      continue;
    }
    startOrFail(*record, section);
  }
}

std::string PluginManager::startLocked(Record& record, const ConfigSection& section) {
  if (!record.loaded) return record.load_error;
  auto errors = validateSection(record.name, descriptorOf(record), section);
  if (!errors.empty()) {
    std::string joined;
    for (const auto& error : errors) joined += (joined.empty() ? "" : "; ") + error;
    return joined;
  }
  const sdk::Descriptor& descriptor = record.loaded->descriptor();
  auto gate = std::make_shared<CallGate>();
  auto host = std::make_unique<PluginHost>(record.name, services_, hooks_, gate,
                                           pluginConfiguration(descriptor, section));
  std::unique_ptr<sdk::Plugin> instance;
  std::string error;
  try {
    instance = record.loaded->create();
    instance->start(*host);
  } catch (const std::exception& exception) {
    error = *exception.what() ? exception.what() : "start() failed";
  } catch (...) {
    error = "start() threw an unknown exception";
  }
  if (!error.empty()) {
    // Roll back what start() registered. The gate was closed throughout, so nothing is in flight.
    host->withdraw(stop_timeout_);
    instance.reset();
    return error;
  }
  host->commit();
  record.instance = std::move(instance);
  record.host = std::move(host);
  record.section = section;
  {
    MutexLock state(state_mutex_);
    record.state = State::Running;
    record.last_error.clear();
    record.raises_issue = false;
    record.gate = gate;
  }
  start_order_.push_back(&record);
  updateIssue();
  pluginLog().information("plugin %s %s started", record.name, std::string(descriptor.version));
  return "";
}

void PluginManager::startOrFail(Record& record, const ConfigSection& section) {
  std::string error = startLocked(record, section);
  if (!error.empty()) fail(record, error, section);
}

void PluginManager::fail(Record& record, const std::string& reason, const ConfigSection& section) {
  bool ignore = record.config.on_error == PluginConfig::OnError::Ignore;
  {
    MutexLock state(state_mutex_);
    record.state = State::Failed;
    record.last_error = reason;
    record.raises_issue = !ignore;
  }
  if (ignore) {
    pluginLog().warning("plugin %s failed: %s (on_error = ignore)", record.name, reason);
  } else {
    pluginLog().error("plugin %s failed: %s", record.name, reason);
  }
  updateIssue();
  if (record.config.on_error == PluginConfig::OnError::Retry) scheduleRetry(record, section);
}

void PluginManager::setState(Record& record, State state) {
  {
    MutexLock lock(state_mutex_);
    record.state = state;
    if (state != State::Failed) record.raises_issue = false;
  }
  updateIssue();
}

void PluginManager::updateIssue() {
  // One failure is told whole; several are named, each reason being in `plugins` (a status
  // line joining six dlopen messages helps nobody).
  std::string summary;
  {
    MutexLock state(state_mutex_);
    std::vector<const Record*> failed;
    for (const auto& record : records_) {
      if (record->state == State::Failed && record->raises_issue) failed.push_back(record.get());
    }
    if (failed.size() == 1) {
      summary = "plugin " + failed[0]->name + " failed: " + failed[0]->last_error;
    } else if (!failed.empty()) {
      summary = std::to_string(failed.size()) + " plugins failed:";
      for (const Record* record : failed)
        summary += (record == failed[0] ? " " : ", ") + record->name;
      summary += " (reasons: oxctl plugins list)";
    }
  }
  if (!summary.empty()) {
    services_.issues.set(sdk::Issue{"plugin_failed", sdk::Severity::Error, "", summary, {}, false});
    issue_active_ = true;
  } else if (issue_active_) {
    services_.issues.clear("plugin_failed", "");
    issue_active_ = false;
  }
}

void PluginManager::stopLocked(Record& record, State final_state,
                               std::chrono::milliseconds timeout) {
  if (record.host) {
    bool drained = record.host->withdraw(timeout);
    try {
      record.instance->stop();
    } catch (const std::exception& exception) {
      pluginLog().warning("plugin %s: stop() threw: %s", record.name,
                          std::string(exception.what()));
    } catch (...) {
      pluginLog().warning("plugin %s: stop() threw an unknown exception", record.name);
    }
    if (drained) {
      record.instance.reset();
      record.host.reset();
    } else {
      // Calls still run plugin code: destroying the instance or its host under them would be a
      // use after free. Leak both; the library stays mapped anyway.
      pluginLog().error("plugin %s: calls still in flight after the drain timeout; instance leaked",
                        record.name);
      (void)record.instance.release();
      (void)record.host.release();
    }
    start_order_.erase(std::remove(start_order_.begin(), start_order_.end(), &record),
                       start_order_.end());
    MutexLock state(state_mutex_);
    if (record.gate) addCounters(record.previous, record.gate->counters());
    record.gate.reset();
  }
  setState(record, final_state);
}

void PluginManager::scheduleRetry(Record& record, const ConfigSection& section) {
  cancelRetry(record);
  std::uint64_t generation = record.retry_generation;
  sdk::TaskSchedule schedule;
  schedule.interval = retry_first_;
  schedule.initial_delay = retry_first_;
  schedule.max_backoff = retry_max_;
  services_.scheduler.add({retryOwner(record.name), "start", schedule,
                           [this, &record, generation, section](const sdk::StopToken&) {
                             retryStart(record, generation, section);
                           },
                           nullptr});
}

// Never waits: a retry run may be blocked on control_mutex_, which the caller holds. That run
// sees the generation changed and returns; stopAll() waits for it before the manager dies.
void PluginManager::cancelRetry(Record& record) {
  ++record.retry_generation;
  services_.scheduler.cancel(retryOwner(record.name), std::chrono::milliseconds{0});
}

// Runs on a worker thread, as a Scheduler task: throwing makes the Scheduler back off.
void PluginManager::retryStart(Record& record, std::uint64_t generation,
                               const ConfigSection& section) {
  MutexLock control(control_mutex_);
  if (record.retry_generation != generation) return;
  if (record.host) {  // started meanwhile by other means
    cancelRetry(record);
    return;
  }
  std::string error = startLocked(record, section);
  if (error.empty()) {
    cancelRetry(record);
    return;
  }
  {
    MutexLock state(state_mutex_);
    record.last_error = error;
  }
  updateIssue();
  throw std::runtime_error("plugin " + record.name + " failed again: " + error);
}

std::string PluginManager::enable(const std::string& name,
                                  const Poco::Util::AbstractConfiguration& config) {
  MutexLock control(control_mutex_);
  Record* record = find(name);
  if (!record) return "unknown plugin: " + name;
  record->disabled_at_runtime = false;
  if (record->host) return "";
  cancelRetry(*record);
  ConfigSection section = readSection(config, name);
  record->config = parsePluginConfig(section);
  std::string error = startLocked(*record, section);
  if (!error.empty()) fail(*record, error, section);
  return error;
}

std::string PluginManager::disable(const std::string& name) {
  MutexLock control(control_mutex_);
  Record* record = find(name);
  if (!record) return "unknown plugin: " + name;
  cancelRetry(*record);
  record->disabled_at_runtime = true;
  stopLocked(*record, State::Disabled, stop_timeout_);
  pluginLog().information("plugin %s disabled", name);
  return "";
}

void PluginManager::apply(const Poco::Util::AbstractConfiguration& config) {
  MutexLock control(control_mutex_);
  for (const auto& record : records_) {
    ConfigSection section = readSection(config, record->name);
    bool was_enabled = record->config.enabled;
    record->config = parsePluginConfig(section);
    if (!record->config.enabled) {
      cancelRetry(*record);
      record->disabled_at_runtime = false;
      stopLocked(*record, State::Disabled, stop_timeout_);
      continue;
    }
    if (record->host) {
      if (section == record->section) continue;
      pluginLog().information("plugin %s: config changed, restarting", record->name);
      stopLocked(*record, State::Stopped, stop_timeout_);
    } else if (record->disabled_at_runtime && was_enabled) {
      continue;  // the operator's `plugins disable` stands
    }
    record->disabled_at_runtime = false;
    cancelRetry(*record);
    startOrFail(*record, section);
  }
}

void PluginManager::stopAll() {
  std::chrono::milliseconds timeout;
  std::vector<std::string> names;
  {
    MutexLock control(control_mutex_);
    for (const auto& record : records_) {
      cancelRetry(*record);
      names.push_back(record->name);
    }
    timeout = stop_timeout_;
  }
  // Retry runs already queued may be waiting for control_mutex_: let them see they are void.
  auto deadline = Clock::now() + timeout;
  for (const auto& name : names) services_.scheduler.cancel(retryOwner(name), remaining(deadline));
  MutexLock control(control_mutex_);
  deadline = Clock::now() + stop_timeout_;
  while (!start_order_.empty())
    stopLocked(*start_order_.back(), State::Stopped, remaining(deadline));
}

Poco::JSON::Object::Ptr PluginManager::pluginsJson() const {
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  MutexLock state(state_mutex_);
  for (const auto& record : records_) {
    Poco::JSON::Object::Ptr plugin = new Poco::JSON::Object;
    const sdk::Descriptor* descriptor = record->loaded ? &record->loaded->descriptor() : nullptr;
    plugin->set("name", record->name);
    plugin->set("version", std::string(descriptor ? descriptor->version : ""));
    plugin->set("summary",
                std::string(descriptor && descriptor->summary ? descriptor->summary : ""));
    plugin->set("path", record->path.string());
    plugin->set("state", std::string(stateName(static_cast<int>(record->state))));
    PluginCounters counters = record->previous;
    if (record->gate) addCounters(counters, record->gate->counters());
    std::string last_error = !record->last_error.empty() ? record->last_error : counters.last_error;
    if (!last_error.empty()) plugin->set("last_error", last_error);
    Poco::JSON::Object::Ptr numbers = new Poco::JSON::Object;
    numbers->set("calls", counters.calls);
    numbers->set("errors", counters.errors);
    numbers->set("task_runs", counters.task_runs);
    numbers->set("events", counters.events);
    numbers->set("drops", counters.drops);
    numbers->set("last_duration_ns", counters.last_duration_ns);
    plugin->set("counters", numbers);
    list->add(plugin);
  }
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
  out->set("plugins", list);
  return out;
}

Poco::JSON::Object::Ptr PluginManager::statusSections() const { return hooks_.status(); }

Poco::JSON::Object::Ptr PluginManager::runDoctor() {
  Poco::JSON::Object::Ptr out = hooks_.doctor();
  MutexLock state(state_mutex_);
  for (const auto& record : records_) {
    if (record->state != State::Failed || out->has(record->name)) continue;
    Poco::JSON::Object::Ptr failure = new Poco::JSON::Object;
    failure->set("error", record->last_error);
    out->set(record->name, failure);
  }
  return out;
}

std::vector<ConfigKeyInfo> PluginManager::describeConfig() const {
  std::vector<ConfigKeyInfo> keys;
  MutexLock state(state_mutex_);
  for (const auto& record : records_) {
    if (!record->loaded) continue;
    auto plugin_keys = describePluginKeys(record->loaded->descriptor());
    keys.insert(keys.end(), plugin_keys.begin(), plugin_keys.end());
  }
  return keys;
}

std::vector<std::string> PluginManager::names() const {
  MutexLock lock(state_mutex_);
  std::vector<std::string> out;
  for (const auto& record : records_) out.push_back(record->name);
  return out;
}

std::string PluginManager::state(const std::string& name) const {
  MutexLock lock(state_mutex_);
  Record* record = find(name);
  return record ? stateName(static_cast<int>(record->state)) : "";
}

void PluginManager::setRetryBackoff(std::chrono::milliseconds first,
                                    std::chrono::milliseconds max) {
  MutexLock control(control_mutex_);
  retry_first_ = first;
  retry_max_ = max;
}

void PluginManager::setStopTimeout(std::chrono::milliseconds timeout) {
  MutexLock control(control_mutex_);
  stop_timeout_ = timeout;
}

}  // namespace oxd::core
