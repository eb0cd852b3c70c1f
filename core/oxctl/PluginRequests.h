#pragma once
// Requests to a plugin's message types: a plain one, and a streaming one (sync, checkout, gc,
// index) whose progress lines the shared renderer (Progress.h) draws while the reply is awaited.
// Both turn "unknown message type" (no such plugin loaded) into a CommandError that says so.

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oxctl/Cli.h"
#include "oxctl/Progress.h"

namespace oxd::cli {

// What the host answers for a type no loaded plugin handles (core/ipc/Protocol.h; oxctl does not
// link the daemon's protocol code).
inline constexpr std::string_view kUnknownMessageType = "unknown message type";

// `missing`: what to say when the daemon does not know `type`, e.g. "this daemon has no whisper
// plugin". Returns the reply (success or not).
nlohmann::json requestPlugin(Invocation& invocation, std::string_view type,
                             std::optional<nlohmann::json> payload, std::string_view missing);

struct Streamed {
  nlohmann::json reply;
  bool stage_failed = false;  // a progress line had the stage `error` (e.g. one team context)
};

// `missing`: as for requestPlugin. `is_outcome`:
// stages that tell how a part ended; on a terminal, where the bar is erased at the end, those
// lines are printed again below it. With --json the reply is printed as received.
Streamed streamRequest(Invocation& invocation, std::string_view type,
                       std::optional<nlohmann::json> payload, std::string_view missing,
                       const std::function<bool(const std::string& stage)>& is_outcome = {});

// A reply field for a plain-text view: the string, or "-" when absent, empty or not a string.
std::string fieldText(const nlohmann::json& data, const char* key);
// A number field as text ("0" when absent or not a number).
std::string fieldNumber(const nlohmann::json& data, const char* key);

}  // namespace oxd::cli
