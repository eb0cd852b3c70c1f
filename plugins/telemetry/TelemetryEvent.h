// One telemetry event as ox defines it ({uuid, ts, tslocal, event, props}), plus the sequence
// number the ring and the exporters use to know what each exporter has delivered.
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace oxd::telemetry {

struct TelemetryEvent {
  std::uint64_t seq = 0;   // set by the ring, increasing
  std::string uuid;        // v4
  std::int64_t ts_ms = 0;  // Unix milliseconds; ox's "tslocal" is written from it when sent
  std::string name;        // "app:startup", "sync:complete", or what a hook sent
  // The props as JSON text: a ring of 500 parsed objects costs about twice the memory
  // (tests/bench/README.md), and the text is what ox's format sends anyway.
  std::string props_json = "{}";

  Poco::JSON::Object::Ptr props() const;

  // ox's event object: {"uuid", "ts", "tslocal", "event", "props"}.
  Poco::JSON::Object::Ptr toJson() const;
};

// A new event stamped now, with a fresh UUIDv4.
TelemetryEvent NewEvent(std::string name, Poco::JSON::Object::Ptr props,
                        std::chrono::system_clock::time_point now);
// The same with the props already as JSON text (an object).
TelemetryEvent NewEventFromJson(std::string name, std::string props_json,
                                std::chrono::system_clock::time_point now);

std::string NewUuid();
std::string Rfc3339Local(std::chrono::system_clock::time_point at);
std::string Rfc3339Utc(std::chrono::system_clock::time_point at);

// Cuts `text` to at most `max_bytes` without splitting a UTF-8 sequence; with `ellipsis`, a
// cut text ends in "..." (within the limit).
std::string TruncateUtf8(const std::string& text, std::size_t max_bytes, bool ellipsis = false);

}  // namespace oxd::telemetry
