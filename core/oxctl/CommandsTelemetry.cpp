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

void printStatus(const nlohmann::json& data) {
  if (!data.value("enabled", false)) {
    printOut("telemetry: off (" + fieldText(data, "disabled_by") +
             "): nothing is recorded or sent");
    return;
  }
  printOut("telemetry: on, client id " + fieldText(data, "client_id"));
  printOut("  buffered " + fieldNumber(data, "buffered") + "/" + fieldNumber(data, "buffer_size") +
           ", dropped " + fieldNumber(data, "dropped") + ", sent " + fieldNumber(data, "sent") +
           ", last send " + fieldText(data, "last_send") + ", next flush " +
           fieldText(data, "next_flush"));
  if (fieldText(data, "last_error") != "-")
    printOut("  last error: " + fieldText(data, "last_error"));
  if (fieldText(data, "retry_at") != "-") printOut("  retrying at " + fieldText(data, "retry_at"));
  const nlohmann::json exporters = data.value("exporters", nlohmann::json::array());
  if (exporters.empty()) printOut("  no exporter: events stay on this machine");
  for (const nlohmann::json& exporter : exporters) {
    printOut("  " + fieldText(exporter, "name") + " (" + fieldText(exporter, "signal") + ") → " +
             fieldText(exporter, "endpoint") + ": sent " + fieldNumber(exporter, "sent") +
             ", rejected " + fieldNumber(exporter, "rejected") + ", failures " +
             fieldNumber(exporter, "failures") +
             (fieldText(exporter, "last_error") == "-"
                  ? ""
                  : ", last error " + fieldText(exporter, "last_error")));
  }
  const nlohmann::json friction = data.value("friction", nlohmann::json::object());
  if (friction.value("enabled", false)) {
    printOut("  friction: buffered " + fieldNumber(friction, "buffered") + "/" +
             fieldNumber(friction, "buffer_size") + ", sent " + fieldNumber(friction, "sent") +
             ", sample rate " + fieldNumber(friction, "sample_rate") + ", retry after " +
             fieldText(friction, "retry_after"));
  } else {
    printOut("  friction: off (" + fieldText(friction, "disabled_by") + ")");
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
      printOut("flushed: sent " + fieldNumber(data, "sent") + " event(s) so far, " +
               fieldNumber(data, "buffered") + " buffered" +
               (fieldText(data, "last_error") == "-"
                    ? ""
                    : "; last error: " + fieldText(data, "last_error")));
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
    printOut("  " + fieldText(event, "tslocal") + "  " + fieldText(event, "event") + "  " +
             event.value("props", nlohmann::json::object()).dump());
  }
  return kExitOk;
}

}  // namespace oxd::cli
