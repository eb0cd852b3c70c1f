#include "FakeHost.h"

#include "runtime/MetricsRegistry.h"

#include <oxd/payload.h>
#include <oxd/plugin.h>

#include <Poco/Channel.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Message.h>
#include <Poco/NullChannel.h>

#include <sstream>
#include <stdexcept>

namespace oxd::testing {

namespace {

// Loggers are process-wide by name: each fake host gets its own.
Poco::Logger& NewLogger() {
  static std::atomic<int> next{0};
  return Poco::Logger::get("oxd.fakehost." + std::to_string(next++));
}

class RecordingProgress : public sdk::Progress {
 public:
  explicit RecordingProgress(bool cancelled) : cancelled_(cancelled) {}
  void stage(std::string_view stage, std::string_view message) override {
    lines.push_back({std::string(stage), std::nullopt, std::string(message)});
  }
  void percent(std::string_view stage, int percent, std::string_view message) override {
    lines.push_back({std::string(stage), percent, std::string(message)});
  }
  bool cancelled() const override { return cancelled_; }

  std::vector<ProgressLine> lines;

 private:
  bool cancelled_;
};

class NullProgress : public sdk::Progress {
 public:
  void stage(std::string_view, std::string_view) override {}
  void percent(std::string_view, int, std::string_view) override {}
  bool cancelled() const override { return false; }
};

class NeverStop : public sdk::StopToken {
 public:
  bool stopRequested() const override { return false; }
  bool sleepFor(std::chrono::milliseconds) const override { return true; }
};

}  // namespace

// Records every log message of the host's logger, whatever its level.
class FakeHost::Capture : public Poco::Channel {
 public:
  explicit Capture(FakeHost& host) : host_(host) {}
  void log(const Poco::Message& message) override {
    std::lock_guard lock(host_.mutex_);
    host_.log_lines_.push_back(message.getText());
  }

 private:
  FakeHost& host_;
};

FakeHost::FakeHost(sdk::Workspace workspace)
    : workspace_(std::move(workspace)),
      config_(new Poco::Util::MapConfiguration),
      logger_(NewLogger()) {
  logger_.setChannel(new Capture(*this));
  logger_.setLevel(Poco::Message::PRIO_TRACE);
}

FakeHost::~FakeHost() { logger_.setChannel(new Poco::NullChannel); }

// --- set-up ----------------------------------------------------------------------------------

void FakeHost::setConfig(const std::vector<std::pair<std::string, std::string>>& entries) {
  for (const auto& [key, value] : entries) config_->setString(key, value);
}

void FakeHost::setConfigLines(const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    auto equals = line.find('=');
    if (equals == std::string::npos) throw std::invalid_argument("not key=value: " + line);
    config_->setString(line.substr(0, equals), line.substr(equals + 1));
  }
}

void FakeHost::setWorkspace(sdk::Workspace workspace) { workspace_ = std::move(workspace); }

void FakeHost::setCredentials(std::optional<sdk::Credentials> credentials) {
  std::lock_guard lock(mutex_);
  credentials_ = std::move(credentials);
}

void FakeHost::failIssues(bool fail) { fail_issues_.store(fail); }
void FakeHost::failErrors(bool fail) { fail_errors_.store(fail); }

void FakeHost::addCallable(const std::string& type, sdk::Handler handler) {
  std::lock_guard lock(mutex_);
  callables_[type] = std::move(handler);
}

void FakeHost::start(sdk::Plugin& plugin) {
  plugin.start(*this);
  finishStart();
}

void FakeHost::finishStart() { started_.store(true); }

// --- driving ---------------------------------------------------------------------------------

sdk::Reply FakeHost::invoke(const sdk::Request& request, sdk::Progress& progress) {
  sdk::Handler handler;
  {
    std::lock_guard lock(mutex_);
    if (auto own = handlers_.find(request.type); own != handlers_.end()) {
      handler = own->second;
    } else if (auto other = callables_.find(request.type); other != callables_.end()) {
      handler = other->second;
    }
  }
  if (!handler) return sdk::Reply::fail("unknown message type");
  // As core/host/Router.cpp answers.
  sdk::Reply reply;
  try {
    reply = handler(request, progress);
  } catch (const sdk::BadPayload& bad) {
    return sdk::Reply::fail("invalid payload: " + std::string(bad.what()));
  } catch (const std::exception& exception) {
    return sdk::Reply::fail(exception.what());
  } catch (...) {
    return sdk::Reply::fail("handler failed with an unknown exception");
  }
  // The test reads every reply whole, as a client that reads does: the hook hears "written".
  if (reply.on_sent) {
    auto hook = std::move(reply.on_sent);
    reply.on_sent = nullptr;
    try {
      hook(true);
    } catch (const std::exception& error) {
      logger_.error("after the %s reply: %s", request.type, std::string(error.what()));
    }
  }
  return reply;
}

Answer FakeHost::send(const sdk::Request& request, bool cancelled) {
  RecordingProgress progress(cancelled);
  sdk::Reply reply = invoke(request, progress);
  return Answer{std::move(reply), std::move(progress.lines)};
}

Answer FakeHost::send(const std::string& type, const std::string& payload_json) {
  return send(type, JsonObject(payload_json));
}

Answer FakeHost::send(const std::string& type, Poco::JSON::Object::Ptr payload) {
  sdk::Request request;
  request.type = type;
  request.caller_id = "test";
  request.workspace_id = workspace_.workspace_id;
  if (payload) request.payload = payload;
  return send(request);
}

std::string FakeHost::sendOneWay(const std::string& type, const std::string& payload_json) {
  sdk::OneWayHandler handler;
  {
    std::lock_guard lock(mutex_);
    auto found = one_way_.find(type);
    if (found == one_way_.end()) throw std::out_of_range("no one-way handler for " + type);
    handler = found->second;
  }
  sdk::Request request;
  request.type = type;
  request.caller_id = "test";
  request.payload = JsonObject(payload_json);
  try {
    handler(request);
  } catch (const sdk::BadPayload& bad) {
    return "invalid payload: " + std::string(bad.what());
  } catch (const std::exception& exception) {
    return exception.what();
  }
  return "";
}

void FakeHost::runTask(const std::string& name) {
  sdk::Task task;
  {
    std::lock_guard lock(mutex_);
    task = tasks_.at(name).task;
  }
  NeverStop token;
  task(token);
}

std::vector<std::string> FakeHost::deliver(const std::string& topic,
                                           const Poco::Dynamic::Var& event) {
  std::vector<sdk::EventHandler> handlers;
  {
    std::lock_guard lock(mutex_);
    auto [begin, end] = subscribers_.equal_range(topic);
    for (auto it = begin; it != end; ++it) handlers.push_back(it->second);
  }
  std::vector<std::string> failures;
  for (const sdk::EventHandler& handler : handlers) {
    try {
      handler(event);
    } catch (const std::exception& error) {
      failures.push_back(error.what());
    } catch (...) {
      failures.push_back("subscriber failed with an unknown exception");
    }
  }
  return failures;
}

Poco::Dynamic::Var FakeHost::statusSectionValue(const std::string& section) {
  sdk::StatusProvider provider;
  {
    std::lock_guard lock(mutex_);
    provider = sections_.at(section);
  }
  return provider();
}

Poco::Dynamic::Var FakeHost::runDoctor() {
  sdk::StatusProvider hook;
  {
    std::lock_guard lock(mutex_);
    if (!doctor_) throw std::logic_error("no doctor hook registered");
    hook = *doctor_;
  }
  return hook();
}

// --- what was registered ---------------------------------------------------------------------

bool FakeHost::handles(const std::string& type) const {
  std::lock_guard lock(mutex_);
  return handlers_.count(type) > 0;
}

bool FakeHost::handlesOneWay(const std::string& type) const {
  std::lock_guard lock(mutex_);
  return one_way_.count(type) > 0;
}

bool FakeHost::handlesQuickOneWay(const std::string& type) const {
  std::lock_guard lock(mutex_);
  return quick_one_way_.count(type) > 0;
}

bool FakeHost::hasTask(const std::string& name) const {
  std::lock_guard lock(mutex_);
  return tasks_.count(name) > 0;
}

bool FakeHost::subscribes(const std::string& topic) const {
  std::lock_guard lock(mutex_);
  return subscribers_.count(topic) > 0;
}

bool FakeHost::hasStatusSection(const std::string& section) const {
  std::lock_guard lock(mutex_);
  return sections_.count(section) > 0;
}

bool FakeHost::hasDoctor() const {
  std::lock_guard lock(mutex_);
  return doctor_.has_value();
}

std::vector<std::string> FakeHost::statusSections() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, provider] : sections_) out.push_back(name);
  return out;
}

// --- what the plugin did ---------------------------------------------------------------------

std::vector<PublishedEvent> FakeHost::published() const {
  std::lock_guard lock(mutex_);
  return published_;
}

std::vector<IssueChange> FakeHost::issueChanges() const {
  std::lock_guard lock(mutex_);
  return issue_changes_;
}

std::map<std::pair<std::string, std::string>, sdk::Issue> FakeHost::openIssues() const {
  std::lock_guard lock(mutex_);
  std::map<std::pair<std::string, std::string>, sdk::Issue> open;
  for (const IssueChange& change : issue_changes_) {
    auto key = std::make_pair(change.issue.type, change.issue.repo);
    if (change.set) {
      open[key] = change.issue;
    } else {
      open.erase(key);
    }
  }
  return open;
}

std::vector<StoredError> FakeHost::storedErrors() const {
  std::lock_guard lock(mutex_);
  return errors_;
}

std::vector<sdk::Request> FakeHost::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::vector<std::string> FakeHost::logLines() const {
  std::lock_guard lock(mutex_);
  return log_lines_;
}

bool FakeHost::logged(const std::string& fragment) const {
  std::lock_guard lock(mutex_);
  for (const std::string& line : log_lines_) {
    if (line.find(fragment) != std::string::npos) return true;
  }
  return false;
}

std::vector<std::string> FakeHost::keepAliveReasons() const {
  std::lock_guard lock(mutex_);
  return keep_alive_;
}

// --- sdk::Host -------------------------------------------------------------------------------

void FakeHost::requireRegistering(const std::string& what) const {
  if (started_.load()) throw std::logic_error(what + " registered after start() returned");
}

void FakeHost::handle(const std::string& type, sdk::Handler handler) {
  requireRegistering("a handler");
  std::lock_guard lock(mutex_);
  if (handlers_.count(type) || one_way_.count(type)) {
    throw std::logic_error("message type " + type + " is already registered");
  }
  handlers_[type] = std::move(handler);
}

void FakeHost::handleOneWay(const std::string& type, sdk::OneWayHandler handler) {
  requireRegistering("a one-way handler");
  std::lock_guard lock(mutex_);
  if (handlers_.count(type) || one_way_.count(type)) {
    throw std::logic_error("message type " + type + " is already registered");
  }
  one_way_[type] = std::move(handler);
}

void FakeHost::handleQuickOneWay(const std::string& type, sdk::OneWayHandler handler) {
  handleOneWay(type, std::move(handler));
  std::lock_guard lock(mutex_);
  quick_one_way_.insert(type);
}

void FakeHost::every(const std::string& task_name, sdk::TaskSchedule schedule, sdk::Task task) {
  requireRegistering("a task");
  if (schedule.interval <= std::chrono::milliseconds{0}) {
    throw std::invalid_argument("task " + task_name + ": interval must be positive");
  }
  std::lock_guard lock(mutex_);
  tasks_[task_name] = TaskEntry{schedule, std::move(task)};
}

void FakeHost::subscribe(const std::string& topic, sdk::EventHandler handler) {
  requireRegistering("a subscription");
  std::lock_guard lock(mutex_);
  subscribers_.emplace(topic, std::move(handler));
}

void FakeHost::statusSection(const std::string& section, sdk::StatusProvider provider) {
  requireRegistering("a status section");
  std::lock_guard lock(mutex_);
  if (!sections_.emplace(section, std::move(provider)).second) {
    throw std::logic_error("status section " + section + " is already registered");
  }
}

void FakeHost::doctor(sdk::StatusProvider hook) {
  requireRegistering("a doctor hook");
  std::lock_guard lock(mutex_);
  if (doctor_) throw std::logic_error("a second doctor hook registered");
  doctor_ = std::move(hook);
}

void FakeHost::publish(const std::string& topic, Poco::Dynamic::Var event) {
  std::lock_guard lock(mutex_);
  published_.push_back({topic, std::move(event)});
}

sdk::Reply FakeHost::call(const sdk::Request& request) {
  {
    std::lock_guard lock(mutex_);
    calls_.push_back(request);
  }
  sdk::OneWayHandler one_way;
  {
    std::lock_guard lock(mutex_);
    if (auto found = one_way_.find(request.type); found != one_way_.end()) {
      one_way = found->second;
    }
  }
  if (one_way) {
    try {
      one_way(request);
    } catch (const std::exception& error) {
      logger_.warning("one-way %s failed: %s", request.type, std::string(error.what()));
    }
    return sdk::Reply::ok();
  }
  NullProgress progress;
  sdk::Request copy = request;
  copy.calling_plugin = "test";  // as the daemon marks an in-process call
  return invoke(copy, progress);
}

std::optional<sdk::Credentials> FakeHost::credentials() const {
  std::lock_guard lock(mutex_);
  return credentials_;
}

sdk::PendingWork FakeHost::keepAlive(const std::string& why) {
  std::lock_guard lock(mutex_);
  keep_alive_.push_back(why);
  return sdk::PendingWork(std::make_shared<int>(0));
}

void FakeHost::Issues::set(sdk::Issue issue) {
  if (host_.fail_issues_.load()) throw std::runtime_error("issue sink failed (test)");
  std::lock_guard lock(host_.mutex_);
  host_.issue_changes_.push_back({true, std::move(issue)});
}

void FakeHost::Issues::clear(const std::string& type, const std::string& repo) {
  if (host_.fail_issues_.load()) throw std::runtime_error("issue sink failed (test)");
  sdk::Issue cleared;
  cleared.type = type;
  cleared.repo = repo;
  std::lock_guard lock(host_.mutex_);
  host_.issue_changes_.push_back({false, std::move(cleared)});
}

void FakeHost::Errors::add(const std::string& code, const std::string& message,
                           sdk::Severity severity) {
  if (host_.fail_errors_.load()) throw std::runtime_error("error sink failed (test)");
  std::lock_guard lock(host_.mutex_);
  host_.errors_.push_back({code, message, severity});
}

// --- helpers ---------------------------------------------------------------------------------

Poco::JSON::Object::Ptr JsonObject(const std::string& json) {
  Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(json);
  if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) {
    throw std::invalid_argument("not a JSON object: " + json);
  }
  return parsed.extract<Poco::JSON::Object::Ptr>();
}

std::string ToJson(const Poco::Dynamic::Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(value, out);
  return out.str();
}

}  // namespace oxd::testing

namespace oxd::testing {

void FakeHost::setMetricsOwner(std::string plugin) {
  std::lock_guard lock(metrics_mutex_);
  metrics_owner_ = std::move(plugin);
}

sdk::Metrics& FakeHost::metrics() {
  std::lock_guard lock(metrics_mutex_);
  if (!metrics_) {
    metrics_registry_ = std::make_shared<core::MetricsRegistry>();
    metrics_ = metrics_registry_->scope(metrics_owner_);
  }
  return *metrics_;
}

std::string FakeHost::metricsText() const {
  std::lock_guard lock(metrics_mutex_);
  return metrics_registry_ ? metrics_registry_->text() : std::string();
}

}  // namespace oxd::testing
