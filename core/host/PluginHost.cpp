#include "host/PluginHost.h"

#include "runtime/EventBus.h"
#include "runtime/MetricsRegistry.h"
#include "runtime/Scheduler.h"

#include <algorithm>
#include <stdexcept>

namespace oxd::core {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds remaining(Clock::time_point deadline) {
  return std::max(std::chrono::milliseconds{0},
                  std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
}

}  // namespace

// --- PluginHooks -----------------------------------------------------------------------------

bool PluginHooks::addStatus(const std::string& section, const std::string& owner,
                            std::shared_ptr<CallGate> gate, sdk::StatusProvider provider) {
  MutexLock lock(mutex_);
  for (const auto& hook : status_) {
    if (hook->key == section) return false;
  }
  status_.push_back(
      std::make_shared<const Hook>(Hook{section, owner, std::move(gate), std::move(provider)}));
  return true;
}

bool PluginHooks::addDoctor(const std::string& owner, std::shared_ptr<CallGate> gate,
                            sdk::StatusProvider hook) {
  MutexLock lock(mutex_);
  for (const auto& existing : doctor_) {
    if (existing->key == owner) return false;
  }
  doctor_.push_back(
      std::make_shared<const Hook>(Hook{owner, owner, std::move(gate), std::move(hook)}));
  return true;
}

void PluginHooks::removeOwner(const std::string& owner) {
  MutexLock lock(mutex_);
  auto owned = [&](const HookPtr& hook) { return hook->owner == owner; };
  status_.erase(std::remove_if(status_.begin(), status_.end(), owned), status_.end());
  doctor_.erase(std::remove_if(doctor_.begin(), doctor_.end(), owned), doctor_.end());
}

Poco::JSON::Object::Ptr PluginHooks::status() const {
  std::vector<HookPtr> hooks;
  {
    MutexLock lock(mutex_);
    hooks = status_;
  }
  return collect(hooks);
}

Poco::JSON::Object::Ptr PluginHooks::doctor() const {
  std::vector<HookPtr> hooks;
  {
    MutexLock lock(mutex_);
    hooks = doctor_;
  }
  return collect(hooks);
}

Poco::JSON::Object::Ptr PluginHooks::collect(const std::vector<HookPtr>& hooks) {
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
  for (const auto& hook : hooks) {
    GateEntry entry(hook->gate.get());
    if (!entry.entered()) continue;  // its plugin is being drained
    try {
      out->set(hook->key, hook->provider());
    } catch (const std::exception& exception) {
      Poco::JSON::Object::Ptr error = new Poco::JSON::Object;
      error->set("error", std::string(exception.what()));
      out->set(hook->key, error);
    } catch (...) {
      Poco::JSON::Object::Ptr error = new Poco::JSON::Object;
      error->set("error", std::string("unknown exception"));
      out->set(hook->key, error);
    }
  }
  return out;
}

// --- PluginHost ------------------------------------------------------------------------------

PluginHost::PluginHost(std::string name, CoreServices& services, PluginHooks& hooks,
                       std::shared_ptr<CallGate> gate,
                       Poco::AutoPtr<Poco::Util::AbstractConfiguration> config)
    : name_(std::move(name)),
      services_(services),
      hooks_(hooks),
      gate_(std::move(gate)),
      config_(std::move(config)),
      logger_(Poco::Logger::get("oxd.plugin." + name_)),
      metrics_(services_.metrics->scope(name_)) {
  gate_->close();  // opened by commit(), once start() has returned
  // The core's series, not the plugin's: a plugin cannot name them, and they count its failures
  // whether or not it registers metrics of its own.
  auto core = services_.metrics->scope("");
  auto errors = [&](const char* kind) {
    return &core->counter("oxd_plugin_errors_total",
                          "Plugin handler, task and event-subscriber failures, by plugin and kind.",
                          {{"plugin", name_}, {"kind", kind}});
  };
  gate_->countErrorsIn(errors("call"), errors("task"), errors("event"));
}

PluginHost::~PluginHost() = default;

void PluginHost::requireRegistering(const char* what) const {
  if (sealed_.load()) {
    throw std::logic_error("plugin " + name_ + ": " + what + " registered after start() returned");
  }
}

void PluginHost::addRoute(const std::string& type, Route route) {
  route.owner = name_;
  route.gate = gate_;
  if (!services_.router.add(type, std::move(route))) {
    throw std::logic_error("message type " + type + " is already registered");
  }
}

void PluginHost::handle(const std::string& type, sdk::Handler handler) {
  requireRegistering("a handler");
  Route route;
  route.kind = Route::Kind::Request;
  route.handler = std::move(handler);
  addRoute(type, std::move(route));
}

void PluginHost::handleOneWay(const std::string& type, sdk::OneWayHandler handler) {
  requireRegistering("a one-way handler");
  Route route;
  route.kind = Route::Kind::OneWay;
  route.one_way = std::move(handler);
  addRoute(type, std::move(route));
}

void PluginHost::handleQuickOneWay(const std::string& type, sdk::OneWayHandler handler) {
  requireRegistering("a one-way handler");
  Route route;
  route.kind = Route::Kind::OneWay;
  route.one_way = std::move(handler);
  route.quick = std::make_shared<QuickOneWay>();
  addRoute(type, std::move(route));
}

void PluginHost::every(const std::string& task_name, sdk::TaskSchedule schedule, sdk::Task task) {
  requireRegistering("a task");
  // Checked now so that a bad schedule fails start(), not commit().
  if (schedule.interval <= std::chrono::milliseconds{0}) {
    throw std::invalid_argument("task " + task_name + ": interval must be positive");
  }
  if (!task) throw std::invalid_argument("task " + task_name + ": no function");
  pending_tasks_.push_back({task_name, schedule, std::move(task)});
}

void PluginHost::subscribe(const std::string& topic, sdk::EventHandler handler) {
  requireRegistering("a subscription");
  pending_subscriptions_.push_back({topic, std::move(handler)});
}

void PluginHost::statusSection(const std::string& section, sdk::StatusProvider provider) {
  requireRegistering("a status section");
  if (!hooks_.addStatus(section, name_, gate_, std::move(provider))) {
    throw std::logic_error("status section " + section + " is already registered");
  }
}

void PluginHost::doctor(sdk::StatusProvider hook) {
  requireRegistering("a doctor hook");
  if (!hooks_.addDoctor(name_, gate_, std::move(hook))) {
    throw std::logic_error("plugin " + name_ + " registered a second doctor hook");
  }
}

void PluginHost::commit() {
  sealed_.store(true);
  // start() has returned, so the plugin may now be entered; and it must be open before the
  // tasks are added: a task due at once (initial_delay 0) found the gate closed, was skipped and
  // waited a whole interval.
  gate_->reopen();
  for (auto& task : pending_tasks_) {
    services_.scheduler.add({name_, task.name, task.schedule, std::move(task.task), gate_});
  }
  for (auto& subscription : pending_subscriptions_) {
    services_.bus.subscribe(subscription.topic, name_, std::move(subscription.handler), gate_);
  }
  pending_tasks_.clear();
  pending_subscriptions_.clear();
}

bool PluginHost::withdraw(std::chrono::milliseconds timeout) {
  sealed_.store(true);
  auto deadline = Clock::now() + timeout;
  // Close first: from here no new call, run or delivery enters the plugin, so removing the
  // registrations and draining the gate cannot race with fresh work.
  gate_->close();
  services_.router.removeOwner(name_);
  hooks_.removeOwner(name_);
  pending_tasks_.clear();
  pending_subscriptions_.clear();
  bool drained = services_.scheduler.cancel(name_, remaining(deadline));
  drained = services_.bus.unsubscribeOwner(name_, remaining(deadline)) && drained;
  return gate_->drain(remaining(deadline)) && drained;
}

void PluginHost::publish(const std::string& topic, Poco::Dynamic::Var event) {
  services_.bus.publish(topic, event);
}

sdk::Reply PluginHost::call(const sdk::Request& request) {
  RoutePtr route = services_.router.find(request.type);
  if (!route) return sdk::Reply::fail("unknown message type");
  sdk::Request copy = request;
  if (copy.caller_id.empty()) copy.caller_id = "plugin:" + name_;
  copy.calling_plugin = name_;
  if (!copy.payload) copy.payload = new Poco::JSON::Object;
  if (route->kind == Route::Kind::OneWay) {
    invokeOneWay(*route, copy);
    return sdk::Reply::ok();
  }
  NullProgress progress;
  sdk::Reply reply = invokeRequest(*route, copy, progress);
  replySent(*route, reply, true);  // handed back: as delivered as it gets in process
  return reply;
}

std::optional<sdk::Credentials> PluginHost::credentials() const {
  return services_.credentials ? services_.credentials() : std::nullopt;
}

void PluginHost::activity() {
  if (services_.activity) services_.activity();
}

sdk::PendingWork PluginHost::keepAlive(const std::string& why) {
  return services_.keep_alive ? services_.keep_alive(name_ + ": " + why) : sdk::PendingWork{};
}

}  // namespace oxd::core
