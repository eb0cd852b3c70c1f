// The [whisper] config keys (README: Config keys), read once at start. Invalid values make
// start() fail with a line naming the key.
#pragma once

#include <Poco/Util/AbstractConfiguration.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace oxd::whisper {

struct WhisperSettings {
  std::chrono::nanoseconds retention{std::chrono::hours(24 * 7)};
  std::int64_t max_store_bytes = 64LL << 20;
  std::chrono::nanoseconds relay_window{std::chrono::hours(24)};
  std::chrono::nanoseconds new_agent_backlog{std::chrono::hours(24)};
  std::chrono::nanoseconds nudge_interval{std::chrono::minutes(30)};     // 0 = no nudges
  std::chrono::nanoseconds activity_interval{std::chrono::minutes(15)};  // 0 = no summaries
  std::chrono::nanoseconds maintenance_interval{std::chrono::hours(24)};
  std::chrono::nanoseconds file_change_interval{std::chrono::minutes(10)};  // 0 = off
};

// Throws std::invalid_argument("whisper.<key>: …").
WhisperSettings ReadWhisperSettings(const Poco::Util::AbstractConfiguration& config);

}  // namespace oxd::whisper
