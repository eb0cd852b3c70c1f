// The payloads of the plugin's messages, parsed and validated once at the edge (README:
// Messages). Every Parse throws sdk::BadPayload naming the field; the host answers
// {"success":false,"error":"invalid payload: <field>: <problem>"}.
#pragma once

#include <oxd/payload.h>

#include <string>

#include "WhisperEntry.h"

namespace oxd::whisper {

inline constexpr int kDefaultHistoryLimit = 50;
inline constexpr int kMaxHistoryLimit = 200;
inline constexpr std::size_t kMaxAgentIdBytes = 128;
inline constexpr std::size_t kMaxTopics = 32;
inline constexpr std::size_t kMaxTopicBytes = 64;
inline constexpr std::size_t kMaxContentBytes = 16 * 1024;

struct WhispersRequest {
  std::string agent_id;
  DeliveryFilter filter;
  static WhispersRequest Parse(const sdk::Payload& payload);
};

struct HistoryRequest {
  std::string agent_id;  // "" = every agent
  Nanos before = 0;      // 0 = from the newest
  int limit = kDefaultHistoryLimit;
  static HistoryRequest Parse(const sdk::Payload& payload);
};

struct PauseRequest {
  std::string agent_id;
  static PauseRequest Parse(const sdk::Payload& payload);
};

// whisper_add: an acknowledged write (README: why it exists).
struct AddRequest {
  WhisperEntry entry;     // scope/team_id say which store
  std::string murmur_id;  // non-empty: also mark this murmur relayed (oxctl murmur)
  static AddRequest Parse(const sdk::Payload& payload);
};

// Agent ids: 1..128 bytes, no control characters. Throws BadPayload("<field>: …").
void ValidateAgentId(const std::string& field, const std::string& value);
void ValidateTopics(const std::string& field, const std::vector<std::string>& topics);

}  // namespace oxd::whisper
