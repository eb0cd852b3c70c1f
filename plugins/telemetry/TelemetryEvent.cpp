#include "TelemetryEvent.h"

#include <Poco/UUIDGenerator.h>

#include <ctime>

namespace oxd::telemetry {

Poco::JSON::Object::Ptr TelemetryEvent::toJson() const {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(true);
  json->set("uuid", uuid);
  json->set("ts", ts_ms);
  json->set("tslocal", tslocal);
  json->set("event", name);
  json->set("props", props);
  return json;
}

std::string NewUuid() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }

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

TelemetryEvent NewEvent(std::string name, Poco::JSON::Object::Ptr props,
                        std::chrono::system_clock::time_point now) {
  TelemetryEvent event;
  event.uuid = NewUuid();
  event.ts_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  event.tslocal = Rfc3339Local(now);
  event.name = std::move(name);
  event.props = props ? props : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
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
