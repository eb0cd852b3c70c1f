// The telemetry plugin driven through the fake host (the whole plugin, TelemetryPlugin.cpp's
// OXD_PLUGIN) against the loopback collector (tests/support/OtlpCollector.h): what arrives,
// what is kept when the collector fails, what an opt-out sends (nothing).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <oxd/events.h>

#include <Poco/JSON/Parser.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <thread>

#include "Concurrency.h"
#include "OtlpCollector.h"
#include "PluginMessagesTest.h"

namespace oxd::telemetry {
namespace {

using oxd::testing::AttributeOf;
using oxd::testing::CollectorAnswer;
using oxd::testing::ObjectOf;
using oxd::testing::OtlpCollector;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kVariables[] = {"DO_NOT_TRACK",
                                      "SAGEOX_TELEMETRY",
                                      "SAGEOX_FRICTION",
                                      "OTEL_SDK_DISABLED",
                                      "OTEL_EXPORTER_OTLP_ENDPOINT",
                                      "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
                                      "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
                                      "OTEL_EXPORTER_OTLP_HEADERS",
                                      "OTEL_SERVICE_NAME",
                                      "OTEL_RESOURCE_ATTRIBUTES",
                                      "OTEL_BLRP_SCHEDULE_DELAY",
                                      "OTEL_METRIC_EXPORT_INTERVAL",
                                      "SAGEOX_TELEMETRY_ENDPOINT",
                                      "SAGEOX_FRICTION_ENDPOINT",
                                      "SAGEOX_CLIENT_ID",
                                      "OTEL_EXPORTER_OTLP_PROTOCOL"};

class TelemetryMessagesTest : public oxd::testing::PluginMessagesTest {
 protected:
  void SetUp() override {
    for (const char* name : kVariables) ::unsetenv(name);
  }
  void TearDown() override {
    PluginMessagesTest::TearDown();
    plugin_.reset();
    for (const char* name : kVariables) ::unsetenv(name);
  }
  void Start(const std::vector<std::pair<std::string, std::string>>& config = {}) {
    StartPlugin(oxd::testing::WorkspaceIn(scratch_), "telemetry", config);
    host_->addCallable("metrics", [](const sdk::Request&, sdk::Progress&) {
      return sdk::Reply::ok(Poco::JSON::Parser().parse(R"({"text":"","families":[
          {"name":"oxd_requests_total","help":"Requests.","type":"counter",
           "series":[{"labels":{"type":"ping","outcome":"ok"},"value":3}]}]})"));
    });
  }
  Poco::JSON::Object::Ptr Status() { return ObjectOf(host_->statusSectionValue("telemetry")); }
  void Send(const std::string& event, const std::string& props = "{}") {
    EXPECT_EQ(
        host_->sendOneWay("telemetry", R"({"event":")" + event + R"(","props":)" + props + "}"),
        "");
  }
  OtlpCollector collector_;
};

TEST_F(TelemetryMessagesTest, EverythingIsRegisteredInOneTable) {
  Start();
  // Quick: they only record into memory, so the daemon runs them without a hand-off.
  EXPECT_TRUE(host_->handlesQuickOneWay("telemetry"));
  EXPECT_TRUE(host_->handlesQuickOneWay("friction"));
  EXPECT_TRUE(host_->handles("telemetry_status"));
  EXPECT_TRUE(host_->handles("telemetry_flush"));
  EXPECT_EQ(host_->statusSections(), std::vector<std::string>{"telemetry"});
  for (const char* topic : {sdk::SyncCompleteEvent::kTopic, sdk::CodedbIndexedEvent::kTopic,
                            sdk::DaemonStoppingEvent::kTopic}) {
    EXPECT_TRUE(host_->subscribes(topic)) << topic;
  }
}

TEST_F(TelemetryMessagesTest, WithoutAnExporterEventsStayLocalAndVisible) {
  Start();
  Send("cli:command", R"({"command":"status"})");
  host_->deliver(sdk::SyncCompleteEvent{"ledger", "ledger", "pull", "ok", 120});
  auto details = ObjectOf(host_->send("telemetry_status").reply.data);
  auto events = details->getArray("events");
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ(events->getObject(0)->getValue<std::string>("event"), "app:startup");
  EXPECT_EQ(events->getObject(1)->getObject("props")->getValue<std::string>("command"), "status");
  auto sync = events->getObject(2)->getObject("props");
  EXPECT_EQ(sync->getValue<std::string>("sync_type"), "ledger");
  EXPECT_EQ(sync->getValue<int>("duration_ms"), 120);
  EXPECT_EQ(details->getArray("exporters")->size(), 0u);
  EXPECT_NE(host_->send("telemetry_flush").reply.error.find("no exporter"), std::string::npos);
  EXPECT_EQ(collector_.requests().size(), 0u);
}

TEST_F(TelemetryMessagesTest, BadMessagesAreDroppedAndCounted) {
  Start();
  EXPECT_EQ(host_->sendOneWay("telemetry", R"({"props":{}})"), "");
  EXPECT_EQ(host_->sendOneWay("telemetry", R"({"event":"x","props":[1]})"), "");
  EXPECT_EQ(host_->sendOneWay("friction", R"({"kind":"nonsense"})"), "");
  auto invalid = Status()->getObject("invalid");
  EXPECT_EQ(invalid->getValue<int>("telemetry"), 2);
  EXPECT_EQ(invalid->getValue<int>("friction"), 1);
  EXPECT_EQ(Status()->getValue<int>("buffered"), 1) << "only app:startup";
  EXPECT_TRUE(host_->logged("dropped a telemetry message"));
}

TEST_F(TelemetryMessagesTest, FlushSendsLogRecordsWithTheResourceAndMetrics) {
  Start({{"otlp_endpoint", collector_.url()}, {"otlp_headers", "x-api-key=k1"}});
  Send("cli:command", R"({"command":"status","ok":true,"ms":12})");
  sdk::CodedbIndexedEvent indexed;
  indexed.repo = "https://example.com/secret.git";
  indexed.ok = true;
  host_->deliver(indexed);
  auto flushed = host_->send("telemetry_flush");
  ASSERT_TRUE(flushed.reply.success) << flushed.reply.error;
  EXPECT_EQ(collector_.problems(), std::vector<std::string>{});
  auto logs = collector_.requests("/v1/logs");
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].headers["x-api-key"], "k1");
  auto resource = logs[0].json->getArray("resourceLogs")->getObject(0)->getObject("resource");
  EXPECT_EQ(AttributeOf(resource, "service.name"), "oxd");
  EXPECT_EQ(AttributeOf(resource, "service.instance.id"), host_->workspace().workspace_id);
  EXPECT_EQ(AttributeOf(resource, "os.type"), "linux");
  EXPECT_FALSE(AttributeOf(resource, "host.name").empty());
  auto records = collector_.logRecords();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(AttributeOf(records[0], "event.name"), "app:startup");
  EXPECT_EQ(AttributeOf(records[1], "command"), "status");
  EXPECT_EQ(AttributeOf(records[1], "ms"), "12");
  EXPECT_EQ(AttributeOf(records[2], "event.name"), "codedb:index_complete");
  EXPECT_EQ(AttributeOf(records[2], "repo"), "remote") << "never the URL";
  ASSERT_EQ(collector_.count("/v1/metrics"), 1u);
  EXPECT_EQ(Status()->getValue<int>("sent"), 3);
  EXPECT_EQ(Status()->getValue<int>("buffered"), 0);
}

TEST_F(TelemetryMessagesTest, AFailedBatchIsKeptAndDeliveredOnce) {
  collector_.script({{.status = 503}, {.status = 429, .headers = {{"Retry-After", "1"}}}});
  // Logs only, so that the scripted answers all go to /v1/logs.
  ::setenv("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", (collector_.url() + "/v1/logs").c_str(), 1);
  Start();
  Send("one");
  ASSERT_TRUE(host_->send("telemetry_flush").reply.success);
  EXPECT_EQ(Status()->getValue<int>("buffered"), 2) << "kept after the 503";
  EXPECT_NE(Status()->getValue<std::string>("last_error").find("503"), std::string::npos);
  // The retry comes by itself (backoff, then the 429's Retry-After), then a 200.
  ASSERT_TRUE(collector_.waitForRequests("/v1/logs", 3, seconds(15)));
  ASSERT_TRUE(
      oxd::testing::eventually([&] { return Status()->getValue<int>("sent") == 2; }, seconds(5)));
  std::vector<std::string> delivered;
  for (auto& record : collector_.logRecords())
    delivered.push_back(AttributeOf(record, "log.record.uid"));
  EXPECT_EQ(delivered.size(), 2u) << "each event once";
  EXPECT_EQ(Status()->getValue<std::string>("last_error"), "");
}

TEST_F(TelemetryMessagesTest, ABadRequestAndAPartialSuccessAreNotRetried) {
  collector_.script(
      {{.status = 400, .body = R"({"error":"bad"})"},
       {.status = 200,
        .body = R"({"partialSuccess":{"rejectedLogRecords":"1","errorMessage":"too old"}})"}});
  ::setenv("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", (collector_.url() + "/v1/logs").c_str(), 1);
  Start();
  host_->send("telemetry_flush");
  EXPECT_EQ(Status()->getValue<int>("buffered"), 0) << "a 400 drops the batch";
  Send("two");
  host_->send("telemetry_flush");
  EXPECT_TRUE(host_->logged("partial success: 1 rejected (too old)"));
  EXPECT_TRUE(host_->logged("400"));
  std::this_thread::sleep_for(milliseconds(1500));
  EXPECT_EQ(collector_.count("/v1/logs"), 2u) << "nothing retried";
}

TEST_F(TelemetryMessagesTest, AHangingCollectorDelaysTheStopByAtMostTwoSeconds) {
  collector_.setFallback({.hang = true});
  Start({{"otlp_endpoint", collector_.url()}});
  Send("one");
  auto flushing = std::async(std::launch::async, [&] { return host_->send("telemetry_flush"); });
  ASSERT_TRUE(collector_.waitForRequests("/v1/logs", 1, seconds(5)));
  auto before = std::chrono::steady_clock::now();
  plugin_->stop();
  auto took = std::chrono::steady_clock::now() - before;
  EXPECT_LT(took, milliseconds(2000));
  flushing.wait();
  plugin_.reset();
}

TEST_F(TelemetryMessagesTest, EachOptOutSendsNothingAtAll) {
  for (const auto& [name, value] : std::vector<std::pair<const char*, const char*>>{
           {"DO_NOT_TRACK", "1"}, {"SAGEOX_TELEMETRY", "false"}, {"OTEL_SDK_DISABLED", "true"}}) {
    ::setenv(name, value, 1);
    ::setenv("SAGEOX_FRICTION_ENDPOINT", collector_.url().c_str(), 1);
    ::setenv("SAGEOX_TELEMETRY_ENDPOINT", (collector_.url() + "/tevents").c_str(), 1);
    Start({{"otlp_endpoint", collector_.url()},
           {"flush_interval", "1s"},
           {"metrics_interval", "1s"}});
    Send("one");
    EXPECT_EQ(host_->sendOneWay("friction", R"({"kind":"unknown-command","input":"ox x"})"), "");
    EXPECT_FALSE(host_->send("telemetry_flush").reply.success);
    EXPECT_FALSE(Status()->getValue<bool>("enabled"));
    EXPECT_EQ(Status()->getValue<std::string>("disabled_by").substr(0, std::string(name).size()),
              name);
    std::this_thread::sleep_for(milliseconds(1300));
    plugin_->stop();
    plugin_.reset();
    EXPECT_EQ(collector_.requests().size(), 0u) << name;
    ::unsetenv(name);
  }
}

TEST_F(TelemetryMessagesTest, OxFormatFrictionSampleRateAndRetryAfter) {
  ::setenv("SAGEOX_TELEMETRY_ENDPOINT", (collector_.url() + "/tevents").c_str(), 1);
  ::setenv("SAGEOX_CLIENT_ID", "0b9e1c9a-8f57-4a8e-9a57-2f0e4a7e2b11", 1);
  Start({{"friction_endpoint", collector_.url()}});
  sdk::Credentials credentials;
  credentials.auth_token = "oauth-token";
  host_->setCredentials(credentials);
  // First friction flush: accepted, and the server sets the sample rate to 0.
  collector_.script({{.status = 200, .headers = {{"X-SageOx-Interval", "2s"}}},
                     {.status = 200,
                      .headers = {{"X-Friction-Sample-Rate", "0"}},
                      .body = R"({"catalog":{"version":"c1","commands":["status"]}})"}});
  EXPECT_EQ(host_->sendOneWay("friction", R"({"kind":"unknown-command","input":"ox stats"})"), "");
  EXPECT_EQ(host_->sendOneWay("friction", R"({"kind":"unknown-command","input":"ox stats"})"), "");
  ASSERT_TRUE(host_->send("telemetry_flush").reply.success);
  EXPECT_EQ(collector_.problems(), std::vector<std::string>{});
  auto ox = collector_.requests("/tevents");
  ASSERT_EQ(ox.size(), 1u);
  EXPECT_EQ(ox[0].json->getValue<std::string>("clientid"), "0b9e1c9a-8f57-4a8e-9a57-2f0e4a7e2b11");
  EXPECT_EQ(Status()->getValue<int>("send_interval_ms"), 2000) << "X-SageOx-Interval";
  auto friction = collector_.requests("/api/v1/cli/friction");
  ASSERT_EQ(friction.size(), 1u);
  EXPECT_EQ(friction[0].json->getArray("events")->size(), 1u) << "deduplicated";
  EXPECT_EQ(friction[0].headers["authorization"], "Bearer oauth-token");
  EXPECT_FALSE(friction[0].headers["x-client-version"].empty());
  auto status = Status()->getObject("friction");
  EXPECT_EQ(status->getValue<double>("sample_rate"), 0.0);
  EXPECT_EQ(status->getValue<std::string>("catalog_version"), "c1");
  // Rate 0: later flushes send nothing and keep the buffer.
  EXPECT_EQ(host_->sendOneWay("friction", R"({"kind":"invalid-arg","input":"ox -z"})"), "");
  host_->send("telemetry_flush");
  EXPECT_EQ(collector_.count("/api/v1/cli/friction"), 1u);
  EXPECT_EQ(Status()->getObject("friction")->getValue<int>("buffered"), 1);
  // The catalog is cached for the user, 0600, and sent back as X-Catalog-Version.
  auto catalog = host_->workspace().cache_dir.parent_path() / "friction-catalog.json";
  struct stat info {};
  ASSERT_EQ(::stat(catalog.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(TelemetryMessagesTest, FrictionRetryAfterHoldsSendingAndKeepsTheBuffer) {
  collector_.script({{.status = 503, .headers = {{"Retry-After", "3600"}}}});
  Start({{"friction_endpoint", collector_.url()}});
  EXPECT_EQ(host_->sendOneWay("friction", R"({"kind":"parse-error","input":"ox '"})"), "");
  host_->send("telemetry_flush");
  host_->send("telemetry_flush");
  EXPECT_EQ(collector_.count("/api/v1/cli/friction"), 1u) << "held for an hour";
  auto status = Status()->getObject("friction");
  EXPECT_EQ(status->getValue<int>("buffered"), 1);
  EXPECT_FALSE(status->getValue<std::string>("retry_after").empty());
}

TEST_F(TelemetryMessagesTest, ShutdownCarriesTheReasonAndAnUncleanExitIsACrash) {
  Start();
  auto marker = host_->workspace().workspace_data_dir / "telemetry" / "running.json";
  EXPECT_TRUE(std::filesystem::exists(marker));
  host_->deliver(sdk::DaemonStoppingEvent{"inactivity"});
  plugin_->stop();
  plugin_.reset();
  EXPECT_FALSE(std::filesystem::exists(marker)) << "a clean stop removes the marker";

  // A run that did not stop: its marker is still there at the next start.
  std::filesystem::create_directories(marker.parent_path());
  std::ofstream(marker) << R"({"pid":1,"started_ms":1000,"alive_ms":61000})";
  Start();
  auto events = ObjectOf(host_->send("telemetry_status").reply.data)->getArray("events");
  ASSERT_GE(events->size(), 2u);
  auto crash = events->getObject(0);
  EXPECT_EQ(crash->getValue<std::string>("event"), "app:crash");
  EXPECT_EQ(crash->getObject("props")->getValue<int>("uptime_seconds"), 60);
  EXPECT_EQ(events->getObject(1)->getValue<std::string>("event"), "app:startup");
}

TEST_F(TelemetryMessagesTest, TheClientIdIsPersistedPrivately) {
  ::setenv("SAGEOX_TELEMETRY_ENDPOINT", (collector_.url() + "/tevents").c_str(), 1);
  Start();
  std::string id = Status()->getValue<std::string>("client_id");
  EXPECT_EQ(id.size(), 36u);
  auto file = host_->workspace().data_dir / "telemetry" / "client_id";
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  plugin_->stop();
  Start();
  EXPECT_EQ(Status()->getValue<std::string>("client_id"), id);
}

}  // namespace
}  // namespace oxd::telemetry
