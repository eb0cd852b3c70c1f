// Commands that carry a message: send (any type, raw) and heartbeat (one-way, from hooks).

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "common/DaemonRegistry.h"
#include "oxctl/AutoStart.h"
#include "oxctl/Cli.h"
#include "oxctl/Output.h"
#include "oxctl/Progress.h"

namespace oxd::cli {
namespace {

// docs/protocol.md#one-way-messages: the daemon writes nothing back, so waiting for a reply would
// only run into the timeout.
constexpr std::array<std::string_view, 9> kOneWayTypes{"heartbeat",
                                                       "telemetry",
                                                       "friction",
                                                       "session_finalize",
                                                       "murmur",
                                                       "murmur_pause",
                                                       "murmur_resume",
                                                       "session_watch_start",
                                                       "session_watch_stop"};

bool isOneWay(std::string_view type) {
  return std::find(kOneWayTypes.begin(), kOneWayTypes.end(), type) != kOneWayTypes.end();
}

nlohmann::json parsePayload(std::string_view text, std::string_view where) {
  nlohmann::json payload = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (payload.is_discarded()) throw UsageError(std::string(where) + ": not valid JSON");
  if (!payload.is_object())
    throw UsageError(std::string(where) + ": the payload must be a JSON object");
  return payload;
}

std::string readStandardInput() {
  std::string text;
  char chunk[16 * 1024];
  for (;;) {
    ssize_t got = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (got == 0) return text;
    if (got < 0) {
      if (errno == EINTR) continue;
      throw CommandError("cannot read stdin");
    }
    text.append(chunk, static_cast<std::size_t>(got));
    if (text.size() > ipc::IpcClient::kMaxLine) throw UsageError("--stdin: payload over 1 MiB");
  }
}

struct StringField {
  std::string_view option;
  const char* key;
};

constexpr std::array<StringField, 8> kHeartbeatStrings{{
    {"--agent-id", "agent_id"},
    {"--agent-type", "agent_type"},
    {"--parent-agent-id", "parent_agent_id"},
    {"--repo-path", "repo_path"},
    {"--caller-path", "caller_path"},
    {"--cli-version", "cli_version"},
    {"--command-name", "command_name"},
    {"--workspace-id", "workspace_id"},
}};

// The fields of the credentials object (docs/protocol.md#heartbeat).
constexpr std::array<StringField, 5> kCredentialStrings{{
    {"--token", "token"},
    {"--server-url", "server_url"},
    {"--auth-token", "auth_token"},
    {"--user-email", "user_email"},
    {"--user-id", "user_id"},
}};

// The daemon drops a heartbeat whose times do not parse; catching it here tells the caller.
std::optional<std::string> timeOption(const Invocation& invocation, std::string_view option) {
  std::optional<std::string> text = invocation.value(option);
  if (text && !registry::DaemonRegistry::parseTime(*text)) {
    throw UsageError(std::string(option) + ": expected an RFC 3339 time like " +
                     "2025-01-31T12:00:00Z, got '" + *text + "'");
  }
  return text;
}

void addCredentials(const Invocation& invocation, nlohmann::json& payload) {
  nlohmann::json credentials = nlohmann::json::object();
  if (auto found = payload.find("credentials"); found != payload.end() && found->is_object()) {
    credentials = *found;
  }
  bool given = false;
  for (const StringField& field : kCredentialStrings) {
    if (auto value = invocation.value(field.option)) {
      credentials[field.key] = *value;
      given = true;
    }
  }
  if (auto expires = timeOption(invocation, "--expires-at")) {
    credentials["expires_at"] = *expires;
    given = true;
  }
  if (given) payload["credentials"] = std::move(credentials);
}

// The process a heartbeat speaks for: our parent, unless that is a shell running the hook (it
// exits as soon as the hook is done); then the shell's parent, the agent that ran the hook.
long agentProcess() {
  pid_t parent = ::getppid();
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(parent));
  std::FILE* file = std::fopen(path, "re");
  if (!file) return parent;
  char text[512] = {};
  std::size_t length = std::fread(text, 1, sizeof text - 1, file);
  std::fclose(file);
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read from the last ')'.
  std::string_view stat(text, length);
  std::size_t open = stat.find('('), close = stat.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return parent;
  std::string_view name = stat.substr(open + 1, close - open - 1);
  constexpr std::array<std::string_view, 6> kShells{"sh", "bash", "dash", "zsh", "ksh", "fish"};
  if (std::find(kShells.begin(), kShells.end(), name) == kShells.end()) return parent;
  long grandparent = 0;
  if (std::sscanf(text + close + 1, " %*c %ld", &grandparent) != 1 || grandparent <= 1)
    return parent;
  return grandparent;
}

nlohmann::json heartbeatPayload(Invocation& invocation) {
  nlohmann::json payload = invocation.has("--stdin") ? parsePayload(readStandardInput(), "--stdin")
                                                     : nlohmann::json::object();
  for (const StringField& field : kHeartbeatStrings) {
    if (auto value = invocation.value(field.option)) payload[field.key] = *value;
  }
  if (auto teams = invocation.values("--team-id"); !teams.empty()) payload["team_ids"] = teams;
  if (auto pid = invocation.integer("--parent-pid", 1, std::numeric_limits<int>::max())) {
    payload["parent_pid"] = *pid;
  }
  if (auto tokens =
          invocation.integer("--context-tokens", 0, std::numeric_limits<std::int64_t>::max())) {
    payload["context_tokens"] = *tokens;
  }
  if (auto timestamp = timeOption(invocation, "--timestamp")) payload["timestamp"] = *timestamp;
  addCredentials(invocation, payload);
  // Without flags, what the original's CLI sends too: its own version, so the daemon restarts
  // into an upgrade (docs/architecture.md#upgrades), and the agent's process, so a dead agent
  // shows as exited (docs/behavior.md#instances).
  if (!payload.contains("cli_version")) payload["cli_version"] = OXD_VERSION;
  if (!payload.contains("parent_pid")) payload["parent_pid"] = agentProcess();
  if (!payload.contains("agent_id")) {
    if (const char* agent = std::getenv("OXD_AGENT_ID"); agent && *agent)
      payload["agent_id"] = agent;
  }
  // What the reference CLI always sends: the daemon tracks workspaces and repos by these.
  if (!payload.contains("workspace_id")) payload["workspace_id"] = invocation.workspaceId();
  if (!payload.contains("repo_path")) payload["repo_path"] = invocation.root().string();
  return payload;
}

}  // namespace

int runSend(Invocation& invocation) {
  const std::string& type = invocation.positional[0];
  std::optional<nlohmann::json> payload;
  if (invocation.positional.size() > 1) payload = parsePayload(invocation.positional[1], "send");
  nlohmann::json message = invocation.message(type, std::move(payload));

  if (invocation.has("--one-way") || isOneWay(type)) {
    deliverOneWay(invocation, message);
    return kExitOk;
  }
  ipc::IpcClient client = invocation.client();
  ProgressRenderer progress(ProgressRenderer::chooseMode(invocation.json));
  nlohmann::json reply =
      client.request(message, kRequestIdleTimeout,
                     [&](const nlohmann::json& progress_line) { progress.show(progress_line); });
  progress.finish();
  if (invocation.json) printOut(reply.dump());
  const nlohmann::json& data = requireSuccess(reply);
  if (!invocation.json && !data.is_null()) printOut(data.dump(2));
  return kExitOk;
}

int runHeartbeat(Invocation& invocation) {
  nlohmann::json payload = heartbeatPayload(invocation);
  deliverOneWay(invocation, invocation.message("heartbeat", std::move(payload)));
  return kExitOk;
}

}  // namespace oxd::cli
