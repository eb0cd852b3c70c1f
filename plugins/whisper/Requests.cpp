#include "Requests.h"

#include <oxd/json.h>

#include <algorithm>
#include <chrono>

namespace oxd::whisper {

namespace {

bool HasControlCharacter(const std::string& text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

Nanos ParseTimeField(const sdk::Payload& payload, const std::string& key) {
  std::optional<std::string> text = payload.optionalString(key);
  if (!text || text->empty()) return 0;
  std::optional<sdk::Time> time = sdk::parseTime(*text);
  if (!time) throw sdk::BadPayload(key + ": expected an RFC 3339 time, got \"" + *text + "\"");
  return std::chrono::duration_cast<std::chrono::nanoseconds>(time->time_since_epoch()).count();
}

// "critical" | "normal" | "ambient" (the original's names); an integer 0..3 from an older
// client is still read (0 ambient, 1 normal, 2 and 3 critical).
int ParseImportanceField(const sdk::Payload& payload) {
  if (!payload.has("importance")) return kImportanceNormal;
  if (payload.object()->get("importance").isString()) {
    std::string name = *payload.optionalString("importance");
    if (std::optional<int> level = ParseImportance(name)) return *level;
    throw sdk::BadPayload("importance: expected \"critical\", \"normal\" or \"ambient\", got \"" +
                          name + "\"");
  }
  std::int64_t level = *payload.optionalInt("importance");
  if (level < 0 || level > 3) {
    throw sdk::BadPayload("importance: expected \"critical\", \"normal\" or \"ambient\", got " +
                          std::to_string(level));
  }
  return static_cast<int>(std::min<std::int64_t>(level, kImportanceCritical));
}

std::string ShortText(const sdk::Payload& payload, const std::string& key) {
  std::string value = payload.optionalString(key).value_or("");
  if (value.size() > kMaxAgentIdBytes || HasControlCharacter(value)) {
    throw sdk::BadPayload(key + ": at most " + std::to_string(kMaxAgentIdBytes) +
                          " bytes without control characters");
  }
  return value;
}

}  // namespace

void ValidateAgentId(const std::string& field, const std::string& value) {
  if (value.empty()) throw sdk::BadPayload(field + ": required (an agent id such as Oxa7b3)");
  if (value.size() > kMaxAgentIdBytes) {
    throw sdk::BadPayload(field + ": longer than " + std::to_string(kMaxAgentIdBytes) + " bytes");
  }
  if (HasControlCharacter(value)) throw sdk::BadPayload(field + ": contains control characters");
}

void ValidateTopics(const std::string& field, const std::vector<std::string>& topics) {
  if (topics.size() > kMaxTopics) {
    throw sdk::BadPayload(field + ": more than " + std::to_string(kMaxTopics) + " topics");
  }
  for (std::size_t i = 0; i < topics.size(); ++i) {
    const std::string& topic = topics[i];
    std::string where = field + "[" + std::to_string(i) + "]";
    if (topic.empty()) throw sdk::BadPayload(where + ": empty topic");
    if (topic.size() > kMaxTopicBytes) {
      throw sdk::BadPayload(where + ": longer than " + std::to_string(kMaxTopicBytes) + " bytes");
    }
    if (HasControlCharacter(topic)) throw sdk::BadPayload(where + ": contains control characters");
  }
}

WhispersRequest WhispersRequest::Parse(const sdk::Payload& payload) {
  WhispersRequest request;
  request.agent_id = payload.optionalString("agent_id").value_or("");
  ValidateAgentId("agent_id", request.agent_id);
  std::string attention = payload.optionalString("attention").value_or("");
  if (!attention.empty()) {
    std::optional<Attention> parsed = ParseAttention(attention);
    if (!parsed) {
      throw sdk::BadPayload("attention: expected \"all\", \"normal\" or \"focused\", got \"" +
                            attention + "\"");
    }
    request.filter.attention = *parsed;
  }
  request.filter.topics = payload.optionalStrings("topics").value_or(std::vector<std::string>{});
  ValidateTopics("topics", request.filter.topics);
  return request;
}

HistoryRequest HistoryRequest::Parse(const sdk::Payload& payload) {
  HistoryRequest request;
  request.agent_id = payload.optionalString("agent_id").value_or("");
  if (!request.agent_id.empty()) ValidateAgentId("agent_id", request.agent_id);
  request.before = ParseTimeField(payload, "before");
  std::optional<std::int64_t> limit = payload.optionalInt("limit");
  if (limit) {
    if (*limit < 0) {
      throw sdk::BadPayload("limit: expected 0 (the default, 50) to 200, got " +
                            std::to_string(*limit));
    }
    // docs/protocol.md#whisper_history: 0 means the default; more than 200 is clamped (the reply
    // says has_more).
    request.limit = *limit == 0
                        ? kDefaultHistoryLimit
                        : static_cast<int>(std::min<std::int64_t>(*limit, kMaxHistoryLimit));
  }
  return request;
}

PauseRequest PauseRequest::Parse(const sdk::Payload& payload) {
  PauseRequest request;
  request.agent_id = payload.optionalString("agent_id").value_or("");
  ValidateAgentId("agent_id", request.agent_id);
  return request;
}

AddRequest AddRequest::Parse(const sdk::Payload& payload) {
  AddRequest request;
  WhisperEntry& entry = request.entry;
  entry.scope = payload.optionalString("scope").value_or(kLedgerScope);
  if (entry.scope != kLedgerScope && entry.scope != kTeamScope) {
    throw sdk::BadPayload("scope: expected \"ledger\" or \"team\", got \"" + entry.scope + "\"");
  }
  entry.team_id = payload.optionalString("team_id").value_or("");
  if (entry.scope == kTeamScope && entry.team_id.empty()) {
    throw sdk::BadPayload("team_id: required for scope \"team\"");
  }
  if (entry.scope == kLedgerScope && !entry.team_id.empty()) {
    throw sdk::BadPayload("team_id: only for scope \"team\"");
  }
  entry.source = payload.optionalString("source").value_or("manual");
  if (entry.source.empty() || entry.source.size() > 32 ||
      !std::all_of(entry.source.begin(), entry.source.end(),
                   [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; })) {
    throw sdk::BadPayload("source: expected 1-32 of a-z and _, got \"" + entry.source + "\"");
  }
  entry.agent_id = payload.optionalString("agent_id").value_or("");
  if (!entry.agent_id.empty()) ValidateAgentId("agent_id", entry.agent_id);
  entry.author_agent_id = payload.optionalString("author_agent_id").value_or("");
  if (!entry.author_agent_id.empty()) ValidateAgentId("author_agent_id", entry.author_agent_id);
  // One topic, as in the original; an older client's `topics` list gives its first.
  entry.topic = payload.optionalString("topic").value_or("");
  if (!payload.has("topic")) {
    std::vector<std::string> topics =
        payload.optionalStrings("topics").value_or(std::vector<std::string>{});
    ValidateTopics("topics", topics);
    if (!topics.empty()) entry.topic = topics.front();
  }
  if (!entry.topic.empty()) ValidateTopics("topic", {entry.topic});
  entry.importance = ParseImportanceField(payload);
  entry.principal_id = ShortText(payload, "principal_id");
  entry.principal_type = ShortText(payload, "principal_type");
  if (Poco::JSON::Object::Ptr metadata = payload.optionalObject("metadata")) {
    for (const auto& [key, value] : *metadata) {
      if (!value.isString()) throw sdk::BadPayload("metadata." + key + ": expected string");
      entry.metadata[key] = value.convert<std::string>();
    }
  }
  entry.content = payload.optionalString("content").value_or("");
  if (entry.content.empty()) throw sdk::BadPayload("content: required");
  if (entry.content.size() > kMaxContentBytes) {
    throw sdk::BadPayload("content: longer than " + std::to_string(kMaxContentBytes) + " bytes");
  }
  entry.expires_at = ParseTimeField(payload, "expires_at");
  request.murmur_id = payload.optionalString("murmur_id").value_or("");
  if (!request.murmur_id.empty() &&
      (request.murmur_id.size() > 128 || request.murmur_id.find('/') != std::string::npos)) {
    throw sdk::BadPayload("murmur_id: 1-128 bytes without '/'");
  }
  return request;
}

}  // namespace oxd::whisper
