// The telemetry plugin's entry points, registered in one table (Messages.cpp): the one-way
// `telemetry` and `friction` messages, `telemetry_status`, `telemetry_flush`, the `telemetry`
// status section and the bus topics it turns into events.
#pragma once

#include <oxd/host.h>
#include <oxd/payload.h>

#include <Poco/JSON/Object.h>

#include <chrono>
#include <mutex>
#include <string>

#include "Collector.h"
#include "LocalFiles.h"

namespace oxd::telemetry {

// What the plugin holds while it runs.
struct Runtime {
  Runtime(CollectorOptions options, CrashMarker marker)
      : collector(std::move(options)), marker(std::move(marker)) {}
  Collector collector;
  CrashMarker marker;
  const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  void setStopReason(std::string reason) {
    std::lock_guard lock(mutex);
    stop_reason = std::move(reason);
  }
  std::string stopReason() {
    std::lock_guard lock(mutex);
    return stop_reason;
  }

 private:
  std::mutex mutex;
  std::string stop_reason;  // from daemon.stopping; empty: the plugin alone was stopped
};

// `telemetry {event, props}` (ox's TelemetryPayload).
struct TelemetryMessage {
  std::string event;
  std::string props_json;  // the props object as JSON text
  // Throws sdk::BadPayload: event missing, empty or longer than 200 bytes, props not an object
  // or larger than 16 KB as JSON.
  static TelemetryMessage Parse(const sdk::Payload& payload);
};

// Own events carry app_type and app_version (as ox's Record adds them).
Poco::JSON::Object::Ptr OwnProps();

void RegisterMessages(sdk::Host& host, Runtime& runtime);

}  // namespace oxd::telemetry
