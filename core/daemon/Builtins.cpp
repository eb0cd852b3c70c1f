#include "daemon/Builtins.h"

#include "daemon/Daemon.h"
#include "daemon/StatusReport.h"
#include "host/PluginManager.h"
#include "host/Router.h"
#include "runtime/EventBus.h"
#include "runtime/MetricsRegistry.h"
#include "state/ErrorStore.h"
#include "state/HeartbeatHandler.h"
#include "state/InstanceStore.h"

#include <oxd/events.h>
#include <oxd/json.h>
#include <oxd/payload.h>
#include <oxd/whisper_events.h>

#include <Poco/JSON/Array.h>

#include <numeric>
#include <stdexcept>

namespace oxd::core {
namespace {

using sdk::Reply;
using sdk::Request;

// The protocol version the original daemon answers to `version` (docs/protocol.md#version); the
// daemon's own version is in `status`.
constexpr const char* kProtocolVersion = "1.0.0";

void add(Router& router, const std::string& type, sdk::Handler handler, bool run_inline = false) {
  Route route;
  route.kind = Route::Kind::Request;
  route.run_inline = run_inline;
  route.handler = std::move(handler);
  if (!router.add(type, std::move(route)))
    throw std::logic_error("built-in " + type + " registered twice");
}

void addOneWay(Router& router, const std::string& type, sdk::OneWayHandler handler) {
  Route route;
  route.kind = Route::Kind::OneWay;
  route.one_way = std::move(handler);
  if (!router.add(type, std::move(route)))
    throw std::logic_error("built-in " + type + " registered twice");
}

std::string pluginName(const Request& request) {
  std::string name = sdk::Payload(request.payload).requiredString("name");
  if (name.empty()) throw sdk::BadPayload("name: must not be empty");
  return name;
}

Reply resultOf(const std::string& error) {
  return error.empty() ? Reply::ok() : Reply::fail(error);
}

Poco::JSON::Object::Ptr doctorReport(Daemon& daemon) {
  Poco::JSON::Object::Ptr report = new Poco::JSON::Object(true);
  Poco::JSON::Object::Ptr per_plugin = daemon.plugins().runDoctor();
  // A plugin's doctor object is also merged at the top level (first plugin wins a key), so the
  // sync plugin can answer the original's anti_entropy_triggered / clones_triggered fields.
  // A failed plugin's entry is only its error: merged, it would read as the daemon's own.
  Poco::JSON::Object::NameList names = per_plugin->getNames();
  for (const auto& name : names) {
    auto object = per_plugin->getObject(name);
    if (!object || daemon.plugins().state(name) == "failed") continue;
    for (const auto& key : object->getNames()) {
      if (!report->has(key)) report->set(key, object->get(key));
    }
  }
  report->set("plugins", per_plugin);
  return report;
}

// `settings_get` (docs/protocol.md#settings_get): the original's CLISettingsResponse. The original
// relays feature flags its cloud evaluated; oxd has no such service, so it answers what this
// daemon actually runs: a feature is on when its plugin runs, off when its plugin is installed
// but not running, and left out ("no opinion") when no such plugin exists. No kill switch is
// ever set. Always an object: oxd never waits on a fetch, so the original's null ("nothing
// fetched yet") has no case here.
Poco::JSON::Object::Ptr effectiveSettings(Daemon& daemon) {
  Poco::JSON::Object::Ptr features = new Poco::JSON::Object(true);
  for (const char* name : {"codedb", "whisper"}) {
    std::string state = daemon.plugins().state(name);
    if (state.empty() || state == "unknown") continue;
    features->set(name, state == "running");
  }
  Poco::JSON::Object::Ptr killswitches = new Poco::JSON::Object(true);
  killswitches->set("disable_file_delete_tools", false);
  killswitches->set("disable_shell_exec_tools", false);
  Poco::JSON::Object::Ptr data = new Poco::JSON::Object(true);
  data->set("features", features);
  data->set("killswitches", killswitches);
  data->set("fetched_at", sdk::formatTime(std::chrono::system_clock::now()));
  return data;
}

}  // namespace

void registerBuiltins(Daemon& daemon) {
  Router& router = daemon.router();
  add(
      router, "ping", [](const Request&, sdk::Progress&) { return Reply::ok(std::string("pong")); },
      true);
  add(
      router, "version",
      [](const Request&, sdk::Progress&) { return Reply::ok(std::string(kProtocolVersion)); },
      true);
  add(
      router, "stop",
      [&daemon](const Request&, sdk::Progress&) {
        // The reply is written before shutdown gets under way: the main loop only wakes to stop.
        daemon.requestStop(StopReason::Stop, "stop requested by a client");
        return Reply::ok();
      },
      true);
  // `metrics`: {"text": the Prometheus text exposition (format 0.0.4), "families": the same
  // metrics as JSON, see MetricsRegistry::families()}. Inline: it reads atomics and runs no
  // plugin code, and so the busy-workers gauge does not count the worker answering it.
  add(
      router, "metrics",
      [&daemon](const Request&, sdk::Progress&) {
        daemon.refreshMetrics();
        Poco::JSON::Object::Ptr data = new Poco::JSON::Object(true);
        data->set("text", daemon.metrics().text());
        data->set("families", daemon.metrics().families());
        return Reply::ok(data);
      },
      true);
  add(router, "status", [&daemon](const Request& request, sdk::Progress&) {
    bool timestamps =
        sdk::Payload(request.payload).optionalBool("activity_timestamps").value_or(true);
    return Reply::ok(statusReport(daemon, timestamps));
  });

  addOneWay(router, "heartbeat", [&daemon](const Request& request) {
    sdk::HeartbeatEvent event = daemon.heartbeats().handle(request.payload, request.caller_id);
    daemon.bus().publish(sdk::HeartbeatEvent::kTopic, event.toVar());
  });
  // instances[].last_whisper: when the whisper plugin last handed the agent entries.
  daemon.bus().subscribe(sdk::WhispersDeliveredEvent::kTopic, "core",
                         [&daemon](const Poco::Dynamic::Var& var) {
                           auto event = sdk::WhispersDeliveredEvent::fromVar(var);
                           if (auto at = sdk::parseTime(event.at)) {
                             daemon.instances().setLastWhisper(event.agent_id, *at);
                           }
                         });
  add(router, "settings_get",
      [&daemon](const Request&, sdk::Progress&) { return Reply::ok(effectiveSettings(daemon)); });
  add(router, "instances", [&daemon](const Request&, sdk::Progress&) {
    daemon.instances().cleanup();  // lazily, instead of a timer waking an idle daemon
    return Reply::ok(daemon.instances().instancesJson());
  });
  add(router, "sessions", [&daemon](const Request&, sdk::Progress&) {
    return Reply::ok(daemon.instances().sessionsJson());
  });

  add(router, "get_errors", [&daemon](const Request&, sdk::Progress&) {
    return Reply::ok(daemon.errors().unviewedJson());
  });
  add(router, "mark_errors", [&daemon](const Request& request, sdk::Progress&) {
    auto ids = sdk::Payload(request.payload).optionalStrings("ids");
    if (ids && !ids->empty()) {
      daemon.errors().markViewed(*ids);
    } else {
      daemon.errors().markAllViewed();
    }
    return Reply::ok();
  });

  add(router, "doctor",
      [&daemon](const Request&, sdk::Progress&) { return Reply::ok(doctorReport(daemon)); });
  add(router, "plugins", [&daemon](const Request&, sdk::Progress&) {
    return Reply::ok(daemon.plugins().pluginsJson());
  });
  add(router, "plugin_enable", [&daemon](const Request& request, sdk::Progress&) {
    return resultOf(daemon.plugins().enable(pluginName(request), *daemon.configSnapshot()));
  });
  add(router, "plugin_disable", [&daemon](const Request& request, sdk::Progress&) {
    return resultOf(daemon.plugins().disable(pluginName(request)));
  });
  add(router, "reload", [&daemon](const Request&, sdk::Progress&) {
    std::vector<std::string> errors = daemon.reload();
    if (errors.empty()) return Reply::ok();
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& error : errors) list->add(error);
    Reply reply = Reply::fail(
        "invalid config, nothing changed: " + errors.front() +
        (errors.size() > 1 ? " (and " + std::to_string(errors.size() - 1) + " more)" : ""));
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object;
    data->set("errors", list);
    reply.data = data;
    return reply;
  });
}

}  // namespace oxd::core
