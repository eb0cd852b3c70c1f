// The telemetry plugin in the real oxd against the loopback collector
// (tests/support/OtlpCollector.h, every request checked against the OTLP JSON mapping): what
// arrives, the ring under a burst, retries without duplicates, a hanging collector against
// ping and stop, the opt-outs, a crash found at the next start, the metrics, and ox's format.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>
#include <set>
#include <string>
#include <vector>

#include "CliTestSupport.h"
#include "OtlpCollector.h"

namespace oxd::testing {
namespace {

using namespace std::chrono_literals;

class TelemetryTest : public CliFixture {
 protected:
  // oxd with only the telemetry plugin, sending to the collector.
  void start(std::map<std::string, std::string> env = {}, std::vector<std::string> args = {}) {
    std::filesystem::path dir = tempDir() / "plugins";
    std::filesystem::create_directories(dir);
    std::filesystem::copy_file(std::filesystem::path(OXD_PLUGIN_DIR) / "telemetry.so",
                               dir / "telemetry.so",
                               std::filesystem::copy_options::overwrite_existing);
    // Several tests start oxd again and again: the restart throttle would make them wait.
    env["OXD_DAEMON__RESTART_THROTTLE"] = "false";
    if (!env.contains("OTEL_EXPORTER_OTLP_ENDPOINT")) {
      env["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector_.url();
    }
    ASSERT_NO_FATAL_FAILURE(
        startDaemon({.args = std::move(args), .env = std::move(env), .plugin_dir = dir}));
  }
  nlohmann::json status() {
    ProcessResult shown = oxctl({"telemetry", "--json"});
    EXPECT_EQ(shown.exit_code, 0) << shown.err;
    return nlohmann::json::parse(shown.out);
  }
  void event(const std::string& name, nlohmann::json props = nlohmann::json::object()) {
    sendOneWay("telemetry", {{"event", name}, {"props", props}});
  }
  // Waits until the daemon has taken `n` events in (one-way messages have no reply).
  bool buffered(std::size_t n) {
    return WaitFor(
        [&] {
          auto data = status();
          return data["buffered"].get<std::size_t>() + data["sent"].get<std::size_t>() +
                     data["dropped"].get<std::size_t>() >=
                 n;
        },
        10s);
  }
  std::vector<std::string> eventNames() {
    std::vector<std::string> names;
    for (auto& record : collector_.logRecords()) names.push_back(AttributeOf(record, "event.name"));
    return names;
  }

  OtlpCollector collector_;
};

TEST_F(TelemetryTest, EventsArriveWithTheResourceAndTheirAttributes) {
  ASSERT_NO_FATAL_FAILURE(start({{"OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=ci"}}));
  event("cli:command", {{"command", "status"}, {"duration_ms", 12}, {"ok", true}});
  ASSERT_TRUE(buffered(2));
  ProcessResult flushed = oxctl({"telemetry", "flush"});
  ASSERT_EQ(flushed.exit_code, 0) << flushed.err << daemonDiagnostics();
  EXPECT_EQ(collector_.problems(), std::vector<std::string>{});
  auto logs = collector_.requests("/v1/logs");
  ASSERT_EQ(logs.size(), 1u);
  auto resource = logs[0].json->getArray("resourceLogs")->getObject(0)->getObject("resource");
  EXPECT_EQ(AttributeOf(resource, "service.name"), "oxd");
  EXPECT_EQ(AttributeOf(resource, "service.version"), OXD_VERSION);
  EXPECT_EQ(AttributeOf(resource, "service.instance.id"), workspaceId());
  EXPECT_EQ(AttributeOf(resource, "os.type"), "linux");
  EXPECT_FALSE(AttributeOf(resource, "host.name").empty());
  EXPECT_EQ(AttributeOf(resource, "deployment.environment"), "ci");
  auto records = collector_.logRecords();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(AttributeOf(records[0], "event.name"), "app:startup");
  EXPECT_EQ(AttributeOf(records[0], "os"), "linux");
  EXPECT_EQ(records[1]->getValue<std::string>("eventName"), "cli:command");
  EXPECT_EQ(AttributeOf(records[1], "command"), "status");
  EXPECT_EQ(AttributeOf(records[1], "duration_ms"), "12");
  EXPECT_EQ(AttributeOf(records[1], "ok"), "true");

  // The stop's final flush carries app:shutdown and why.
  ProcessResult stop = oxctl({"stop"});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  ASSERT_TRUE(waitForDaemonExit(10s));
  records = collector_.logRecords();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(AttributeOf(records[2], "event.name"), "app:shutdown");
  EXPECT_EQ(AttributeOf(records[2], "reason"), "stop");
}

TEST_F(TelemetryTest, ABurstKeepsTheRingCountsTheDropsAndFlushesEarlyOnce) {
  // The early flush is answered "come back in an hour": nothing else may be sent meanwhile.
  collector_.script({{.status = 429, .headers = {{"Retry-After", "3600"}}}});
  ASSERT_NO_FATAL_FAILURE(start());
  for (int i = 0; i < 600; ++i) event("burst", {{"i", i}});
  ASSERT_TRUE(buffered(601));
  ASSERT_TRUE(collector_.waitForRequests("/v1/logs", 1, 5s));
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(collector_.count("/v1/logs"), 1u) << "one early flush within the throttle";
  auto data = status();
  EXPECT_EQ(data["buffered"], 500);
  EXPECT_EQ(data["dropped"], 101);
  EXPECT_EQ(data["sent"], 0);
  EXPECT_NE(data["retry_at"], "");
  EXPECT_EQ(collector_.problems(), std::vector<std::string>{});
}

TEST_F(TelemetryTest, A503ThenA200DeliversEachEventOnce) {
  collector_.script({{.status = 503}});
  ASSERT_NO_FATAL_FAILURE(start());
  event("one");
  event("two");
  ASSERT_TRUE(buffered(3));
  oxctl({"telemetry", "flush"});
  ASSERT_TRUE(collector_.waitForRequests("/v1/logs", 2, 10s)) << daemonDiagnostics();
  ASSERT_TRUE(WaitFor([&] { return status()["sent"] == 3; }, 5s));
  std::vector<std::string> ids;
  for (auto& record : collector_.logRecords()) ids.push_back(AttributeOf(record, "log.record.uid"));
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 3u) << "no duplicate";
  EXPECT_EQ(collector_.problems(), std::vector<std::string>{});
}

std::chrono::microseconds P99(std::vector<std::chrono::microseconds> samples) {
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() * 99 / 100];
}

TEST_F(TelemetryTest, AHangingCollectorDelaysNeitherPingNorStop) {
  collector_.setFallback({.hang = true});
  ASSERT_NO_FATAL_FAILURE(start());
  auto pings = [&] {
    std::vector<std::chrono::microseconds> took;
    for (int i = 0; i < 200; ++i) {
      auto before = std::chrono::steady_clock::now();
      EXPECT_EQ(request("ping")["data"], "pong");
      took.push_back(std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now() - before));
    }
    return P99(took);
  };
  auto quiet = pings();
  event("one");
  ASSERT_TRUE(buffered(2));
  auto flushing = std::async(std::launch::async, [&] { return oxctl({"telemetry", "flush"}); });
  ASSERT_TRUE(collector_.waitForRequests("/v1/logs", 1, 5s));
  auto hanging = pings();
  EXPECT_LT(hanging, std::max(quiet * 3, std::chrono::microseconds(20000)))
      << "p99 quiet " << quiet.count() << " us, hanging " << hanging.count() << " us";
  auto before = std::chrono::steady_clock::now();
  ProcessResult stop = oxctl({"stop"});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  ASSERT_TRUE(waitForDaemonExit(10s));
  auto took = std::chrono::steady_clock::now() - before;
  EXPECT_LT(took, 2s) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                      << " ms\n"
                      << daemonDiagnostics();
  flushing.wait();
}

TEST_F(TelemetryTest, EachOptOutSendsNoRequestAtAll) {
  struct OptOut {
    std::map<std::string, std::string> env;
    std::vector<std::string> args;
  };
  std::vector<OptOut> opt_outs = {{{{"DO_NOT_TRACK", "1"}}, {}},
                                  {{{"SAGEOX_TELEMETRY", "false"}}, {}},
                                  {{{"OTEL_SDK_DISABLED", "true"}}, {}},
                                  {{}, {"--define", "telemetry.enabled=false"}}};
  for (OptOut& opt_out : opt_outs) {
    opt_out.env["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
    opt_out.env["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
    opt_out.env["SAGEOX_TELEMETRY_ENDPOINT"] = collector_.url() + "/tevents";
    opt_out.env["SAGEOX_FRICTION_ENDPOINT"] = collector_.url();
    ASSERT_NO_FATAL_FAILURE(start(opt_out.env, opt_out.args));
    event("one");
    sendOneWay("friction", {{"kind", "unknown-command"}, {"input", "ox nope"}});
    EXPECT_NE(oxctl({"telemetry", "flush"}).exit_code, 0);
    std::this_thread::sleep_for(1500ms);
    ProcessResult stop = oxctl({"stop"});
    EXPECT_EQ(stop.exit_code, 0);
    ASSERT_TRUE(waitForDaemonExit(10s));
    EXPECT_EQ(collector_.requests().size(), 0u)
        << (opt_out.args.empty() ? opt_out.env.begin()->first : opt_out.args[1]);
  }
}

TEST_F(TelemetryTest, ARestartAfterSigkillSendsAppCrash) {
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_TRUE(buffered(1));
  ::kill(daemonPid(), SIGKILL);
  ASSERT_TRUE(waitForDaemonExit(10s));
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_EQ(oxctl({"telemetry", "flush"}).exit_code, 0) << daemonDiagnostics();
  auto names = eventNames();
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(names[0], "app:crash");
  EXPECT_EQ(std::count(names.begin(), names.end(), "app:startup"), 1)
      << "the killed run's startup was never sent";
  EXPECT_EQ(collector_.problems(), std::vector<std::string>{});
}

// The value of oxd_requests_total{type="ping",outcome="ok"} in one metrics request; -1: absent.
double PingCount(const ReceivedRequest& metrics) {
  auto scope = metrics.json->getArray("resourceMetrics")
                   ->getObject(0)
                   ->getArray("scopeMetrics")
                   ->getObject(0);
  auto list = scope->getArray("metrics");
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto metric = list->getObject(i);
    if (metric->getValue<std::string>("name") != "oxd_requests_total") continue;
    auto points = metric->getObject("sum")->getArray("dataPoints");
    for (std::size_t p = 0; p < points->size(); ++p) {
      auto point = points->getObject(p);
      if (AttributeOf(point, "type") == "ping" && AttributeOf(point, "outcome") == "ok") {
        return point->getValue<double>("asDouble");
      }
    }
  }
  return -1;
}

TEST_F(TelemetryTest, MetricsArriveAndTheirCountersGrow) {
  ASSERT_NO_FATAL_FAILURE(start({{"OTEL_METRIC_EXPORT_INTERVAL", "1000"}}));
  for (int i = 0; i < 5; ++i) request("ping");
  ASSERT_TRUE(collector_.waitForRequests("/v1/metrics", 1, 5s));
  for (int i = 0; i < 5; ++i) request("ping");
  std::size_t seen = collector_.count("/v1/metrics");
  ASSERT_TRUE(collector_.waitForRequests("/v1/metrics", seen + 1, 5s));
  auto metrics = collector_.requests("/v1/metrics");
  double first = PingCount(metrics.front());
  double last = PingCount(metrics.back());
  EXPECT_GE(first, 5);
  EXPECT_GE(last, first + 5);
  EXPECT_EQ(collector_.problems(), std::vector<std::string>{});
}

TEST_F(TelemetryTest, OxFormatHonoursSampleRateZeroAndRetryAfter) {
  // ox's endpoints only (no OTLP).
  collector_.script({{.status = 503, .headers = {{"Retry-After", "3600"}}},
                     {.status = 200, .headers = {{"X-Friction-Sample-Rate", "0"}}}});
  ASSERT_NO_FATAL_FAILURE(start({{"OTEL_EXPORTER_OTLP_ENDPOINT", ""},
                                 {"SAGEOX_TELEMETRY_ENDPOINT", collector_.url() + "/tevents"},
                                 {"SAGEOX_FRICTION_ENDPOINT", collector_.url()}}));
  sendOneWay("friction", {{"kind", "unknown-command"}, {"input", "ox stauts"}, {"actor", "human"}});
  ASSERT_TRUE(WaitFor([&] { return status()["friction"]["buffered"] == 1; }, 5s));
  oxctl({"telemetry", "flush"});
  EXPECT_EQ(collector_.count("/tevents"), 1u);
  EXPECT_EQ(collector_.count("/api/v1/cli/friction"), 1u);
  EXPECT_EQ(collector_.problems(), std::vector<std::string>{});
  sendOneWay("friction", {{"kind", "unknown-flag"}, {"input", "ox --verbsoe"}, {"actor", "agent"}});
  ASSERT_TRUE(WaitFor([&] { return status()["friction"]["buffered"] == 1; }, 5s));
  oxctl({"telemetry", "flush"});
  EXPECT_EQ(collector_.count("/tevents"), 1u) << "held by Retry-After: 3600";
  EXPECT_EQ(collector_.count("/api/v1/cli/friction"), 1u) << "sample rate 0";
  auto data = status();
  EXPECT_EQ(data["buffered"], 1) << "kept, not dropped";
  EXPECT_NE(data["retry_at"], "");
  EXPECT_EQ(data["friction"]["sample_rate"], 0.0);
  EXPECT_EQ(data["friction"]["buffered"], 1);
}

TEST_F(TelemetryTest, AnotherOtlpProtocolIsNamedByConfigCheckAndOnceInTheLog) {
  ProcessResult checked =
      oxctl({"config", "check"}, {.env = {{"OXD_DAEMON__PLUGIN_DIR", OXD_PLUGIN_DIR},
                                          {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}}});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_NE(checked.out.find("environment OTEL_EXPORTER_OTLP_PROTOCOL: warning: 'grpc': the "
                             "telemetry plugin sends OTLP as http/json only"),
            std::string::npos)
      << checked.out;
  ASSERT_NO_FATAL_FAILURE(start({{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}}));
  event("one");
  ASSERT_TRUE(buffered(2));
  ASSERT_EQ(oxctl({"telemetry", "flush"}).exit_code, 0);
  EXPECT_EQ(collector_.count("/v1/logs"), 1u) << "sent all the same, as JSON";
  EXPECT_NE(daemonDiagnostics().find(
                "telemetry: OTEL_EXPORTER_OTLP_PROTOCOL=grpc: oxd sends OTLP as http/json only"),
            std::string::npos);
}

}  // namespace
}  // namespace oxd::testing
