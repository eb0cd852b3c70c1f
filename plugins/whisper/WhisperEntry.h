// One whisper: what an agent is told (docs/protocol.md#whisperentry), and the attention
// levels that filter it. Plain values: copy and move them between threads freely.
//
// Importance is the original's three-level enum, kept as a small integer so entries sort and
// filter by it (the wire carries the name):
//   0 "ambient"  (activity summaries)      shown with attention "all"
//   1 "normal"   (murmurs, nudges, sync)   shown with "all" and "normal" (the default)
//   2 "critical"                           shown with every attention level, "focused" included
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace oxd::whisper {

inline constexpr int kImportanceAmbient = 0;
inline constexpr int kImportanceNormal = 1;
inline constexpr int kImportanceCritical = 2;

// "ambient" | "normal" | "critical" for 0..2 (out of range values are clamped).
const char* ImportanceName(int importance);
// The reverse; nullopt for any other text.
std::optional<int> ParseImportance(const std::string& name);

// The original's WhisperType: "structural" | "time-based" | "trigger".
inline constexpr const char* kTypeStructural = "structural";
inline constexpr const char* kTypeTimeBased = "time-based";
inline constexpr const char* kTypeTrigger = "trigger";
// The type an entry of `source` has when nobody said: nudges and activity summaries are
// time-based, murmurs and sync news arrive with a sync (trigger), anything else is structural.
std::string TypeForSource(const std::string& source);

inline constexpr const char* kLedgerScope = "ledger";
inline constexpr const char* kGeneralTopic = "general";
inline constexpr const char* kTeamScope = "team";

// Nanoseconds since the Unix epoch; 0 stands for "none" (no expiry, no cursor).
using Nanos = std::int64_t;

struct WhisperEntry {
  std::string id;
  std::string scope = kLedgerScope;  // kLedgerScope or kTeamScope
  std::string team_id;               // set for team scope only
  std::string type;                  // kType…; "" = TypeForSource(source)
  std::string source;                // murmur, nudge, activity, sync, manual, …
  std::string agent_id;              // target; "" = every agent
  std::string author_agent_id;       // "" = not an agent (the daemon, a human)
  std::string topic;                 // one free-form slug; "" = none
  int importance = kImportanceNormal;
  std::string content;
  std::string principal_id;    // who the author works for (a murmur's principal); may be empty
  std::string principal_type;  // "human" for now; may be empty
  std::map<std::string, std::string> metadata;  // e.g. a murmur's {"files": "a.cc,b.h"}
  Nanos created_at = 0;  // unique and increasing within one daemon's stores (StoreSet)
  Nanos expires_at = 0;  // 0 = never
};

// The wire form, the original's WhisperEntry (docs/protocol.md#whisperentry): {id, scope, type,
// source, topic, content, importance: "critical"|"normal"|"ambient", created_at, agent_id?,
// principal_id?, principal_type?, team_id?, metadata?}. `agent_id` is the agent the entry is
// about, as in the original: its target when it has one, else its author (a murmur's speaker).
// oxd's extras, each only when set: author_agent_id, expires_at, and `delivered` (whisper_history
// of one agent). Times are RFC 3339 with nanoseconds.
Poco::JSON::Object::Ptr ToJson(const WhisperEntry& entry, std::optional<bool> delivered = {});

enum class Attention { kAll, kNormal, kFocused };

// "all" | "normal" | "focused"; nullopt for anything else.
std::optional<Attention> ParseAttention(const std::string& text);
int MinimumImportance(Attention attention);

// What one `whispers` call shows an agent. Topics: empty = no topic filter; otherwise an entry
// with a topic passes only when its topic is asked for, and an entry without one (a nudge) or
// with the murmurs' default "general" always passes — a topic filter narrows the chatter, it does
// not silence what is meant for everyone.
struct DeliveryFilter {
  Attention attention = Attention::kNormal;
  std::vector<std::string> topics;

  bool Passes(const WhisperEntry& entry) const;
};

// Sort orders. Delivery: importance descending, then oldest first. History: newest first;
// entries of different stores with one created_at (impossible within one daemon, see StoreSet)
// are ordered by scope and team id so pages stay stable.
bool DeliveryOrder(const WhisperEntry& a, const WhisperEntry& b);
bool HistoryOrder(const WhisperEntry& a, const WhisperEntry& b);

Nanos NowNanos();
std::string FormatNanos(Nanos nanos);

}  // namespace oxd::whisper
