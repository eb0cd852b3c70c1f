// One whisper: what an agent is told (docs/protocol.md#whisperentry), and the attention
// levels that filter it. Plain values: copy and move them between threads freely.
//
// Importance is a small integer scale the attention levels are defined on:
//   0 ambient   (activity summaries)      shown with attention "all"
//   1 normal    (murmurs, nudges, sync)   shown with "all" and "normal" (the default)
//   2 important                          shown with every attention level, "focused" included
//   3 urgent
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace oxd::whisper {

inline constexpr int kImportanceAmbient = 0;
inline constexpr int kImportanceNormal = 1;
inline constexpr int kImportanceImportant = 2;
inline constexpr int kImportanceUrgent = 3;

inline constexpr const char* kLedgerScope = "ledger";
inline constexpr const char* kTeamScope = "team";

// Nanoseconds since the Unix epoch; 0 stands for "none" (no expiry, no cursor).
using Nanos = std::int64_t;

struct WhisperEntry {
  std::string id;
  std::string scope = kLedgerScope;  // kLedgerScope or kTeamScope
  std::string team_id;               // set for team scope only
  std::string source;                // murmur, nudge, activity, sync, manual, …
  std::string agent_id;              // target; "" = every agent
  std::string author_agent_id;       // "" = not an agent (the daemon, a human)
  std::vector<std::string> topics;
  int importance = kImportanceNormal;
  std::string content;
  Nanos created_at = 0;  // unique and increasing within one daemon's stores (StoreSet)
  Nanos expires_at = 0;  // 0 = never
};

// The wire form (docs/protocol.md#whisperentry): optional fields are left out when empty; times are
// RFC 3339 with nanoseconds. `delivered` (an oxd extension for whisper_history of one agent) when
// given.
Poco::JSON::Object::Ptr ToJson(const WhisperEntry& entry, std::optional<bool> delivered = {});

enum class Attention { kAll, kNormal, kFocused };

// "all" | "normal" | "focused"; nullopt for anything else.
std::optional<Attention> ParseAttention(const std::string& text);
int MinimumImportance(Attention attention);

// What one `whispers` call shows an agent. Topics: empty = no topic filter; otherwise an entry
// tagged with topics passes only when one of its topics is asked for, and an untagged entry
// (a nudge, a general murmur) always passes — a topic filter narrows the chatter, it does not
// silence what is meant for everyone.
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
