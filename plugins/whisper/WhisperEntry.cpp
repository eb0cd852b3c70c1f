#include "WhisperEntry.h"

#include <oxd/json.h>

#include <algorithm>
#include <chrono>
#include <tuple>

namespace oxd::whisper {

Nanos NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatNanos(Nanos nanos) {
  return sdk::formatTime(
      sdk::Time{std::chrono::duration_cast<sdk::Time::duration>(std::chrono::nanoseconds(nanos))});
}

const char* ImportanceName(int importance) {
  if (importance <= kImportanceAmbient) return "ambient";
  if (importance >= kImportanceCritical) return "critical";
  return "normal";
}

std::optional<int> ParseImportance(const std::string& name) {
  if (name == "ambient") return kImportanceAmbient;
  if (name == "normal") return kImportanceNormal;
  if (name == "critical") return kImportanceCritical;
  return std::nullopt;
}

std::string TypeForSource(const std::string& source) {
  if (source == "nudge" || source == "activity") return kTypeTimeBased;
  if (source == "murmur" || source == "sync") return kTypeTrigger;
  return kTypeStructural;
}

Poco::JSON::Object::Ptr ToJson(const WhisperEntry& entry, std::optional<bool> delivered) {
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(true);
  out->set("id", entry.id);
  out->set("scope", entry.scope);
  out->set("type", entry.type.empty() ? TypeForSource(entry.source) : entry.type);
  out->set("source", entry.source);
  out->set("topic", entry.topic);
  out->set("content", entry.content);
  out->set("importance", std::string(ImportanceName(entry.importance)));
  out->set("created_at", FormatNanos(entry.created_at));
  const std::string& about = entry.agent_id.empty() ? entry.author_agent_id : entry.agent_id;
  if (!about.empty()) out->set("agent_id", about);
  if (!entry.principal_id.empty()) out->set("principal_id", entry.principal_id);
  if (!entry.principal_type.empty()) out->set("principal_type", entry.principal_type);
  if (!entry.team_id.empty()) out->set("team_id", entry.team_id);
  if (!entry.metadata.empty()) {
    Poco::JSON::Object::Ptr metadata = new Poco::JSON::Object(true);
    for (const auto& [key, value] : entry.metadata) metadata->set(key, value);
    out->set("metadata", metadata);
  }
  // oxd's extras: a client of the original ignores them.
  if (!entry.author_agent_id.empty()) out->set("author_agent_id", entry.author_agent_id);
  if (entry.expires_at != 0) out->set("expires_at", FormatNanos(entry.expires_at));
  if (delivered) out->set("delivered", *delivered);
  return out;
}

std::optional<Attention> ParseAttention(const std::string& text) {
  if (text == "all") return Attention::kAll;
  if (text == "normal") return Attention::kNormal;
  if (text == "focused") return Attention::kFocused;
  return std::nullopt;
}

int MinimumImportance(Attention attention) {
  switch (attention) {
    case Attention::kAll:
      return kImportanceAmbient;
    case Attention::kNormal:
      return kImportanceNormal;
    case Attention::kFocused:
      return kImportanceCritical;
  }
  return kImportanceNormal;
}

bool DeliveryFilter::Passes(const WhisperEntry& entry) const {
  if (entry.importance < MinimumImportance(attention)) return false;
  if (topics.empty() || entry.topic.empty() || entry.topic == kGeneralTopic) return true;
  return std::find(topics.begin(), topics.end(), entry.topic) != topics.end();
}

bool DeliveryOrder(const WhisperEntry& a, const WhisperEntry& b) {
  return std::tuple(-a.importance, a.created_at, a.scope, a.team_id) <
         std::tuple(-b.importance, b.created_at, b.scope, b.team_id);
}

bool HistoryOrder(const WhisperEntry& a, const WhisperEntry& b) {
  return std::tuple(a.created_at, a.scope, a.team_id) >
         std::tuple(b.created_at, b.scope, b.team_id);
}

}  // namespace oxd::whisper
