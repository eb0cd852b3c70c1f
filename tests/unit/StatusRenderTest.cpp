// Golden tests of the `oxctl status` / `oxctl daemons` views (docs/behavior.md#oxctl-status): fixed
// StatusData, a fixed `now`, HOME and TZ, with and without colour. The expected text lives in
// tests/golden/status/; after an intended change regenerate it with
//   OXD_UPDATE_GOLDEN=1 ./oxd_unit_tests --gtest_filter='StatusRender*'
// and review the diff. Without the variable a difference fails the test.

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "common/DaemonRegistry.h"
#include "oxctl/status/Render.h"
#include "oxctl/status/StatusView.h"
#include "oxctl/status/Terminal.h"

namespace oxd::cli::status {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

const fs::path kGoldenDir = fs::path(OXD_SOURCE_DIR) / "tests" / "golden" / "status";

TimePoint at(const std::string& rfc3339) {
  return registry::DaemonRegistry::parseTime(rfc3339).value();
}

const TimePoint kNow = at("2026-03-12T18:10:00Z");

bool updating() {
  const char* value = std::getenv("OXD_UPDATE_GOLDEN");
  return value && std::string(value) == "1";
}

void expectGolden(const std::string& name, const std::string& actual) {
  fs::path file = kGoldenDir / name;
  if (updating()) {
    fs::create_directories(kGoldenDir);
    std::ofstream(file, std::ios::binary) << actual << "\n";
    return;
  }
  std::ifstream input(file, std::ios::binary);
  ASSERT_TRUE(input) << "missing golden file " << file
                     << " (create it with OXD_UPDATE_GOLDEN=1 and review it)";
  std::stringstream buffer;
  buffer << input.rdbuf();
  EXPECT_EQ(buffer.str(), actual + "\n")
      << "golden file " << file << " differs (OXD_UPDATE_GOLDEN=1 rewrites it)";
}

// A daemon with the sync plugin: ledger, the project's team context, two other teams, errors,
// issues of every severity, agents, plugins and a sync history.
const json kFullStatus = json::parse(R"({
  "running": true, "pid": 48211, "version": "0.1.0", "uptime": 19800000000000,
  "workspace_path": "/home/ana/proj", "workspace_id": "3f9c0a1e",
  "ledger_path": "/home/ana/.local/share/oxd/ledgers/3f9c0a1e",
  "last_sync": "2026-03-12T18:05:00.5Z", "sync_interval_read": 300000000000,
  "recent_error_count": 2, "last_error": "ledger fetch failed: authentication required",
  "last_error_time": "2026-03-12T18:08:00Z", "unviewed_error_count": 3,
  "total_syncs": 42, "syncs_last_hour": 12, "avg_sync_time": 1812000000,
  "project_team_id": "team_42",
  "workspaces": {
    "ledger": [{"id": "ledger", "type": "ledger", "path": "/home/ana/.local/share/oxd/ledgers/3f9c0a1e",
                "exists": true, "last_sync": "2026-03-12T18:05:00.5Z",
                "last_gc_time": "0001-01-01T00:00:00Z"}],
    "team-context": [
      {"id": "team_42", "type": "team-context", "path": "/home/ana/.local/share/oxd/teams/team_42",
       "exists": true, "team_id": "team_42", "team_name": "Platform",
       "last_sync": "2026-03-12T17:58:00Z", "last_gc_time": "2026-03-09T18:10:00Z",
       "gc_interval_days": 7},
      {"id": "team_7", "type": "team-context", "exists": true, "team_id": "team_7",
       "team_name": "Design Systems", "last_sync": "0001-01-01T00:00:00Z", "syncing": true,
       "last_gc_time": "0001-01-01T00:00:00Z"},
      {"id": "team_9", "type": "team-context", "exists": false, "team_id": "team_9",
       "last_sync": "0001-01-01T00:00:00Z", "last_gc_time": "2026-02-01T00:00:00Z"},
      {"id": "team_3", "type": "team-context", "exists": true, "team_id": "team_3",
       "team_name": "Infra", "last_sync": "2026-03-12T16:00:00Z",
       "last_error": "clone failed: permission denied", "last_gc_time": "2026-03-01T00:00:00Z"}
    ]
  },
  "inactivity_timeout": 3600000000000, "time_since_activity": 12000000000,
  "activity": {
    "repos": [{"key": "/home/ana/proj", "count": 5, "last": "2026-03-12T18:09:48Z"}],
    "workspaces": [{"key": "3f9c0a1e", "count": 5, "last": "2026-03-12T18:09:48Z"}],
    "agents": [{"key": "Oxa7b3", "count": 4, "last": "2026-03-12T18:09:48Z"},
               {"key": "Oxc001", "count": 1, "last": "2026-03-12T15:40:00Z"}]
  },
  "callers": [{"id": "3f9c0a1e", "path": "/home/ana/proj-wt", "last_seen": "2026-03-12T18:09:48Z",
               "agent_id": "Oxa7b3"}],
  "authenticated_user": {"email": "ana@example.com", "id": "u_9"},
  "needs_help": true,
  "issues": [
    {"type": "git_lock", "severity": "warning", "repo": "ledger",
     "summary": "Stale lock files in the ledger", "since": "2026-03-12T18:06:00Z"},
    {"type": "merge_conflict", "severity": "error", "repo": "Infra",
     "summary": "merge conflict in TEAM.md", "since": "2026-03-12T17:10:00Z", "requires_confirm": true},
    {"type": "disk", "severity": "critical", "summary": "data dir nearly full",
     "since": "0001-01-01T00:00:00Z"}
  ],
  "startup_duration_ms": 41, "throttle_duration_ms": 5000,
  "test": {"task_runs": 3}
})");

const json kPlugins = json::parse(R"({"plugins": [
  {"name": "sync", "state": "running", "version": "0.1.0"},
  {"name": "whisper", "state": "disabled", "version": "0.1.0"},
  {"name": "codedb", "state": "failed", "version": "0.1.0",
   "last_error": "cannot open /home/ana/.local/share/oxd/workspaces/3f9c0a1e/code.db: database disk image is malformed"}
]})");

// Events from 5 h ago to now; two in the same 5-minute bucket; one outside the window.
const json kHistory = json::parse(R"({"events": [
  {"time": "2026-03-12T13:00:00Z", "type": "pull", "duration": 900000000, "files_changed": 0},
  {"time": "2026-03-12T14:12:00Z", "type": "pull", "duration": 1200000000, "files_changed": 2},
  {"time": "2026-03-12T15:30:00Z", "type": "team_context", "duration": 3400000000, "files_changed": 1},
  {"time": "2026-03-12T16:01:00Z", "type": "pull", "duration": 800000000, "files_changed": 0},
  {"time": "2026-03-12T16:02:00Z", "type": "pull", "duration": 700000000, "files_changed": 0},
  {"time": "2026-03-12T16:45:00Z", "type": "pull", "duration": 65000000000, "files_changed": 12},
  {"time": "2026-03-12T17:20:00Z", "type": "pull", "duration": 400000000, "files_changed": 0},
  {"time": "2026-03-12T17:40:00Z", "type": "team_context", "duration": 2100000000, "files_changed": 3},
  {"time": "2026-03-12T17:50:00Z", "type": "pull", "duration": 600000000, "files_changed": 0},
  {"time": "2026-03-12T17:58:00Z", "type": "team_context", "duration": 1000000000, "files_changed": 0},
  {"time": "2026-03-12T18:03:00Z", "type": "pull", "duration": 500000000, "files_changed": 1},
  {"time": "2026-03-12T18:05:00Z", "type": "pull", "duration": 300000000, "files_changed": 0}
]})");

// Today's daemon without the sync plugin: core fields and a plugin's own section.
const json kCoreOnlyStatus = json::parse(R"({
  "running": true, "pid": 14972, "version": "0.1.0", "uptime": 2261395837,
  "workspace_path": "/home/ana/proj", "workspace_id": "6679e3f1", "ledger_path": "",
  "recent_error_count": 0, "unviewed_error_count": 0, "inactivity_timeout": 3600000000000,
  "time_since_activity": 3995197, "pending_work": 0, "activity": {}, "needs_help": true,
  "issues": [{"severity": "warning", "since": "2026-03-12T18:09:58Z", "summary": "hello",
              "type": "test_issue"}],
  "startup_duration_ms": 49,
  "test": {"flaky_runs": 0, "heartbeat_events": 1, "last_note": "", "task_runs": 3}
})");

// Every field of the wrong type, broken list elements, times that do not parse.
const json kMalformedStatus = json::parse(R"({
  "running": "yes", "pid": "48211", "version": 7, "uptime": "long",
  "workspace_path": ["x"], "last_sync": 12, "sync_interval_read": "5m",
  "recent_error_count": null, "last_error": {"msg": 1}, "last_error_time": "yesterday",
  "workspaces": {"ledger": [3, null, {"exists": "true", "last_sync": "garbage"}],
                 "team-context": {"not": "a list"}},
  "activity": {"agents": [{"key": 5}, "x", {"key": "Ox1", "last": 99}]},
  "callers": "none",
  "issues": [null, 1, {"severity": 3}, {"summary": "kept", "since": "2026-13-45T99:00:00Z"}],
  "inactivity_timeout": 1e300, "time_since_activity": -5
})");

class StatusRenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    saved_tz_ = tz ? std::optional<std::string>(tz) : std::nullopt;
    ::setenv("TZ", "UTC", 1);  // Recent Syncs prints local clock times
    ::tzset();
  }
  void TearDown() override {
    if (saved_tz_) {
      ::setenv("TZ", saved_tz_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

  static RenderContext context(bool colour, std::string cli_version = "0.1.0") {
    return {kNow, "/home/ana", colour, std::move(cli_version)};
  }

  static StatusView fullView() {
    StatusView view = parseStatus(kFullStatus);
    view.plugins = parsePlugins(kPlugins);
    view.history = parseHistory(kHistory);
    return view;
  }

  // Plain golden, colour golden, and the colour text minus its escapes equals the plain one.
  template <typename Render>
  static void expectBothGoldens(const std::string& stem, Render render) {
    std::string plain = render(context(false));
    std::string colour = render(context(true));
    EXPECT_EQ(plain.find('\x1b'), std::string::npos) << "escape sequence in plain output";
    EXPECT_NE(colour.find("\x1b["), std::string::npos) << "no colour in colour output";
    EXPECT_EQ(stripAnsi(colour), plain);
    expectGolden(stem + ".txt", plain);
    expectGolden(stem + ".color.txt", colour);
  }

 private:
  std::optional<std::string> saved_tz_;
};

TEST_F(StatusRenderTest, CompactView) {
  StatusView view = fullView();
  expectBothGoldens("compact", [&](const RenderContext& c) { return renderCompact(view, c); });
}

TEST_F(StatusRenderTest, VerboseView) {
  StatusView view = fullView();
  expectBothGoldens("verbose", [&](const RenderContext& c) { return renderVerbose(view, c); });
}

TEST_F(StatusRenderTest, GcSuffixHasNoDoubledAgo) {
  // Upstream printed "gc in 4d ago" and "(last 3d ago ago)".
  std::string text = renderVerbose(fullView(), context(false));
  EXPECT_NE(text.find("· gc in 4d (last 3d ago)"), std::string::npos) << text;
  EXPECT_EQ(text.find("ago ago"), std::string::npos) << text;
  EXPECT_EQ(text.find("gc in 4d ago"), std::string::npos) << text;
}

TEST_F(StatusRenderTest, CoreOnlyDaemonWithoutSyncPlugin) {
  StatusView view = parseStatus(kCoreOnlyStatus);
  std::string text = renderCompact(view, context(false));
  EXPECT_EQ(text.find("Syncing"), std::string::npos) << text;
  expectGolden("core-only.txt", text);
  expectGolden("core-only.json", statusJson(view, context(false)).dump(2));
}

TEST_F(StatusRenderTest, VersionMismatchIsFlagged) {
  StatusView view = parseStatus(kCoreOnlyStatus);
  std::string text = renderCompact(view, context(false, "0.2.0+20260301"));
  EXPECT_NE(text.find("v0.1.0 ⚠ (mismatch: daemon v0.1.0)"), std::string::npos) << text;
  // Same semver, other build suffix: a match (docs/behavior.md#version-mismatch).
  text = renderCompact(view, context(false, "0.1.0+20260301"));
  EXPECT_NE(text.find("v0.1.0 ✓ (matching)"), std::string::npos) << text;
}

TEST_F(StatusRenderTest, MalformedReplyIsRenderedWithoutTheBadFields) {
  StatusView view = parseStatus(kMalformedStatus);
  expectGolden("malformed.txt", renderVerbose(view, context(false)));
  expectGolden("malformed.json", statusJson(view, context(false)).dump(2));
  // Not an object at all, and an empty object: a bare health line, no crash.
  for (const json& data : {json(nullptr), json("pong"), json::array(), json::object()}) {
    std::string text = renderVerbose(parseStatus(data), context(false));
    EXPECT_TRUE(text.starts_with("● Healthy")) << text;
  }
  EXPECT_TRUE(parsePlugins(json::array({1, 2})).empty());
  EXPECT_TRUE(parsePlugins(json::parse(R"({"plugins": [{"state": "x"}, 3]})")).empty());
  EXPECT_TRUE(parseHistory(json::parse(R"({"events": "no"})")).empty());
  EXPECT_TRUE(
      parseHistory(json::parse(R"([{"time": 5}, {"time": "0001-01-01T00:00:00Z"}])")).empty());
}

TEST_F(StatusRenderTest, StatusJson) {
  expectGolden("status.json", statusJson(fullView(), context(false)).dump(2));
}

TEST_F(StatusRenderTest, HealthFollowsSpec62) {
  auto healthOf = [](const json& patch) {
    json data = {{"last_sync", "2026-03-12T18:05:00Z"}, {"sync_interval_read", 300000000000}};
    if (patch.is_object()) data.update(patch);
    return statusJson(parseStatus(data), context(false))["health"].get<std::string>();
  };
  EXPECT_EQ(healthOf({}), "healthy");
  EXPECT_EQ(healthOf({{"recent_error_count", 1}}), "warning");
  EXPECT_EQ(healthOf({{"recent_error_count", 5}}), "critical");
  // Older than 2 × interval (10 min): critical; exactly 10 min is still fine.
  EXPECT_EQ(healthOf({{"last_sync", "2026-03-12T17:59:59Z"}}), "critical");
  EXPECT_EQ(healthOf({{"last_sync", "2026-03-12T18:00:00Z"}}), "healthy");
  // A never-synced daemon is not stale.
  EXPECT_EQ(healthOf({{"last_sync", "0001-01-01T00:00:00Z"}}), "healthy");
  EXPECT_EQ(healthOf({{"issues", {{{"severity", "warning"}, {"summary", "s"}}}}}), "warning");
  EXPECT_EQ(healthOf({{"issues", {{{"severity", "critical"}, {"summary", "s"}}}}}), "critical");
}

std::string sparklineAt(const std::vector<std::string>& times) {
  std::vector<TimePoint> events;
  for (const std::string& time : times) events.push_back(at(time));
  return sparkline(events, kNow);
}

TEST_F(StatusRenderTest, SparklineEdgeCases) {
  std::string out;
  out += "empty:          " + sparklineAt({}) + "\n";
  out += "one bucket:     " + sparklineAt({"2026-03-12T18:07:00Z"}) + "\n";
  out += "outside window: " +
         sparklineAt({"2026-03-12T14:09:59Z", "2026-03-12T18:10:01Z", "2026-03-11T18:00:00Z"}) +
         "\n";
  out += "window edges:   " + sparklineAt({"2026-03-12T14:10:00Z", "2026-03-12T18:10:00Z"}) + "\n";
  std::vector<std::string> ramp;  // bucket i (of the last 8) gets i+1 events: every level
  for (int bucket = 0; bucket < 8; ++bucket) {
    for (int n = 0; n <= bucket; ++n) {
      ramp.push_back(registry::DaemonRegistry::formatTime(kNow - 40min + bucket * 5min + 1min));
    }
  }
  out += "every level:    " + sparklineAt(ramp) + "\n";
  std::vector<std::string> flood(500, "2026-03-12T16:00:00Z");
  flood.push_back("2026-03-12T17:00:00Z");
  out += "max level:      " + sparklineAt(flood);
  expectGolden("sparkline.txt", out);

  // Width: 48 buckets and 3 separators; no events at all: 49 rules.
  std::string rules;
  for (int i = 0; i < 49; ++i) rules += "─";
  EXPECT_EQ(sparklineAt({}), rules);
  EXPECT_EQ(displayWidth(sparklineAt({"2026-03-12T18:07:00Z"})), 51u);
  // A lone event is the maximum: full block; a bucket far below the max still shows ▁.
  EXPECT_NE(sparklineAt({"2026-03-12T18:07:00Z"}).find("█"), std::string::npos);
  EXPECT_NE(sparklineAt(flood).find("█"), std::string::npos);
}

TEST_F(StatusRenderTest, ActivitySectionOnlyWithHistory) {
  EXPECT_EQ(activitySection({}, context(false)), "");
  StatusView view = parseStatus(kFullStatus);  // no history fetched
  std::string text = renderVerbose(view, context(false));
  EXPECT_EQ(text.find("Activity (4h)"), std::string::npos) << text;
  EXPECT_EQ(text.find("Recent Syncs"), std::string::npos) << text;
}

TEST_F(StatusRenderTest, NotRunningStartingStuck) {
  AbsentDaemon absent;
  absent.socket = "/run/user/1000/oxd/oxd-3f9c0a1e.sock";
  absent.inside_project = true;
  expectBothGoldens("not-running-inside",
                    [&](const RenderContext& c) { return renderAbsent(absent, c); });
  absent.autostart_off = true;
  EXPECT_NE(renderAbsent(absent, context(false)).find("Auto-start is off (OXD_NO_AUTOSTART)"),
            std::string::npos);
  absent.autostart_off = false;
  absent.inside_project = false;
  expectGolden("not-running-outside.txt", renderAbsent(absent, context(false)));

  absent.inside_project = true;
  absent.kind = AbsentDaemon::Kind::Starting;
  absent.pid = 48211;
  expectBothGoldens("starting", [&](const RenderContext& c) { return renderAbsent(absent, c); });

  absent.kind = AbsentDaemon::Kind::Stuck;
  absent.detail = "no reply from daemon within 2000 ms";
  expectBothGoldens("stuck", [&](const RenderContext& c) { return renderAbsent(absent, c); });

  AbsentDaemon not_running;
  AbsentDaemon starting;
  starting.kind = AbsentDaemon::Kind::Starting;
  AbsentDaemon stuck_without_pid;
  stuck_without_pid.kind = AbsentDaemon::Kind::Stuck;
  expectGolden("absent.json", absentJson(not_running).dump() + "\n" + absentJson(starting).dump() +
                                  "\n" + absentJson(absent).dump() + "\n" +
                                  absentJson(stuck_without_pid).dump());
}

TEST_F(StatusRenderTest, DaemonList) {
  std::vector<registry::DaemonEntry> daemons{
      {"3f9c0a1e", "/home/ana/proj", "repo_01J", "/run/user/1000/oxd/oxd-3f9c0a1e.sock", 48211,
       "0.1.0", at("2026-03-12T16:05:00Z")},
      {"77aa01bc", "/home/ana/src/github.com/acme/a-very-long-project-directory-name", "",
       "/run/user/1000/oxd/oxd-77aa01bc.sock", 5120, "0.1.0+20260310", at("2026-03-12T18:09:30Z")},
      {"0b0b0b0b", "/srv/x", "", "/tmp/oxd-1000/0b0b0b0b.sock", 77, "0.0.9", TimePoint{}},
  };
  expectBothGoldens("daemons",
                    [&](const RenderContext& c) { return renderDaemonList(daemons, c); });
  expectGolden("daemons-none.txt", renderDaemonList({}, context(false)));
  expectGolden("daemons.json", daemonListJson(daemons).dump(2));
  EXPECT_EQ(daemonListJson({}).dump(), "[]");
}

TEST(StatusTerminalTest, StripAnsiAndStyle) {
  Style on(true), off(false);
  EXPECT_EQ(on.red("x"), "\x1b[31mx\x1b[0m");
  EXPECT_EQ(off.red("x"), "x");
  EXPECT_EQ(on.bold(""), "");
  EXPECT_EQ(stripAnsi("a\x1b[1;31mb\x1b[0mc"), "abc");
}

TEST(StatusTerminalTest, NoColorDisablesColourEvenOnATerminal) {
  const char* saved = std::getenv("NO_COLOR");
  std::optional<std::string> keep = saved ? std::optional<std::string>(saved) : std::nullopt;
  ::setenv("NO_COLOR", "1", 1);
  EXPECT_FALSE(colourWanted(STDOUT_FILENO));
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::setenv("NO_COLOR", "", 1);  // empty means unset (no-color.org)
  EXPECT_FALSE(colourWanted(fds[1])) << "a pipe is not a terminal";
  ::close(fds[0]);
  ::close(fds[1]);
  if (keep) {
    ::setenv("NO_COLOR", keep->c_str(), 1);
  } else {
    ::unsetenv("NO_COLOR");
  }
}

}  // namespace
}  // namespace oxd::cli::status
