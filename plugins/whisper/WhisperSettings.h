// The [whisper] config keys (README: Config keys; kWhisperKeys is the descriptor's table), read
// once at start. Invalid values make start() fail with a line naming the key.
#pragma once

#include <oxd/descriptor.h>

#include <Poco/Util/AbstractConfiguration.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace oxd::whisper {

inline constexpr sdk::ConfigKey kWhisperKeys[] = {
    {.name = "retention",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "7d",
     .min = "1ms",
     .help = "whispers older than this are pruned (daily and by doctor)"},
    {.name = "max_store_size",
     .kind = sdk::ConfigKind::ByteSize,
     .default_value = "64MB",
     .help = "byte cap of each store; the oldest whispers go first (0 = none)"},
    {.name = "relay_window",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "24h",
     .help = "murmur files created within this window are relayed after a pull"},
    {.name = "new_agent_backlog",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "24h",
     .help = "an agent's first whispers call also gets what came this recently"},
    {.name = "nudge_interval",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "30m",
     .help = "nudge an active agent that has not murmured for this long (0 = off)"},
    {.name = "nudge_min_interval",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "10m",
     .help = "smallest nudge_interval accepted (lower it only for tests)"},
    {.name = "activity_interval",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "15m",
     .help = "how often an activity summary may be whispered (0 = off)"},
    {.name = "maintenance_interval",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "24h",
     .min = "1ms",
     .help = "how often stores are pruned, capped and checked"},
    {.name = "file_change_interval",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "10m",
     .help = "how often settled project changes (files.changed) become one murmur (0 = off)"},
};

// Defaults: kWhisperKeys.
struct WhisperSettings {
  std::chrono::nanoseconds retention{};
  std::int64_t max_store_bytes = 0;  // 0 = no cap
  std::chrono::nanoseconds relay_window{};
  std::chrono::nanoseconds new_agent_backlog{};
  std::chrono::nanoseconds nudge_interval{};     // 0 = no nudges
  std::chrono::nanoseconds activity_interval{};  // 0 = no summaries
  std::chrono::nanoseconds maintenance_interval{};
  std::chrono::nanoseconds file_change_interval{};  // 0 = off
};

// Throws std::invalid_argument("whisper.<key>: …").
WhisperSettings ReadWhisperSettings(const Poco::Util::AbstractConfiguration& config);

}  // namespace oxd::whisper
