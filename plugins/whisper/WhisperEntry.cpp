#include "WhisperEntry.h"

#include <oxd/json.h>

#include <Poco/JSON/Array.h>

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

Poco::JSON::Object::Ptr ToJson(const WhisperEntry& entry, std::optional<bool> delivered) {
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(true);
  out->set("id", entry.id);
  out->set("scope", entry.scope);
  if (!entry.team_id.empty()) out->set("team_id", entry.team_id);
  out->set("source", entry.source);
  if (!entry.agent_id.empty()) out->set("agent_id", entry.agent_id);
  if (!entry.author_agent_id.empty()) out->set("author_agent_id", entry.author_agent_id);
  Poco::JSON::Array::Ptr topics = new Poco::JSON::Array;
  for (const std::string& topic : entry.topics) topics->add(topic);
  out->set("topics", topics);
  out->set("importance", entry.importance);
  out->set("content", entry.content);
  out->set("created_at", FormatNanos(entry.created_at));
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
      return kImportanceImportant;
  }
  return kImportanceNormal;
}

bool DeliveryFilter::Passes(const WhisperEntry& entry) const {
  if (entry.importance < MinimumImportance(attention)) return false;
  if (topics.empty() || entry.topics.empty()) return true;
  return std::any_of(entry.topics.begin(), entry.topics.end(), [&](const std::string& topic) {
    return std::find(topics.begin(), topics.end(), topic) != topics.end();
  });
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
