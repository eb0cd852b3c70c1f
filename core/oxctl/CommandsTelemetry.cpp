// The telemetry plugin's commands: `telemetry` (what is buffered, what was sent where, what
// failed; --json: the whole reply with the buffered events) and `telemetry flush` (send now).
// What each field means: plugins/telemetry/README.md.

#include <string>

#include "oxctl/Cli.h"
#include "oxctl/Output.h"
#include "oxctl/PluginRequests.h"

namespace oxd::cli {
namespace {

constexpr std::string_view kNoTelemetryPlugin = "this daemon has no telemetry plugin";

std::string text(const nlohmann::json& data, const char* key) {
  auto found = data.find(key);
  if (found == data.end() || !found->is_string() || found->get<std::string>().empty()) return "-";
  return found->get<std::string>();
}

std::string number(const nlohmann::json& data, const char* key) {
  auto found = data.find(key);
  if (found == data.end() || !found->is_number()) return "0";
  return found->is_number_integer() ? std::to_string(found->get<std::int64_t>())
                                    : std::to_string(found->get<double>());
}

void printStatus(const nlohmann::json& data) {
  if (!data.value("enabled", false)) {
    printOut("telemetry: off (" + text(data, "disabled_by") + "): nothing is recorded or sent");
    return;
  }
  printOut("telemetry: on, client id " + text(data, "client_id"));
  printOut("  buffered " + number(data, "buffered") + "/" + number(data, "buffer_size") +
           ", dropped " + number(data, "dropped") + ", sent " + number(data, "sent") +
           ", last send " + text(data, "last_send") + ", next flush " + text(data, "next_flush"));
  if (text(data, "last_error") != "-") printOut("  last error: " + text(data, "last_error"));
  if (text(data, "retry_at") != "-") printOut("  retrying at " + text(data, "retry_at"));
  const nlohmann::json exporters = data.value("exporters", nlohmann::json::array());
  if (exporters.empty()) printOut("  no exporter: events stay on this machine");
  for (const nlohmann::json& exporter : exporters) {
    printOut("  " + text(exporter, "name") + " (" + text(exporter, "signal") + ") → " +
             text(exporter, "endpoint") + ": sent " + number(exporter, "sent") + ", rejected " +
             number(exporter, "rejected") + ", failures " + number(exporter, "failures") +
             (text(exporter, "last_error") == "-"
                  ? ""
                  : ", last error " + text(exporter, "last_error")));
  }
  const nlohmann::json friction = data.value("friction", nlohmann::json::object());
  if (friction.value("enabled", false)) {
    printOut("  friction: buffered " + number(friction, "buffered") + "/" +
             number(friction, "buffer_size") + ", sent " + number(friction, "sent") +
             ", sample rate " + number(friction, "sample_rate") + ", retry after " +
             text(friction, "retry_after"));
  } else {
    printOut("  friction: off (" + text(friction, "disabled_by") + ")");
  }
}

}  // namespace

int runTelemetry(Invocation& invocation) {
  if (!invocation.positional.empty()) {
    if (invocation.positional[0] != "flush") {
      throw UsageError("telemetry: unknown action '" + invocation.positional[0] + "' (flush)");
    }
    nlohmann::json reply =
        requestPlugin(invocation, "telemetry_flush", std::nullopt, kNoTelemetryPlugin);
    const nlohmann::json& data = requireSuccess(reply);
    if (invocation.json) {
      printOut(data.dump());
    } else {
      printOut(
          "flushed: sent " + number(data, "sent") + " event(s) so far, " +
          number(data, "buffered") + " buffered" +
          (text(data, "last_error") == "-" ? "" : "; last error: " + text(data, "last_error")));
    }
    return kExitOk;
  }
  nlohmann::json reply =
      requestPlugin(invocation, "telemetry_status", std::nullopt, kNoTelemetryPlugin);
  const nlohmann::json& data = requireSuccess(reply);
  if (invocation.json) {
    printOut(data.dump());
    return kExitOk;
  }
  printStatus(data);
  const nlohmann::json events = data.value("events", nlohmann::json::array());
  for (const nlohmann::json& event : events) {
    printOut("  " + text(event, "tslocal") + "  " + text(event, "event") + "  " +
             event.value("props", nlohmann::json::object()).dump());
  }
  return kExitOk;
}

}  // namespace oxd::cli
