// The telemetry plugin: ox's telemetry and friction events, buffered locally and exported to
// any OpenTelemetry collector (OTLP/HTTP JSON) and/or ox's own endpoints; nothing leaves the
// machine unless an exporter is configured, and nothing at all under an opt-out. This file
// holds the descriptor and the wiring; README.md lists the parts.

#include <oxd/plugin.h>
#include <oxd/settings.h>

#include <sys/utsname.h>
#include <unistd.h>

#include <memory>

#include "Messages.h"
#include "TelemetrySettings.h"

namespace {

namespace telemetry = oxd::telemetry;
constexpr const auto& kKeys = telemetry::kTelemetryKeys;

const oxd::sdk::Descriptor kDescriptor{
    oxd::sdk::kAbiVersion,
    oxd::sdk::kBuildFingerprint,
    "telemetry",
    "0.1.0",
    "telemetry and friction events, exported over OTLP/HTTP JSON or ox's format (opt-in)",
    kKeys,
    sizeof kKeys / sizeof kKeys[0]};

std::string HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

std::string Arch() {
  utsname system{};
  if (::uname(&system) != 0) return "";
  std::string machine = system.machine;
  if (machine == "x86_64") return "amd64";  // ox reports Go's GOARCH names
  if (machine == "aarch64") return "arm64";
  return machine;
}

class TelemetryPlugin final : public oxd::sdk::Plugin {
 public:
  void start(oxd::sdk::Host& host) override {
    telemetry::TelemetryConfig config =
        telemetry::ResolveTelemetryConfig(host.config(), telemetry::ProcessEnvironment());
    for (const std::string& note : config.notes) host.logger().warning("telemetry: %s", note);
    const oxd::sdk::Workspace& workspace = host.workspace();

    telemetry::CollectorOptions options;
    if (config.telemetry_enabled) {
      options.client_id =
          !config.client_id_override.empty()
              ? config.client_id_override
              : telemetry::LoadOrCreateClientId(workspace.data_dir / "telemetry" / "client_id");
    }
    options.resource.service_name = config.service_name;
    options.resource.service_version = OXD_VERSION;
    options.resource.instance_id = workspace.workspace_id;
    options.resource.host_name = HostName();
    options.resource.extra = config.resource_attributes;
    options.catalog_path = workspace.cache_dir.parent_path() / "friction-catalog.json";
    options.auth_token = [&host]() -> std::optional<std::string> {
      auto credentials = host.credentials();
      if (!credentials || credentials->auth_token.empty()) return std::nullopt;
      return credentials->auth_token;
    };
    options.metrics_families = [&host]() -> Poco::JSON::Array::Ptr {
      oxd::sdk::Request request;
      request.type = "metrics";
      oxd::sdk::Reply reply = host.call(request);
      if (!reply.success) throw std::runtime_error(reply.error);
      return reply.data.extract<Poco::JSON::Object::Ptr>()->getArray("families");
    };
    options.log_info = [&host](const std::string& line) { host.logger().information(line); };
    options.log_warning = [&host](const std::string& line) { host.logger().warning(line); };
    options.config = config;

    runtime_ = std::make_unique<telemetry::Runtime>(
        std::move(options),
        telemetry::CrashMarker(workspace.workspace_data_dir / "telemetry" / "running.json"));
    telemetry::Runtime& runtime = *runtime_;
    telemetry::RegisterMessages(host, runtime);

    // An unclean end of the last run (SIGKILL, a crash, power loss) left its marker behind.
    if (auto unclean = runtime.marker.previous()) {
      Poco::JSON::Object::Ptr props = telemetry::OwnProps();
      props->set("uptime_seconds", unclean->uptime_seconds);
      props->set("error_type", std::string("unclean_exit"));
      props->set("error_message",
                 std::string("the previous oxd of this workspace ended without stopping"));
      runtime.collector.record("app:crash", props);
    }
    runtime.marker.arm(std::chrono::system_clock::now());
    Poco::JSON::Object::Ptr startup = telemetry::OwnProps();
    startup->set("os", std::string("linux"));
    startup->set("arch", Arch());
    startup->set("runtime", std::string("c++ ") + __VERSION__);
    runtime.collector.record("app:startup", startup);

    if (config.telemetry_enabled) {
      host.logger().information("telemetry: %s", Describe(config));
    } else {
      host.logger().information("telemetry: off (%s): nothing is recorded or sent",
                                config.disabled_by);
    }
    // The marker's time stamp bounds the uptime an app:crash reports.
    oxd::sdk::TaskSchedule touch;
    touch.interval = std::chrono::minutes(1);
    touch.initial_delay = touch.interval;
    host.every("crash-marker", touch,
               [&runtime](const oxd::sdk::StopToken&) { runtime.marker.touch(); });
    runtime.collector.start();
  }

  void stop() override {
    if (!runtime_) return;
    telemetry::Runtime& runtime = *runtime_;
    std::string reason = runtime.stopReason();
    Poco::JSON::Object::Ptr shutdown = telemetry::OwnProps();
    shutdown->set("uptime_seconds",
                  static_cast<Poco::Int64>(std::chrono::duration_cast<std::chrono::seconds>(
                                               std::chrono::steady_clock::now() - runtime.started)
                                               .count()));
    // Without daemon.stopping only this plugin stops (oxctl plugins disable, a reload).
    shutdown->set("reason", reason.empty() ? std::string("plugin_disabled") : reason);
    runtime.collector.record("app:shutdown", shutdown);
    runtime.collector.stop();
    runtime.marker.disarm();
    runtime_.reset();
  }

 private:
  static std::string Describe(const telemetry::TelemetryConfig& config) {
    std::string exporters;
    auto add = [&](const std::string& what) {
      exporters += (exporters.empty() ? "" : ", ") + what;
    };
    if (!config.otlp_logs_url.empty()) add("OTLP logs to " + config.otlp_logs_url);
    if (!config.otlp_metrics_url.empty()) add("OTLP metrics to " + config.otlp_metrics_url);
    if (!config.sageox_url.empty()) add("ox events to " + config.sageox_url);
    if (config.friction_enabled && !config.friction_base.empty()) {
      add("friction to " + config.friction_base);
    }
    if (exporters.empty()) return "no exporter configured: events are kept locally only";
    return "sending " + exporters + " (OTLP encoding: http/json)";
  }

  std::unique_ptr<telemetry::Runtime> runtime_;
};

}  // namespace

OXD_PLUGIN(kDescriptor, TelemetryPlugin)
