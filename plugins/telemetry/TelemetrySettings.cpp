#include "TelemetrySettings.h"

#include <oxd/settings.h>

#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace oxd::telemetry {

namespace {

std::string Trim(const std::string& text) {
  auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// A non-empty, trimmed variable.
std::optional<std::string> Set(const Environment& environment, const std::string& name) {
  auto value = environment(name);
  if (!value) return std::nullopt;
  std::string trimmed = Trim(*value);
  if (trimmed.empty()) return std::nullopt;
  return trimmed;
}

std::string WithoutTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// OTEL_BLRP_SCHEDULE_DELAY and OTEL_METRIC_EXPORT_INTERVAL are milliseconds; below 1 s is
// raised to 1 s (what the config keys accept).
std::optional<std::chrono::milliseconds> Milliseconds(const Environment& environment,
                                                      const std::string& name,
                                                      std::vector<std::string>& notes) {
  auto value = Set(environment, name);
  if (!value) return std::nullopt;
  if (!std::all_of(value->begin(), value->end(), [](unsigned char c) { return std::isdigit(c); }) ||
      value->size() > 12) {
    notes.push_back(name + "='" + *value + "' is not a number of milliseconds: ignored");
    return std::nullopt;
  }
  return std::max(std::chrono::milliseconds(std::stoll(*value)), std::chrono::milliseconds(1000));
}

}  // namespace

Environment ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

std::optional<HeaderList> ParseKeyValueList(const std::string& text) {
  HeaderList entries;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    std::string entry =
        Trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (entry.empty()) continue;
    std::size_t equals = entry.find('=');
    if (equals == std::string::npos || Trim(entry.substr(0, equals)).empty()) return std::nullopt;
    std::string value;
    try {
      Poco::URI::decode(Trim(entry.substr(equals + 1)), value);
    } catch (const Poco::Exception&) {
      return std::nullopt;
    }
    entries.emplace_back(Trim(entry.substr(0, equals)), value);
  }
  return entries;
}

std::string OtlpProtocolProblem(const Environment& environment) {
  for (const char* name : {"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL",
                           "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"}) {
    auto value = Set(environment, name);
    if (value && *value != "http/json") {
      return std::string(name) + "=" + *value + ": oxd sends OTLP as http/json only";
    }
  }
  return "";
}

TelemetryConfig ResolveTelemetryConfig(const Poco::Util::AbstractConfiguration& config,
                                       const Environment& environment) {
  sdk::Settings settings(config, "telemetry", kTelemetryKeys);
  TelemetryConfig resolved;

  // Opt-outs, strongest first (the first that applies is named in status).
  if (environment("DO_NOT_TRACK").value_or("") == "1") {
    resolved.disabled_by = "DO_NOT_TRACK=1";
  } else if (Lower(Set(environment, "SAGEOX_TELEMETRY").value_or("")) == "false") {
    resolved.disabled_by = "SAGEOX_TELEMETRY=false";
  } else if (Lower(Set(environment, "OTEL_SDK_DISABLED").value_or("")) == "true") {
    resolved.disabled_by = "OTEL_SDK_DISABLED=true";
  }
  resolved.telemetry_enabled = resolved.disabled_by.empty();
  if (!resolved.telemetry_enabled) {
    resolved.friction_enabled = false;
    resolved.friction_disabled_by = resolved.disabled_by;
  } else if (Lower(Set(environment, "SAGEOX_FRICTION").value_or("")) == "false") {
    resolved.friction_enabled = false;
    resolved.friction_disabled_by = "SAGEOX_FRICTION=false";
  }

  // OTLP endpoints: the config key, else the generic variable (both get /v1/<signal>), and a
  // per-signal variable is used as given (the OTLP exporter spec).
  std::string base = WithoutTrailingSlash(Trim(settings.text("otlp_endpoint")));
  if (base.empty())
    base = WithoutTrailingSlash(Set(environment, "OTEL_EXPORTER_OTLP_ENDPOINT").value_or(""));
  if (!base.empty()) {
    resolved.otlp_logs_url = base + "/v1/logs";
    resolved.otlp_metrics_url = base + "/v1/metrics";
  }
  if (settings.text("otlp_endpoint").empty()) {
    if (auto logs = Set(environment, "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"))
      resolved.otlp_logs_url = *logs;
    if (auto metrics = Set(environment, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")) {
      resolved.otlp_metrics_url = *metrics;
    }
  }

  std::string headers = settings.text("otlp_headers");
  if (!headers.empty()) {
    auto parsed = ParseKeyValueList(headers);
    if (!parsed) throw settings.invalid("otlp_headers", "expected key=value,key=value");
    resolved.otlp_headers = *parsed;
  } else if (auto from_env = Set(environment, "OTEL_EXPORTER_OTLP_HEADERS")) {
    if (auto parsed = ParseKeyValueList(*from_env)) {
      resolved.otlp_headers = *parsed;
    } else {
      resolved.notes.push_back("OTEL_EXPORTER_OTLP_HEADERS is not key=value,key=value: ignored");
    }
  }
  if (auto name = Set(environment, "OTEL_SERVICE_NAME")) resolved.service_name = *name;
  if (auto attributes = Set(environment, "OTEL_RESOURCE_ATTRIBUTES")) {
    if (auto parsed = ParseKeyValueList(*attributes)) {
      for (const auto& [key, value] : *parsed) {
        // OTEL_SERVICE_NAME wins over service.name here (the SDK spec).
        if (key == "service.name") {
          if (!Set(environment, "OTEL_SERVICE_NAME")) resolved.service_name = value;
          continue;
        }
        resolved.resource_attributes.emplace_back(key, value);
      }
    } else {
      resolved.notes.push_back("OTEL_RESOURCE_ATTRIBUTES is not key=value,key=value: ignored");
    }
  }
  if (std::string problem = OtlpProtocolProblem(environment); !problem.empty()) {
    resolved.notes.push_back(problem);  // said once, at start; JSON is sent all the same
  }

  resolved.sageox_url = Trim(settings.text("sageox_endpoint"));
  if (resolved.sageox_url.empty()) {
    resolved.sageox_url = Set(environment, "SAGEOX_TELEMETRY_ENDPOINT").value_or("");
  }
  // The friction endpoint: the variable wins over the project's setting (the original's order).
  resolved.friction_base =
      WithoutTrailingSlash(Set(environment, "SAGEOX_FRICTION_ENDPOINT")
                               .value_or(Trim(settings.text("friction_endpoint"))));

  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  resolved.flush_interval = duration_cast<milliseconds>(settings.duration("flush_interval"));
  // The host fills in every key's default, so a value equal to the default counts as not set:
  // the OTEL_ variable, when there is one, applies.
  auto unset = [&](const char* key) {
    for (const auto& declared : kTelemetryKeys) {
      if (std::string_view(declared.name) == key) {
        return !config.hasProperty(key) || config.getString(key) == declared.default_value;
      }
    }
    return !config.hasProperty(key);
  };
  if (unset("flush_interval")) {
    if (auto delay = Milliseconds(environment, "OTEL_BLRP_SCHEDULE_DELAY", resolved.notes)) {
      resolved.flush_interval = *delay;
    }
  }
  resolved.metrics_interval = duration_cast<milliseconds>(settings.duration("metrics_interval"));
  if (unset("metrics_interval")) {
    if (auto delay = Milliseconds(environment, "OTEL_METRIC_EXPORT_INTERVAL", resolved.notes)) {
      resolved.metrics_interval = *delay;
    }
  }
  resolved.client_id_override = Set(environment, "SAGEOX_CLIENT_ID").value_or("");
  return resolved;
}

}  // namespace oxd::telemetry
