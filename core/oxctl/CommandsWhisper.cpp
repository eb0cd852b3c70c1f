// The whisper plugin's commands: `whispers` (pending whispers of an agent, or --history) and
// `murmur` (tell teammates what an agent is doing; pause|resume its nudges). Formats and
// decisions: plugins/whisper/README.md.

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "common/Base64.h"
#include "oxctl/Cli.h"
#include "oxctl/Output.h"
#include "oxctl/PluginRequests.h"

namespace oxd::cli {
namespace {

constexpr std::string_view kNoWhisperPlugin = "this daemon has no whisper plugin";

nlohmann::json requestWhisper(Invocation& invocation, std::string_view type,
                              nlohmann::json payload) {
  return requestPlugin(invocation, type, std::move(payload), kNoWhisperPlugin);
}

std::string textField(const nlohmann::json& entry, const char* key) {
  auto found = entry.find(key);
  return found != entry.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// "[2026-11-23T14:03:11+01:00] murmur Oxa7b3 (parser) !critical: text". The entry is the
// original's shape (docs/protocol.md#whisperentry): agent_id is the agent the entry is about, its
// author when author_agent_id says the same; importance is shown unless normal.
std::string entryLine(const nlohmann::json& entry, bool with_delivery) {
  std::string line = "[" + textField(entry, "created_at") + "] " + textField(entry, "source");
  std::string author = textField(entry, "author_agent_id");
  std::string about = textField(entry, "agent_id");
  if (!author.empty()) line += " " + author;
  if (!about.empty() && about != author) line += " -> " + about;
  if (std::string topic = textField(entry, "topic"); !topic.empty()) line += " (" + topic + ")";
  std::string importance = textField(entry, "importance");
  if (!importance.empty() && importance != "normal") line += " !" + importance;
  if (with_delivery && entry.contains("delivered")) {
    line += entry.value("delivered", false) ? " [delivered]" : " [pending]";
  }
  return line + ": " + entry.value("content", "");
}

int runHistoryView(Invocation& invocation) {
  nlohmann::json payload = {{"agent_id", invocation.value("--agent").value_or("")}};
  if (auto before = invocation.value("--before")) payload["before"] = *before;
  if (auto limit = invocation.integer("--limit", 1, 200)) payload["limit"] = *limit;
  nlohmann::json reply = requestWhisper(invocation, "whisper_history", payload);
  if (invocation.json) printOut(reply.dump());
  const nlohmann::json& data = requireSuccess(reply);
  if (invocation.json) return kExitOk;
  const nlohmann::json entries = data.value("entries", nlohmann::json::array());
  if (entries.empty()) printOut("no whispers");
  for (const auto& entry : entries) printOut(entryLine(entry, true));
  if (data.value("has_more", false)) {
    printOut(
        "more: oxctl whispers --history --before " + data.value("next_cursor", "") +
        (payload["agent_id"] == "" ? "" : " --agent " + payload["agent_id"].get<std::string>()));
  }
  return kExitOk;
}

// --- murmur files: the original's layout and schema (plugins/whisper/MurmurFile.h) ----------

struct UtcStamp {
  std::string rfc3339;  // 2026-11-23T14:03:11.123456789Z
  std::string date;     // 2026-11-23
  std::string hour;     // 14
  std::int64_t unix_ms = 0;
};

UtcStamp utcNow() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  std::time_t seconds = static_cast<std::time_t>(nanos / 1'000'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char date[16], hour[8], time[16], fraction[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", &utc);
  std::strftime(hour, sizeof hour, "%H", &utc);
  std::strftime(time, sizeof time, "%H:%M:%S", &utc);
  std::snprintf(fraction, sizeof fraction, ".%09lld",
                static_cast<long long>(nanos % 1'000'000'000));
  return {std::string(date) + "T" + time + fraction + "Z", date, hour, nanos / 1'000'000};
}

// A UUIDv7 (RFC 9562 §5.7) as the original names its murmurs: 48 bits of Unix milliseconds,
// version 7, variant 10, random bits. (The whisper plugin has the same in its UuidV7.h; the CLI
// and the plugins share no code but the SDK.)
std::string uuidV7(std::int64_t unix_ms) {
  std::random_device device;
  auto random64 = [&] { return (static_cast<std::uint64_t>(device()) << 32) | device(); };
  std::uint64_t high = ((static_cast<std::uint64_t>(unix_ms) & 0xFFFFFFFFFFFFull) << 16) | 0x7000 |
                       (random64() & 0x0FFF);
  std::uint64_t low = (random64() & 0x3FFFFFFFFFFFFFFFull) | (1ull << 63);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    std::uint64_t word = i < 16 ? high : low;
    out += kHex[(word >> (60 - 4 * (i % 16))) & 0xF];
  }
  return out;
}

std::string speakingAgent(Invocation& invocation) {
  if (auto agent = invocation.value("--agent")) return *agent;
  if (const char* agent = std::getenv("OXD_AGENT_ID"); agent && *agent) return agent;
  throw UsageError("murmur: --agent ID (or OXD_AGENT_ID) must name the agent that speaks");
}

// The ledger checkout, or the team context --team names, as the sync plugin reports it.
std::string murmurCheckout(Invocation& invocation, const std::string& team) {
  nlohmann::json status = requireSuccess(
      invocation.client().request(invocation.message("status"), kRequestIdleTimeout));
  nlohmann::json workspaces = status.value("workspaces", nlohmann::json::object());
  nlohmann::json repos =
      workspaces.value(team.empty() ? "ledger" : "team-context", nlohmann::json::array());
  for (const auto& repo : repos) {
    if (!team.empty() && repo.value("id", "") != team) continue;
    if (repo.value("exists", false)) return repo.value("path", "");
  }
  throw CommandError(team.empty()
                         ? "no ledger checkout to murmur into (oxctl status shows the ledger)"
                         : "no checkout of team context " + team + " to murmur into");
}

int runMurmurPause(Invocation& invocation, bool pause) {
  auto agent = invocation.value("--agent");
  if (!agent)
    throw UsageError(std::string("murmur ") + (pause ? "pause" : "resume") +
                     ": --agent ID is required");
  nlohmann::json reply =
      requestWhisper(invocation, pause ? "murmur_pause" : "murmur_resume", {{"agent_id", *agent}});
  if (invocation.json) printOut(reply.dump());
  requireSuccess(reply);
  if (!invocation.json) {
    printOut(pause ? "murmur nudges paused for " + *agent : "murmur nudges resumed for " + *agent);
  }
  return kExitOk;
}

}  // namespace

int runWhispers(Invocation& invocation) {
  if (invocation.has("--history")) return runHistoryView(invocation);
  if (invocation.has("--before") || invocation.has("--limit")) {
    throw UsageError("whispers: --before and --limit go with --history");
  }
  auto agent = invocation.value("--agent");
  if (!agent) throw UsageError("whispers: --agent ID is required (or --history)");
  nlohmann::json payload = {{"agent_id", *agent}};
  if (auto attention = invocation.value("--attention")) payload["attention"] = *attention;
  std::vector<std::string> topics = invocation.values("--topic");
  if (!topics.empty()) payload["topics"] = topics;
  nlohmann::json reply = requestWhisper(invocation, "whispers", payload);
  if (invocation.json) printOut(reply.dump());
  const nlohmann::json& data = requireSuccess(reply);
  if (invocation.json) return kExitOk;
  for (const auto& entry : data.value("entries", nlohmann::json::array())) {
    printOut(entryLine(entry, false));
  }
  return kExitOk;
}

int runMurmur(Invocation& invocation) {
  const std::string& first = invocation.positional[0];
  if (invocation.positional.size() == 1 && (first == "pause" || first == "resume")) {
    return runMurmurPause(invocation, first == "pause");
  }
  if (invocation.positional.size() != 1) {
    throw UsageError("murmur: one TEXT (quote it), or pause|resume --agent ID");
  }
  const std::string& text = first;
  if (text.empty()) throw UsageError("murmur: TEXT is empty");
  std::string agent = speakingAgent(invocation);
  std::string team = invocation.value("--team").value_or("");
  std::vector<std::string> topics = invocation.values("--topic");
  if (topics.size() > 1) throw UsageError("murmur: one --topic (a murmur has one topic)");
  std::string topic = topics.empty() || topics.front().empty() ? "general" : topics.front();
  std::string importance = invocation.value("--importance").value_or("normal");
  if (importance != "critical" && importance != "normal" && importance != "ambient") {
    throw UsageError("murmur: --importance: expected critical, normal or ambient, got '" +
                     importance + "'");
  }
  std::string checkout = murmurCheckout(invocation, team);

  UtcStamp stamp = utcNow();
  std::string id = uuidV7(stamp.unix_ms);
  // The original's MurmurFile, field for field (schema_version "1"), so its relay reads it.
  nlohmann::ordered_json file = {
      {"schema_version", "1"}, {"id", id}, {"timestamp", stamp.rfc3339}, {"agent_id", agent}};
  if (const char* type = std::getenv("OXD_AGENT_TYPE"); type && *type) file["agent_type"] = type;
  file["topic"] = topic;
  file["importance"] = importance;
  file["content"] = text;
  file["scope"] = team.empty() ? "ledger" : "team";
  // Local coworkers hear it at once, and the relay will not echo it back after a pull.
  nlohmann::json local = {{"source", "murmur"}, {"author_agent_id", agent}, {"content", text},
                          {"topic", topic},     {"importance", importance}, {"murmur_id", id}};
  if (!team.empty()) {
    local["scope"] = "team";
    local["team_id"] = team;
  }
  requireSuccess(requestWhisper(invocation, "whisper_add", local));
  // Teammates hear it through git: the sync plugin writes, commits and pushes the file.
  nlohmann::json murmur = {
      {"target_dir", checkout},
      {"content", text},
      {"rel_path", "data/murmurs/" + stamp.date + "/" + stamp.hour + "/" + id + ".json"},
      {"murmur_json", encoding::base64Encode(file.dump())}};
  // Exit 0 promises the murmur reaches the remote: with "confirm" the daemon answers once it has
  // the murmur in its spool on disk (docs/reliability.md#murmurs).
  nlohmann::json message = invocation.message("murmur", murmur);
  message["confirm"] = true;
  requireSuccess(invocation.client().request(message, kMurmurConfirmTimeout));
  if (invocation.json) {
    printOut(nlohmann::json{{"id", id}, {"rel_path", murmur["rel_path"]}}.dump());
  } else {
    printOut("murmured as " + agent + ": " + text);
  }
  return kExitOk;
}

}  // namespace oxd::cli
