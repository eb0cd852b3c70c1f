// The telemetry plugin's parts without a host: the ring, the flush throttle, the friction
// buffer, the configuration sources and the OTLP encoding (checked with the collector's strict
// OTLP JSON check).
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/Util/MapConfiguration.h>

#include <atomic>
#include <map>
#include <thread>

#include "EventRing.h"
#include "FlushThrottle.h"
#include "Friction.h"
#include "OtlpCollector.h"
#include "OtlpJson.h"
#include "OtlpJsonCheck.h"
#include "OxFormat.h"
#include "TelemetrySettings.h"

namespace oxd::telemetry {
namespace {

using std::chrono::minutes;

TelemetryEvent Event(const std::string& name) {
  Poco::JSON::Object::Ptr props = new Poco::JSON::Object;
  props->set("n", 1);
  return NewEvent(name, props, std::chrono::system_clock::now());
}

TEST(EventRingTest, KeepsTheNewest500AndCountsTheOverwritten) {
  EventRing ring(500);
  for (int i = 0; i < 600; ++i) ring.push(Event("e" + std::to_string(i)));
  EXPECT_EQ(ring.size(), 500u);
  EXPECT_EQ(ring.dropped(), 100u);
  EXPECT_EQ(ring.events().front().name, "e100");
  EXPECT_EQ(ring.events().back().name, "e599");
}

TEST(EventRingTest, AnEventLeavesOnceEveryExporterHasDeliveredIt) {
  EventRing ring(10);
  int otlp = ring.addConsumer();
  int ox = ring.addConsumer();
  for (int i = 0; i < 4; ++i) ring.push(Event("e" + std::to_string(i)));
  auto batch = ring.pendingFor(otlp, 100);
  ASSERT_EQ(batch.size(), 4u);
  ring.delivered(otlp, batch.back().seq);
  EXPECT_EQ(ring.pendingCount(otlp), 0u);
  EXPECT_EQ(ring.size(), 4u) << "the ox exporter has not sent them yet";
  EXPECT_EQ(ring.pendingFor(ox, 2).size(), 2u);
  ring.delivered(ox, ring.pendingFor(ox, 2).back().seq);
  EXPECT_EQ(ring.size(), 2u);
  ring.push(Event("e4"));
  EXPECT_EQ(ring.pendingCount(otlp), 1u);
  EXPECT_EQ(ring.pendingCount(ox), 3u);
}

TEST(FlushThrottleTest, OneFlushPerCooldownAndOneWinnerAmongMany) {
  FlushThrottle throttle(minutes(15));
  auto t0 = FlushThrottle::Clock::now();
  EXPECT_TRUE(throttle.tryFlush(t0));
  EXPECT_FALSE(throttle.tryFlush(t0 + minutes(14)));
  EXPECT_TRUE(throttle.tryFlush(t0 + minutes(15)));
  throttle.recordFlush(t0 + minutes(20));
  EXPECT_FALSE(throttle.tryFlush(t0 + minutes(21)));

  FlushThrottle fresh(minutes(15));
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] { winners += fresh.tryFlush() ? 1 : 0; });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(winners.load(), 1);
}

FrictionEvent Friction(const std::string& kind, const std::string& input) {
  Poco::JSON::Object::Ptr payload = new Poco::JSON::Object;
  payload->set("kind", kind);
  payload->set("input", input);
  payload->set("actor", "agent");
  return FrictionEvent::Parse(sdk::Payload(payload));
}

TEST(FrictionTest, ParsesTruncatesAndFillsTheTime) {
  Poco::JSON::Object::Ptr payload = new Poco::JSON::Object;
  payload->set("kind", "unknown-command");
  payload->set("input", std::string(600, 'x'));
  // 199 bytes of 'e' and a two-byte character across the 200-byte limit: cut before it.
  payload->set("error_msg", std::string(199, 'e') + "\xC3\xA9" + "tail");
  FrictionEvent event = FrictionEvent::Parse(sdk::Payload(payload));
  EXPECT_EQ(event.input.size(), 500u);
  EXPECT_EQ(event.error_msg, std::string(199, 'e'));
  EXPECT_EQ(event.ts.size(), 20u) << event.ts;  // 2026-12-07T20:00:00Z
  EXPECT_EQ(event.toJson()->has("command"), false) << "omitted when empty, as ox does";
}

TEST(FrictionTest, RefusesWhatDoesNotParse) {
  Poco::JSON::Object::Ptr unknown = new Poco::JSON::Object;
  unknown->set("kind", "typo");
  EXPECT_THROW(FrictionEvent::Parse(sdk::Payload(unknown)), sdk::BadPayload);
  Poco::JSON::Object::Ptr missing = new Poco::JSON::Object;
  EXPECT_THROW(FrictionEvent::Parse(sdk::Payload(missing)), sdk::BadPayload);
  Poco::JSON::Object::Ptr wrong = new Poco::JSON::Object;
  wrong->set("kind", "parse-error");
  wrong->set("input", 7);
  EXPECT_THROW(FrictionEvent::Parse(sdk::Payload(wrong)), sdk::BadPayload);
}

TEST(FrictionTest, TheBufferDeduplicatesByKindAndInputAndStaysBounded) {
  FrictionBuffer buffer(100);
  EXPECT_TRUE(buffer.add(Friction("unknown-command", "ox foo")));
  EXPECT_FALSE(buffer.add(Friction("unknown-command", "ox foo")));
  EXPECT_TRUE(buffer.add(Friction("unknown-flag", "ox foo")));
  EXPECT_EQ(buffer.duplicates(), 1u);
  for (int i = 0; i < 1000; ++i) buffer.add(Friction("parse-error", std::to_string(i)));
  EXPECT_EQ(buffer.size(), 100u);
  // The evicted "ox foo" may come again; a sent one too.
  EXPECT_TRUE(buffer.add(Friction("unknown-command", "ox foo")));
  auto batch = buffer.batch(100);
  buffer.removeThrough(batch.back().seq);
  EXPECT_EQ(buffer.size(), 0u);
  EXPECT_TRUE(buffer.add(Friction("parse-error", "999")));
}

TEST(TruncateTest, CutsBetweenCharactersWithAnOptionalEllipsis) {
  EXPECT_EQ(TruncateUtf8("short", 10), "short");
  EXPECT_EQ(TruncateUtf8("abcdef", 5, true), "ab...");
  EXPECT_EQ(TruncateUtf8("a\xE2\x82\xAC", 3), "a");  // the euro sign does not fit
}

struct Env {
  std::map<std::string, std::string> values;
  Environment reader() const {
    return [values = values](const std::string& name) -> std::optional<std::string> {
      auto found = values.find(name);
      if (found == values.end()) return std::nullopt;
      return found->second;
    };
  }
};

TelemetryConfig Resolve(const Env& env, std::map<std::string, std::string> keys = {}) {
  Poco::AutoPtr<Poco::Util::MapConfiguration> config = new Poco::Util::MapConfiguration;
  for (const auto& [key, value] : keys) config->setString(key, value);
  return ResolveTelemetryConfig(*config, env.reader());
}

TEST(TelemetrySettingsTest, NothingIsSentByDefault) {
  TelemetryConfig config = Resolve({});
  EXPECT_TRUE(config.telemetry_enabled);
  EXPECT_FALSE(config.anyExporter());
  EXPECT_EQ(config.flush_interval, std::chrono::seconds(60));
  EXPECT_EQ(config.metrics_interval, std::chrono::seconds(60));
}

TEST(TelemetrySettingsTest, EachOptOutTurnsEverythingOff) {
  std::map<std::string, std::string> endpoints = {{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"}};
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"DO_NOT_TRACK", "1"}, {"SAGEOX_TELEMETRY", "FALSE"}, {"OTEL_SDK_DISABLED", "true"}}) {
    Env env{endpoints};
    env.values[name] = value;
    TelemetryConfig config = Resolve(env);
    EXPECT_FALSE(config.telemetry_enabled) << name;
    EXPECT_FALSE(config.friction_enabled) << name;
    EXPECT_EQ(config.disabled_by.substr(0, name.size()), name);
  }
  TelemetryConfig friction_off = Resolve(Env{{{"SAGEOX_FRICTION", "false"}}});
  EXPECT_TRUE(friction_off.telemetry_enabled);
  EXPECT_FALSE(friction_off.friction_enabled);
  EXPECT_TRUE(Resolve(Env{{{"DO_NOT_TRACK", "0"}}}).telemetry_enabled);
}

TEST(TelemetrySettingsTest, OtlpEndpointsHeadersAndResourceFromTheStandardVariables) {
  Env env{{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"},
           {"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://metrics:9090/otlp/v1/metrics"},
           {"OTEL_EXPORTER_OTLP_HEADERS", "api-key=secret%20one, x-tenant=acme"},
           {"OTEL_SERVICE_NAME", "oxd-ci"},
           {"OTEL_RESOURCE_ATTRIBUTES", "service.name=ignored,deployment.environment=ci"},
           {"OTEL_BLRP_SCHEDULE_DELAY", "2500"},
           {"OTEL_METRIC_EXPORT_INTERVAL", "10"},
           {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}}};
  TelemetryConfig config = Resolve(env);
  EXPECT_EQ(config.otlp_logs_url, "http://collector:4318/v1/logs");
  EXPECT_EQ(config.otlp_metrics_url, "http://metrics:9090/otlp/v1/metrics");
  ASSERT_EQ(config.otlp_headers.size(), 2u);
  EXPECT_EQ(config.otlp_headers[0], (std::pair<std::string, std::string>{"api-key", "secret one"}));
  EXPECT_EQ(config.service_name, "oxd-ci");
  ASSERT_EQ(config.resource_attributes.size(), 1u);
  EXPECT_EQ(config.resource_attributes[0].first, "deployment.environment");
  EXPECT_EQ(config.flush_interval, std::chrono::milliseconds(2500));
  EXPECT_EQ(config.metrics_interval, std::chrono::seconds(1)) << "raised to the 1 s floor";
  ASSERT_EQ(config.notes.size(), 1u);
  EXPECT_NE(config.notes[0].find("grpc"), std::string::npos);
}

TEST(TelemetrySettingsTest, TheConfigWinsOverTheEnvironment) {
  Env env{{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://env:4318"},
           {"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://env-logs:4318/v1/logs"},
           {"OTEL_BLRP_SCHEDULE_DELAY", "2500"}}};
  TelemetryConfig config = Resolve(
      env,
      {{"otlp_endpoint", "https://cfg:4318"}, {"flush_interval", "5s"}, {"otlp_headers", "a=b"}});
  EXPECT_EQ(config.otlp_logs_url, "https://cfg:4318/v1/logs");
  EXPECT_EQ(config.otlp_metrics_url, "https://cfg:4318/v1/metrics");
  EXPECT_EQ(config.flush_interval, std::chrono::seconds(5));
  // The host fills in defaults: a value equal to the default leaves the variable in charge.
  EXPECT_EQ(Resolve(env, {{"flush_interval", "60s"}}).flush_interval,
            std::chrono::milliseconds(2500));
  EXPECT_THROW(Resolve({}, {{"otlp_headers", "no-equals-sign"}}), std::invalid_argument);
  EXPECT_THROW(Resolve({}, {{"flush_interval", "500ms"}}), std::invalid_argument);
}

TEST(TelemetrySettingsTest, OxEndpointsFromConfigOrEnvironment) {
  TelemetryConfig config = Resolve(Env{{{"SAGEOX_TELEMETRY_ENDPOINT", "http://t/tevents"},
                                        {"SAGEOX_FRICTION_ENDPOINT", "http://env-friction/"}}},
                                   {{"friction_endpoint", "http://project-friction"}});
  EXPECT_EQ(config.sageox_url, "http://t/tevents");
  EXPECT_EQ(config.friction_base, "http://env-friction") << "the variable wins, as in ox";
}

ResourceIdentity Resource() {
  ResourceIdentity resource;
  resource.service_version = "1.2.3";
  resource.instance_id = "abcd1234";
  resource.host_name = "box";
  resource.extra = {{"deployment.environment", "ci"}, {"host.name", "not-this"}};
  return resource;
}

TEST(OtlpJsonTest, EventsAreLogRecordsWithTypedAttributes) {
  Poco::JSON::Object::Ptr props = new Poco::JSON::Object;
  props->set("text", "hi");
  props->set("count", 42);
  props->set("ratio", 0.5);
  props->set("flag", true);
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  list->add(1);
  list->add("two");
  props->set("list", list);
  Poco::JSON::Object::Ptr nested = new Poco::JSON::Object;
  nested->set("k", "v");
  props->set("nested", nested);
  TelemetryEvent event = NewEvent("sync:complete", props, std::chrono::system_clock::now());
  std::string body = LogsRequestBody(
      Resource(), {event, NewEvent("app:crash", nullptr, std::chrono::system_clock::now())}, 1);
  EXPECT_EQ(oxd::testing::OtlpLogsProblems(body), std::vector<std::string>{});
  auto json = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
  auto resource_logs = json->getArray("resourceLogs")->getObject(0);
  auto resource = resource_logs->getObject("resource");
  EXPECT_EQ(oxd::testing::AttributeOf(resource, "service.name"), "oxd");
  EXPECT_EQ(oxd::testing::AttributeOf(resource, "service.instance.id"), "abcd1234");
  EXPECT_EQ(oxd::testing::AttributeOf(resource, "host.name"), "box") << "oxd's own key wins";
  EXPECT_EQ(oxd::testing::AttributeOf(resource, "deployment.environment"), "ci");
  auto scope = resource_logs->getArray("scopeLogs")->getObject(0);
  EXPECT_EQ(scope->getObject("scope")->getValue<std::string>("name"), "oxd.telemetry");
  auto record = scope->getArray("logRecords")->getObject(0);
  EXPECT_EQ(record->getValue<std::string>("timeUnixNano"), std::to_string(event.ts_ms) + "000000");
  EXPECT_EQ(record->getValue<std::string>("eventName"), "sync:complete");
  EXPECT_EQ(oxd::testing::AttributeOf(record, "event.name"), "sync:complete");
  EXPECT_EQ(oxd::testing::AttributeOf(record, "count"), "42");
  EXPECT_EQ(oxd::testing::AttributeOf(record, "flag"), "true");
  EXPECT_NE(body.find(R"("intValue":"42")"), std::string::npos) << "int64 as a string";
  EXPECT_NE(body.find(R"("kvlistValue")"), std::string::npos);
  auto crash = scope->getArray("logRecords")->getObject(1);
  EXPECT_EQ(crash->getValue<int>("severityNumber"), 17);
}

TEST(OtlpJsonTest, MetricsFamiliesBecomeSumsGaugesAndHistograms) {
  const char* families = R"([
    {"name":"oxd_requests_total","help":"Requests.","type":"counter",
     "series":[{"labels":{"type":"ping","outcome":"ok"},"value":7}]},
    {"name":"oxd_workers_busy","help":"Busy workers.","type":"gauge",
     "series":[{"labels":{},"value":1}]},
    {"name":"oxd_request_duration_seconds","help":"Latency.","type":"histogram",
     "series":[{"labels":{"type":"ping"},"count":5,"sum":0.02,
                "buckets":[{"le":"0.001","count":2},{"le":"0.01","count":4},{"le":"+Inf","count":5}]}]}
  ])";
  auto parsed = Poco::JSON::Parser().parse(families).extract<Poco::JSON::Array::Ptr>();
  std::string body = MetricsRequestBody(Resource(), parsed, 1000, 2000);
  EXPECT_EQ(oxd::testing::OtlpMetricsProblems(body), std::vector<std::string>{});
  auto json = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
  auto metrics = json->getArray("resourceMetrics")
                     ->getObject(0)
                     ->getArray("scopeMetrics")
                     ->getObject(0)
                     ->getArray("metrics");
  ASSERT_EQ(metrics->size(), 3u);
  auto sum = metrics->getObject(0)->getObject("sum");
  EXPECT_TRUE(sum->getValue<bool>("isMonotonic"));
  EXPECT_EQ(sum->getValue<int>("aggregationTemporality"), 2);
  EXPECT_EQ(sum->getArray("dataPoints")->getObject(0)->getValue<double>("asDouble"), 7);
  EXPECT_TRUE(metrics->getObject(1)->has("gauge"));
  auto histogram =
      metrics->getObject(2)->getObject("histogram")->getArray("dataPoints")->getObject(0);
  EXPECT_EQ(ToJsonText(histogram->getArray("bucketCounts")), R"(["2","2","1"])");
  EXPECT_EQ(histogram->getArray("explicitBounds")->size(), 2u);
  EXPECT_EQ(metrics->getObject(2)->getValue<std::string>("unit"), "s");
}

TEST(OtlpJsonTest, TheCheckRefusesWhatACollectorRefuses) {
  using oxd::testing::OtlpLogsProblems;
  EXPECT_FALSE(OtlpLogsProblems(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
      {"timeUnixNano":1700000000000000000}]}]}]})")
                   .empty())
      << "a number, not a string";
  EXPECT_FALSE(OtlpLogsProblems(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
      {"timeUnixNano":"1","body":{"stringValue":"a","intValue":"1"}}]}]}]})")
                   .empty());
  EXPECT_FALSE(OtlpLogsProblems(R"({"resource_logs":[]})").empty()) << "snake case";
  EXPECT_TRUE(OtlpLogsProblems(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
      {"timeUnixNano":"1","body":{"stringValue":"a"}}]}]}]})")
                  .empty());
}

TEST(OxFormatTest, TelemetryAndFrictionBodies) {
  std::string body =
      OxTelemetryBody("0b9e1c9a-8f57-4a8e-9a57-2f0e4a7e2b11", {Event("app:startup")});
  auto json = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(json->getValue<std::string>("clientid"), "0b9e1c9a-8f57-4a8e-9a57-2f0e4a7e2b11");
  auto event = json->getArray("events")->getObject(0);
  for (const char* key : {"uuid", "ts", "tslocal", "event", "props"})
    EXPECT_TRUE(event->has(key)) << key;
  std::string friction = OxFrictionBody("1.0.0", {Friction("unknown-flag", "ox --nope")});
  auto parsed = Poco::JSON::Parser().parse(friction).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(parsed->getValue<std::string>("v"), "1.0.0");
  EXPECT_EQ(parsed->getArray("events")->getObject(0)->getValue<std::string>("kind"),
            "unknown-flag");
}

}  // namespace
}  // namespace oxd::telemetry
