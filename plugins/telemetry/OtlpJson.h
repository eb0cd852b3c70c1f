// The OTLP/HTTP JSON encoding (opentelemetry-proto's JSON mapping: 64-bit integers as decimal
// strings, enums as numbers, lowerCamelCase field names) of oxd's events as LogRecords and of
// the daemon's metrics (the `metrics` message's JSON families) as Sums, Gauges and Histograms.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "TelemetryEvent.h"
#include "TelemetrySettings.h"

namespace oxd::telemetry {

inline constexpr const char* kScopeName = "oxd.telemetry";

struct ResourceIdentity {
  std::string service_name = "oxd";
  std::string service_version;
  std::string instance_id;  // the workspace id
  std::string host_name;
  std::string os_type = "linux";
  HeaderList extra;  // OTEL_RESOURCE_ATTRIBUTES; oxd's own keys win
};

// An AnyValue: string, bool, int (as a string), double, arrays and objects (kvlist) nested.
Poco::JSON::Object::Ptr AnyValue(const Poco::Dynamic::Var& value);

// ExportLogsServiceRequest with one LogRecord per event. `observed_ns`: when oxd saw them last.
std::string LogsRequestBody(const ResourceIdentity& resource,
                            const std::vector<TelemetryEvent>& events, std::int64_t observed_ns);

// ExportMetricsServiceRequest from the families of the `metrics` message: counters as
// monotonic cumulative Sums since `start_ns`, gauges, histograms with explicit bounds.
std::string MetricsRequestBody(const ResourceIdentity& resource,
                               const Poco::JSON::Array::Ptr& families, std::int64_t start_ns,
                               std::int64_t now_ns);

// The partialSuccess of an Export*ServiceResponse: how many were rejected and why; nullopt
// when the body has none (or rejected 0 and no message), or is not JSON.
struct PartialSuccess {
  std::int64_t rejected = 0;
  std::string message;
};
std::optional<PartialSuccess> ParsePartialSuccess(const std::string& body,
                                                  const std::string& rejected_field);

std::string ToJsonText(const Poco::Dynamic::Var& value);

}  // namespace oxd::telemetry
