#include "TelemetryEvent.h"

#include <Poco/JSON/Parser.h>

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <random>

#include "OtlpJson.h"

namespace oxd::telemetry {

Poco::JSON::Object::Ptr TelemetryEvent::toJson() const {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(true);
  json->set("uuid", uuid);
  json->set("ts", ts_ms);
  json->set("tslocal",
            Rfc3339Local(std::chrono::system_clock::time_point(std::chrono::milliseconds(ts_ms))));
  json->set("event", name);
  json->set("props", props());
  return json;
}

// A version 4 UUID from a per-thread generator seeded once from the system's entropy: Poco's
// createRandom() reads the random device for every UUID, on the path of every `telemetry`
// message. These ids only need to be unique.
std::string NewUuid() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::uint64_t high = random();
  std::uint64_t low = random();
  high = (high & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  low = (low & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;    // variant 10
  // Formatted by hand: snprintf was a visible part of taking a `telemetry` message in.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text(36, '-');
  std::size_t at = 0;
  auto put = [&](std::uint64_t bits, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
      if (at == 8 || at == 13 || at == 18 || at == 23) ++at;  // the dashes
      text[at++] = kHex[(bits >> shift) & 0xF];
    }
  };
  put(high, 16);
  put(low, 16);
  return text;
}

std::string Rfc3339Local(std::chrono::system_clock::time_point at) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S%z", &local);
  std::string out = text;  // +hhmm → +hh:mm
  if (out.size() >= 5) out.insert(out.size() - 2, ":");
  return out;
}

std::string Rfc3339Utc(std::chrono::system_clock::time_point at) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

Poco::JSON::Object::Ptr TelemetryEvent::props() const {
  try {
    auto parsed = Poco::JSON::Parser().parse(props_json).extract<Poco::JSON::Object::Ptr>();
    if (parsed) return parsed;
  } catch (const std::exception&) {
    // Only NewEvent* write props_json, always from an object: not reached.
  }
  return new Poco::JSON::Object;
}

TelemetryEvent NewEvent(std::string name, Poco::JSON::Object::Ptr props,
                        std::chrono::system_clock::time_point now) {
  return NewEventFromJson(std::move(name), props ? ToJsonText(props) : "{}", now);
}

TelemetryEvent NewEventFromJson(std::string name, std::string props_json,
                                std::chrono::system_clock::time_point now) {
  TelemetryEvent event;
  event.uuid = NewUuid();
  event.ts_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  event.name = std::move(name);
  event.props_json = std::move(props_json);
  return event;
}

std::string TruncateUtf8(const std::string& text, std::size_t max_bytes, bool ellipsis) {
  if (text.size() <= max_bytes) return text;
  std::size_t keep = ellipsis && max_bytes >= 3 ? max_bytes - 3 : max_bytes;
  // Back up over continuation bytes (10xxxxxx) so the cut falls between characters.
  while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80) --keep;
  return text.substr(0, keep) + (ellipsis ? "..." : "");
}

}  // namespace oxd::telemetry
