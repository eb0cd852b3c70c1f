// The telemetry plugin's configuration: the [telemetry] keys (kTelemetryKeys is the descriptor's
// table) and the environment every OpenTelemetry user already sets (OTEL_*), plus ox's own
// variables and opt-outs, resolved once at start into TelemetryConfig. README.md lists every
// source and which wins.
#pragma once

#include <oxd/descriptor.h>

#include <Poco/Util/AbstractConfiguration.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace oxd::telemetry {

inline constexpr sdk::ConfigKey kTelemetryKeys[] = {
    {.name = "otlp_endpoint",
     .help = "OTLP/HTTP collector base URL; events go to <url>/v1/logs, metrics to "
             "<url>/v1/metrics (default: OTEL_EXPORTER_OTLP_ENDPOINT; none: not sent)"},
    {.name = "otlp_headers",
     .help = "extra headers for the collector, key=value,key=value (default: "
             "OTEL_EXPORTER_OTLP_HEADERS)"},
    {.name = "flush_interval",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "60s",
     .min = "1s",
     .max = "24h",
     .help = "how often buffered events are sent (default: OTEL_BLRP_SCHEDULE_DELAY, else 60s)"},
    {.name = "metrics_interval",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "60s",
     .min = "1s",
     .max = "24h",
     .help = "how often the daemon's metrics are sent to the collector (default: "
             "OTEL_METRIC_EXPORT_INTERVAL, else 60s)"},
    {.name = "sageox_endpoint",
     .help = "full URL of ox's own telemetry endpoint (default: SAGEOX_TELEMETRY_ENDPOINT; "
             "none: not sent)"},
    {.name = "friction_endpoint",
     .help = "base URL of ox's friction service, POSTed to <url>/api/v1/cli/friction "
             "(default: SAGEOX_FRICTION_ENDPOINT; none: not sent)"},
};

// Reads one environment variable; nullopt when unset. Tests pass a map.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
Environment ProcessEnvironment();

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct TelemetryConfig {
  // Opt-outs: when telemetry is off nothing is recorded and no request of any kind leaves.
  bool telemetry_enabled = true;
  std::string disabled_by;  // "DO_NOT_TRACK=1", "OTEL_SDK_DISABLED=true", …
  bool friction_enabled = true;
  std::string friction_disabled_by;

  std::string otlp_logs_url;     // empty: no OTLP log export
  std::string otlp_metrics_url;  // empty: no OTLP metric export
  HeaderList otlp_headers;
  std::string service_name = "oxd";
  HeaderList resource_attributes;  // from OTEL_RESOURCE_ATTRIBUTES, before oxd's own

  std::string sageox_url;     // empty: no ox-format telemetry export
  std::string friction_base;  // empty: no friction export

  std::chrono::milliseconds flush_interval{60000};
  std::chrono::milliseconds metrics_interval{60000};
  std::string client_id_override;  // SAGEOX_CLIENT_ID

  // Said once in the log at start: settings that were set but not taken, and why.
  std::vector<std::string> notes;

  bool anyExporter() const {
    return !otlp_logs_url.empty() || !otlp_metrics_url.empty() || !sageox_url.empty() ||
           !friction_base.empty();
  }
};

// Throws std::invalid_argument "telemetry.<key>: …" for a config value the descriptor cannot
// check (a malformed otlp_headers list). Environment problems become notes, not errors: a
// variable meant for another program must not stop the daemon.
TelemetryConfig ResolveTelemetryConfig(const Poco::Util::AbstractConfiguration& config,
                                       const Environment& environment);

// "k1=v1,k2=v2" (OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES): values percent-decoded,
// whitespace trimmed; nullopt when an entry has no '=' or an empty key.
std::optional<HeaderList> ParseKeyValueList(const std::string& text);

// The problem with OTEL_EXPORTER_OTLP_PROTOCOL (and its per-signal forms) for `oxctl config
// check`, or "" when unset or http/json.
std::string OtlpProtocolProblem(const Environment& environment);

}  // namespace oxd::telemetry
