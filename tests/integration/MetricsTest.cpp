// `oxctl metrics` against the real oxd: the Prometheus text passes `promtool check metrics`
// (from Debian's prometheus package, which scripts/deps.sh unpacks), the counters move when
// requests are served, and --json gives the same metrics as families.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>

#include "CliTestSupport.h"

namespace oxd::testing {
namespace {

using nlohmann::json;

// OXD_PROMTOOL in the environment, else what CMake found. Never skipped: CI must check.
std::string promtool() {
  if (const char* path = std::getenv("OXD_PROMTOOL"); path && *path) return path;
  return OXD_PROMTOOL;
}

// The value of the sample line `series` ("name{labels}" exactly as printed), or nullopt.
std::optional<double> sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

class MetricsTest : public CliFixture {
 protected:
  std::string metricsText() {
    ProcessResult result = oxctl({"metrics"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out;
  }
  void expectPromtoolAccepts(const std::string& text) {
    std::string tool = promtool();
    ASSERT_TRUE(!tool.empty() && ::access(tool.c_str(), X_OK) == 0)
        << "promtool not found ('" << tool << "'): run scripts/deps.sh, or set OXD_PROMTOOL";
    ProcessResult check = runProgram(tool, {"check", "metrics"}, {.stdin_text = text});
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err << "\n" << text;
  }
  double value(const std::string& text, const std::string& series) {
    std::optional<double> found = sample(text, series);
    EXPECT_TRUE(found) << series << " missing from:\n" << text;
    return found.value_or(-1);
  }
};

TEST_F(MetricsTest, TextPassesPromtoolAndCountersMoveWithRequests) {
  ASSERT_NO_FATAL_FAILURE(startWithPlugins({"test_plugin"}));
  const std::string ping_ok = "oxd_requests_total{outcome=\"ok\",type=\"ping\"}";
  const std::string unknown = "oxd_requests_total{outcome=\"unknown\",type=\"other\"}";
  const std::string thrown = "oxd_requests_total{outcome=\"error\",type=\"test.throw\"}";
  const std::string invalid = "oxd_requests_total{outcome=\"invalid\",type=\"plugin_enable\"}";
  const std::string plugin_errors = "oxd_plugin_errors_total{kind=\"call\",plugin=\"test_plugin\"}";
  const std::string counted = "oxd_test_plugin_counted_total";
  const std::string ping_time = "oxd_request_duration_seconds_count{type=\"ping\"}";

  std::string before = metricsText();
  ASSERT_NO_FATAL_FAILURE(expectPromtoolAccepts(before));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(request("ping")["data"], "pong");
  EXPECT_EQ(request("no.such.type")["success"], false);
  EXPECT_EQ(request("test.throw")["success"], false);
  EXPECT_EQ(request("plugin_enable", json::object())["success"], false);  // no name: invalid
  EXPECT_EQ(request("test.count", {{"n", 3}})["success"], true);
  std::string after = metricsText();
  ASSERT_NO_FATAL_FAILURE(expectPromtoolAccepts(after));

  EXPECT_EQ(value(after, ping_ok) - value(before, ping_ok), 5);
  EXPECT_EQ(value(after, ping_time) - value(before, ping_time), 5);
  EXPECT_EQ(value(after, unknown) - value(before, unknown), 1);
  EXPECT_EQ(value(after, thrown) - value(before, thrown), 1);
  EXPECT_EQ(value(after, invalid) - value(before, invalid), 1);
  EXPECT_EQ(value(after, plugin_errors) - value(before, plugin_errors), 1);
  EXPECT_EQ(value(after, counted) - value(before, counted), 3);
  // Sampled when read (a task may be running, so only their presence is certain).
  EXPECT_GE(value(after, "oxd_workers"), 1);
  EXPECT_GE(value(after, "oxd_workers_busy"), 0);
  EXPECT_GE(value(after, "oxd_worker_queue_depth"), 0);
}

TEST_F(MetricsTest, JsonGivesTheFamilies) {
  ASSERT_NO_FATAL_FAILURE(startWithPlugins({"test_plugin"}));
  EXPECT_EQ(request("ping")["data"], "pong");
  ProcessResult result = oxctl({"metrics", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  json families = json::parse(result.out);
  ASSERT_TRUE(families.is_array()) << result.out;
  const json* requests = nullptr;
  for (const json& family : families) {
    if (family["name"] == "oxd_requests_total") requests = &family;
  }
  ASSERT_NE(requests, nullptr) << result.out;
  EXPECT_EQ((*requests)["type"], "counter");
  EXPECT_EQ((*requests)["help"], "Messages handled, by type and outcome.");
  bool ping_counted = false;
  for (const json& series : (*requests)["series"]) {
    if (series["labels"] == json({{"type", "ping"}, {"outcome", "ok"}}))
      ping_counted = series["value"].get<double>() >= 1;
  }
  EXPECT_TRUE(ping_counted) << requests->dump();
}

// The real plugins register their metrics at start and on status; all of it must still lint.
TEST_F(MetricsTest, RealPluginsMetricsPassPromtool) {
  ASSERT_NO_FATAL_FAILURE(startDaemon({.plugin_dir = std::filesystem::path(OXD_PLUGIN_DIR)}));
  EXPECT_EQ(request("status")["success"], true);  // refreshes the store-size gauges
  std::string text = metricsText();
  ASSERT_NO_FATAL_FAILURE(expectPromtoolAccepts(text));
  for (const char* family :
       {"oxd_whisper_deliveries_total", "oxd_codedb_search_duration_seconds"}) {
    EXPECT_TRUE(contains(text, std::string("# TYPE ") + family + " ")) << family << "\n" << text;
  }
}

}  // namespace
}  // namespace oxd::testing
