#include "Messages.h"

#include <oxd/events.h>
#include <oxd/handlers.h>

#include "Friction.h"
#include "OtlpJson.h"

namespace oxd::telemetry {

namespace {

constexpr std::size_t kMaxEventName = 200;
constexpr std::size_t kMaxPropsBytes = 16 * 1024;

// The repository an index run was about, without its URL (a URL may name a private host).
std::string RepoKind(const std::string& repo) {
  if (repo == "project" || repo == "ledger") return repo;
  return "remote";
}

Poco::JSON::Object::Ptr SyncProps(const sdk::SyncCompleteEvent& done) {
  Poco::JSON::Object::Ptr props = OwnProps();
  props->set("sync_type", done.type);
  props->set("operation", done.op);
  props->set("status", done.status);
  props->set("duration_ms", done.duration_ms);
  return props;
}

Poco::JSON::Object::Ptr IndexProps(const sdk::CodedbIndexedEvent& indexed) {
  Poco::JSON::Object::Ptr props = OwnProps();
  props->set("repo", RepoKind(indexed.repo));
  props->set("full", indexed.full);
  props->set("status", std::string(indexed.ok ? "ok" : indexed.cancelled ? "cancelled" : "error"));
  props->set("blobs_parsed", indexed.blobs_parsed);
  props->set("symbols_extracted", indexed.symbols_extracted);
  props->set("comments_extracted", indexed.comments_extracted);
  props->set("commits", indexed.commits);
  props->set("blobs_new", indexed.blobs_new);
  props->set("blobs_skipped", indexed.blobs_skipped);
  props->set("bytes_indexed", indexed.bytes_indexed);
  props->set("index_duration_ms", indexed.index_duration_ms);
  props->set("symbol_duration_ms", indexed.symbol_duration_ms);
  props->set("comment_duration_ms", indexed.comment_duration_ms);
  props->set("walk_ms", indexed.walk_ms);
  props->set("commits_ms", indexed.commits_ms);
  props->set("head_ms", indexed.head_ms);
  props->set("total_duration_ms", indexed.total_duration_ms);
  return props;
}

}  // namespace

Poco::JSON::Object::Ptr OwnProps() {
  Poco::JSON::Object::Ptr props = new Poco::JSON::Object(true);
  props->set("app_type", std::string("ox-daemon"));
  props->set("app_version", std::string(OXD_VERSION));
  return props;
}

TelemetryMessage TelemetryMessage::Parse(const sdk::Payload& payload) {
  TelemetryMessage message;
  message.event = payload.requiredString("event");
  if (message.event.empty()) throw sdk::BadPayload("event: empty");
  if (message.event.size() > kMaxEventName) {
    throw sdk::BadPayload("event: longer than " + std::to_string(kMaxEventName) + " bytes");
  }
  Poco::JSON::Object::Ptr props = payload.optionalObject("props");
  message.props_json = props ? ToJsonText(props) : "{}";
  if (message.props_json.size() > kMaxPropsBytes) {
    throw sdk::BadPayload("props: larger than 16 KB");
  }
  return message;
}

void RegisterMessages(sdk::Host& host, Runtime& runtime) {
  Collector& collector = runtime.collector;

  // Hooks send these fire-and-forget. Recording only appends to a buffer under a mutex that no
  // one holds across I/O: quick one-way handlers, run without a hand-off to a worker.
  sdk::handleQuickOneWayTyped<TelemetryMessage>(
      host, "telemetry",
      [&collector](const TelemetryMessage& message) {
        collector.recordJson(message.event, message.props_json);
      },
      [&collector](const sdk::BadPayload& invalid) {
        collector.countInvalid("telemetry", invalid.what());
      });
  struct FrictionMessage {
    FrictionEvent event;
    static FrictionMessage Parse(const sdk::Payload& payload) {
      return {FrictionEvent::Parse(payload)};
    }
  };
  sdk::handleQuickOneWayTyped<FrictionMessage>(
      host, "friction",
      [&collector](const FrictionMessage& message) { collector.recordFriction(message.event); },
      [&collector](const sdk::BadPayload& invalid) {
        collector.countInvalid("friction", invalid.what());
      });

  sdk::handleTyped<sdk::NoPayload>(host, "telemetry_status",
                                   [&collector](const sdk::NoPayload&, sdk::Progress&) {
                                     return sdk::Reply::ok(collector.details());
                                   });
  sdk::handleTyped<sdk::NoPayload>(
      host, "telemetry_flush", [&collector](const sdk::NoPayload&, sdk::Progress& progress) {
        Poco::JSON::Object::Ptr status = collector.status();
        if (!status->getValue<bool>("enabled")) {
          return sdk::Reply::fail("telemetry is off (" +
                                  status->getValue<std::string>("disabled_by") +
                                  "): nothing is sent");
        }
        if (status->getArray("exporters")->size() == 0) {
          return sdk::Reply::fail(
              "no exporter is configured: events stay in the buffer (set [telemetry] "
              "otlp_endpoint or OTEL_EXPORTER_OTLP_ENDPOINT)");
        }
        // Each request has a 5 s deadline. A worker is not held longer than about one of them:
        // past that the flush goes on on the plugin's own thread.
        if (!collector.flushNow(std::chrono::seconds(6), [&] { return progress.cancelled(); })) {
          return sdk::Reply::fail(
              "the flush did not finish within 6 s (a collector is slow or the daemon is "
              "stopping); it goes on in the background: see oxctl telemetry");
        }
        return sdk::Reply::ok(collector.status());
      });

  host.statusSection("telemetry", [&collector] { return collector.status(); });

  sdk::subscribe<sdk::SyncCompleteEvent>(host, [&collector](const sdk::SyncCompleteEvent& done) {
    collector.record("sync:complete", SyncProps(done));
  });
  sdk::subscribe<sdk::CodedbIndexedEvent>(
      host, [&collector](const sdk::CodedbIndexedEvent& indexed) {
        collector.record("codedb:index_complete", IndexProps(indexed));
      });
  sdk::subscribe<sdk::DaemonStoppingEvent>(host,
                                           [&runtime](const sdk::DaemonStoppingEvent& stopping) {
                                             runtime.setStopReason(stopping.reason);
                                             runtime.collector.prepareStop();
                                           });
}

}  // namespace oxd::telemetry
