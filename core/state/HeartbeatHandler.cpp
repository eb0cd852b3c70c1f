#include "state/HeartbeatHandler.h"

#include "common/ProjectFile.h"

#include <oxd/client_path.h>
#include <oxd/payload.h>

#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <algorithm>
#include <climits>
#include <exception>
#include <optional>
#include <utility>

namespace oxd::core {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("oxd.heartbeat"); }

// Runs one field's extraction; a bad field is dropped alone.
template <typename Extract>
void field(Extract&& extract) {
  try {
    extract();
  } catch (const std::exception& error) {
    logger().debug("heartbeat: ignoring field: %s", std::string(error.what()));
  }
}

template <typename Callback, typename... Args>
void invoke(const char* name, const Callback& callback, Args&&... args) {
  if (!callback) return;
  try {
    callback(std::forward<Args>(args)...);
  } catch (const std::exception& error) {
    logger().warning("heartbeat %s callback failed: %s", std::string(name),
                     std::string(error.what()));
  } catch (...) {
    logger().warning("heartbeat %s callback failed", std::string(name));
  }
}

std::optional<sdk::Credentials> parseCredentials(const Poco::JSON::Object::Ptr& object) {
  sdk::Payload payload(object);
  sdk::Credentials out;
  field([&] { out.token = payload.optionalString("token").value_or(""); });
  field([&] { out.server_url = payload.optionalString("server_url").value_or(""); });
  field([&] { out.auth_token = payload.optionalString("auth_token").value_or(""); });
  field([&] { out.user_email = payload.optionalString("user_email").value_or(""); });
  field([&] { out.user_id = payload.optionalString("user_id").value_or(""); });
  // An unreadable expiry must not turn into "never expires": drop the whole set instead.
  try {
    if (auto text = payload.optionalString("expires_at")) {
      auto parsed = sdk::parseTime(*text);
      if (!parsed) throw sdk::BadPayload("credentials.expires_at: not an RFC 3339 time");
      out.expires_at = *parsed;
    }
  } catch (const std::exception& error) {
    logger().debug("heartbeat: ignoring credentials: %s", std::string(error.what()));
    return std::nullopt;
  }
  return out;
}

}  // namespace

struct HeartbeatHandler::Parsed {
  std::string repo_path, workspace_id, caller_path, agent_id, cli_version, command_name;
  std::string parent_agent_id, agent_type;
  std::vector<std::string> team_ids;
  std::optional<sdk::Credentials> credentials;
  std::int64_t context_tokens = 0;
  pid_t parent_pid = 0;

  explicit Parsed(const Poco::JSON::Object::Ptr& object) {
    sdk::Payload payload(object);
    auto text = [&](const char* key, std::string& into) {
      field([&] { into = payload.optionalString(key).value_or(""); });
    };
    // A path with a NUL or a control character names no real directory: dropped, like any
    // malformed field (sdk/include/oxd/client_path.h).
    auto path = [&](const char* key, std::string& into) {
      text(key, into);
      if (!sdk::clientPathTextProblem(into).empty()) into.clear();
    };
    path("repo_path", repo_path);
    text("workspace_id", workspace_id);
    path("caller_path", caller_path);
    text("agent_id", agent_id);
    text("cli_version", cli_version);
    text("command_name", command_name);
    text("parent_agent_id", parent_agent_id);
    text("agent_type", agent_type);
    field([&] {
      for (std::string& team :
           payload.optionalStrings("team_ids").value_or(std::vector<std::string>{})) {
        if (!team.empty()) team_ids.push_back(std::move(team));
      }
    });
    field([&] {
      context_tokens = std::max<std::int64_t>(0, payload.optionalInt("context_tokens").value_or(0));
    });
    field([&] {
      std::int64_t pid = payload.optionalInt("parent_pid").value_or(0);
      if (pid < 0 || pid > INT_MAX) throw sdk::BadPayload("parent_pid: out of range");
      parent_pid = static_cast<pid_t>(pid);
    });
    field([&] {
      if (auto object = payload.optionalObject("credentials"))
        credentials = parseCredentials(object);
    });
  }
};

HeartbeatHandler::HeartbeatHandler(InstanceStore& instances, CredentialStore& credentials,
                                   HeartbeatCallbacks callbacks, HeartbeatOptions options)
    : instances_(instances),
      credentials_(credentials),
      callbacks_(std::move(callbacks)),
      options_(std::move(options)) {}

std::string HeartbeatHandler::semverOf(const std::string& version) {
  return version.substr(0, version.find('+'));
}

void HeartbeatHandler::handleText(const std::string& json, const std::string& caller_id) {
  Poco::JSON::Object::Ptr object;
  try {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var root = parser.parse(json);
    if (root.type() == typeid(Poco::JSON::Object::Ptr))
      object = root.extract<Poco::JSON::Object::Ptr>();
  } catch (const std::exception& error) {
    logger().debug("heartbeat: invalid JSON ignored: %s", std::string(error.what()));
    return;
  }
  if (!object) {
    logger().debug("heartbeat: payload is not a JSON object, ignored");
    return;
  }
  handle(object, caller_id);
}

sdk::HeartbeatEvent HeartbeatHandler::handle(const Poco::JSON::Object::Ptr& payload,
                                             const std::string& caller_id) {
  sdk::HeartbeatEvent event;
  try {
    Parsed heartbeat(payload);
    event.agent_id = heartbeat.agent_id;
    event.agent_type = heartbeat.agent_type;
    event.parent_agent_id = heartbeat.parent_agent_id;
    event.caller_path = heartbeat.caller_path;
    event.repo_path = heartbeat.repo_path;
    event.workspace_id = heartbeat.workspace_id;
    event.cli_version = heartbeat.cli_version;
    event.command_name = heartbeat.command_name;
    event.team_ids = heartbeat.team_ids;
    event.context_tokens = heartbeat.context_tokens;
    event.parent_pid = heartbeat.parent_pid;
    sdk::Time now = currentTime(options_.clock);

    if (!heartbeat.cli_version.empty() &&
        semverOf(heartbeat.cli_version) != semverOf(options_.daemon_version)) {
      // The daemon decides what a mismatch means and logs it once (docs/architecture.md#upgrades).
      logger().debug("CLI/daemon version mismatch: cli %s, daemon %s", heartbeat.cli_version,
                     options_.daemon_version);
      invoke("version mismatch", callbacks_.on_version_mismatch, heartbeat.cli_version,
             options_.daemon_version);
    }
    invoke("activity", callbacks_.on_activity);
    if (heartbeat.credentials) credentials_.update(*heartbeat.credentials);

    if (!heartbeat.repo_path.empty()) repos_.recordAt(heartbeat.repo_path, now);
    if (!heartbeat.workspace_id.empty()) workspaces_.recordAt(heartbeat.workspace_id, now);
    if (!heartbeat.agent_id.empty()) {
      agents_.recordAt(heartbeat.agent_id, now);
      AgentHeartbeat agent;
      agent.agent_id = heartbeat.agent_id;
      agent.workspace_path =
          heartbeat.caller_path.empty() ? options_.workspace_path : heartbeat.caller_path;
      agent.parent_agent_id = heartbeat.parent_agent_id;
      agent.agent_type = heartbeat.agent_type;
      agent.parent_pid = heartbeat.parent_pid;
      agent.context_tokens = heartbeat.context_tokens;
      agent.cli_version = heartbeat.cli_version;
      instances_.recordHeartbeat(agent);
    }
    std::vector<std::string> new_teams;
    for (const std::string& team : heartbeat.team_ids) {
      if (teams_.recordAt(team, now)) new_teams.push_back(team);
    }
    if (!new_teams.empty()) invoke("new teams", callbacks_.on_new_teams, new_teams);

    std::string id = caller_id;
    if (id.empty() && !heartbeat.caller_path.empty()) {
      id = project::sha256Hex(heartbeat.caller_path).substr(0, 8);
    }
    if (!id.empty() && recordCaller(id, heartbeat.caller_path, heartbeat.agent_id, now)) {
      invoke("caller path", callbacks_.on_caller_path_changed, heartbeat.caller_path);
    }
  } catch (const std::exception& error) {
    // Cannot happen by design (every field is guarded); a heartbeat still must never throw.
    logger().error("heartbeat handling failed: %s", std::string(error.what()));
  }
  return event;
}

bool HeartbeatHandler::recordCaller(const std::string& id, const std::string& path,
                                    const std::string& agent_id, sdk::Time now) {
  MutexLock lock(callers_mutex_);
  auto found = callers_.find(id);
  if (found == callers_.end()) {
    if (options_.max_callers > 0 && callers_.size() >= options_.max_callers) {
      auto oldest = std::min_element(
          callers_.begin(), callers_.end(),
          [](const auto& a, const auto& b) { return a.second.last_seen < b.second.last_seen; });
      callers_.erase(oldest);
    }
    found = callers_.emplace(id, Caller{id, "", {}, ""}).first;
  }
  Caller& caller = found->second;
  caller.last_seen = now;
  if (!path.empty()) caller.path = path;
  if (!agent_id.empty()) caller.agent_id = agent_id;
  if (path.empty() || path == last_caller_path_) return false;
  last_caller_path_ = path;
  return true;
}

std::string HeartbeatHandler::lastCallerPath() const {
  MutexLock lock(callers_mutex_);
  return last_caller_path_;
}

Poco::JSON::Array::Ptr HeartbeatHandler::callersJson() const {
  std::vector<Caller> callers;
  {
    MutexLock lock(callers_mutex_);
    for (const auto& [id, caller] : callers_) callers.push_back(caller);
  }
  std::sort(callers.begin(), callers.end(), [](const Caller& a, const Caller& b) {
    return a.last_seen != b.last_seen ? a.last_seen > b.last_seen : a.id < b.id;
  });
  Poco::JSON::Array::Ptr out = sdk::emptyList();
  for (const Caller& caller : callers) {
    Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    item->set("id", caller.id);
    item->set("path", caller.path);
    item->set("last_seen", sdk::formatTime(caller.last_seen));
    if (!caller.agent_id.empty()) item->set("agent_id", caller.agent_id);
    out->add(item);
  }
  return out;
}

Poco::JSON::Object::Ptr HeartbeatHandler::activityJson(bool with_timestamps) const {
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  auto section = [&](const char* name, const ActivityTracker& tracker) {
    Poco::JSON::Array::Ptr entries = tracker.toJson(with_timestamps);
    if (entries->size() != 0) out->set(name, entries);
  };
  section("repos", repos_);
  section("teams", teams_);
  section("workspaces", workspaces_);
  section("agents", agents_);
  return out;
}

}  // namespace oxd::core
