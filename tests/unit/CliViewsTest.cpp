// The human views of oxctl doctor, errors, instances and plugins, rendered from fixed replies.

#include <gtest/gtest.h>

#include "common/DaemonRegistry.h"
#include "oxctl/Views.h"

namespace oxd::cli {
namespace {

using json = nlohmann::json;

TimePoint at(const char* rfc3339) { return *registry::DaemonRegistry::parseTime(rfc3339); }

const TimePoint kNow = at("2025-03-01T12:00:00Z");

TEST(CliViewsTest, DoctorShowsOneLinePerPluginAndFailsOnAnyError) {
  // The daemon's shape: each plugin under plugins.<name>, merged again at the top level.
  json doctor = {{"ok", true},
                 {"error", "cannot open ledger"},
                 {"plugins",
                  {{"sync", {{"error", "cannot open ledger"}}},
                   {"test_plugin", {{"ok", true}, {"checked", 3}}},
                   {"codedb", {{"errors", {"index locked", "fts5 missing"}}}}}}};
  DoctorView view = doctorView(doctor);
  EXPECT_TRUE(view.failed);
  EXPECT_EQ(view.text,
            "✗ codedb: index locked\n"
            "✗ codedb: fts5 missing\n"
            "✗ sync: cannot open ledger\n"
            "✓ test_plugin: checked=3");
}

TEST(CliViewsTest, DoctorPassesWhenEveryCheckPasses) {
  DoctorView view = doctorView({{"plugins", {{"test_plugin", {{"ok", true}}}}}});
  EXPECT_FALSE(view.failed);
  EXPECT_EQ(view.text, "✓ test_plugin");
  EXPECT_EQ(doctorView({{"plugins", json::object()}}).text, "no plugin reports a doctor check");
  EXPECT_TRUE(doctorView({{"plugins", {{"x", {{"ok", false}}}}}}).failed);
}

TEST(CliViewsTest, DoctorReadsTheOriginalDaemonsShape) {
  DoctorView view = doctorView({{"anti_entropy_triggered", true}, {"clones_triggered", 2}});
  EXPECT_FALSE(view.failed);
  EXPECT_EQ(view.text, "✓ doctor: anti_entropy_triggered=true, clones_triggered=2");
  EXPECT_TRUE(doctorView({{"errors", {"clone failed"}}}).failed);
}

TEST(CliViewsTest, ErrorsNewestFirstWithAge) {
  json errors = {{{"id", "aaaa1111"},
                  {"severity", "warning"},
                  {"code", "sync_failed"},
                  {"message", "old"},
                  {"timestamp", "2025-03-01T11:00:00Z"}},
                 {{"id", "bbbb2222"},
                  {"severity", "error"},
                  {"code", "disk_full"},
                  {"message", "new"},
                  {"timestamp", "2025-03-01T11:59:30Z"}}};
  EXPECT_EQ(errorsView(errors, kNow),
            "ID        SEVERITY  WHEN     MESSAGE\n"
            "bbbb2222  error     30s ago  disk_full: new\n"
            "aaaa1111  warning   1h ago   sync_failed: old");
  EXPECT_EQ(errorsView(json::array(), kNow), "no unviewed errors");
}

TEST(CliViewsTest, InstancesAreATreeByParent) {
  json data = {{"instances",
                {{{"agent_id", "child-b"},
                  {"parent_agent_id", "root"},
                  {"status", "idle"},
                  {"agent_type", "codex"},
                  {"last_heartbeat", "2025-03-01T11:57:00Z"}},
                 {{"agent_id", "root"},
                  {"status", "active"},
                  {"agent_type", "claude-code"},
                  {"last_heartbeat", "2025-03-01T11:59:55Z"},
                  {"cumulative_context_tokens", 12345},
                  {"command_count", 4}},
                 {{"agent_id", "grandchild"},
                  {"parent_agent_id", "child-a"},
                  {"status", "active"},
                  {"last_heartbeat", "2025-03-01T11:59:58Z"}},
                 {{"agent_id", "child-a"},
                  {"parent_agent_id", "root"},
                  {"status", "active"},
                  {"last_heartbeat", "2025-03-01T11:59:59Z"}},
                 {{"agent_id", "orphan"},
                  {"parent_agent_id", "gone"},
                  {"status", "idle"},
                  {"last_heartbeat", "2025-03-01T11:00:00Z"}}}}};
  EXPECT_EQ(instancesView(data, kNow),
            "AGENT               STATUS  TYPE         LAST HEARTBEAT  TOKENS\n"
            "root                active  claude-code  5s ago          12.3k in 4 commands\n"
            "├── child-a         active  -            1s ago          -\n"
            "│   └── grandchild  active  -            2s ago          -\n"
            "└── child-b         idle    codex        3m ago          -\n"
            "orphan              idle    -            1h ago          -");
}

TEST(CliViewsTest, InstancesSurviveAParentCycleAndEmptyLists) {
  json data = {{"instances",
                {{{"agent_id", "a"}, {"parent_agent_id", "b"}, {"status", "idle"}},
                 {{"agent_id", "b"}, {"parent_agent_id", "a"}, {"status", "idle"}}}}};
  std::string view = instancesView(data, kNow);
  EXPECT_NE(view.find("\na "), std::string::npos) << view;
  EXPECT_NE(view.find("└── b"), std::string::npos) << view;
  EXPECT_EQ(instancesView({{"instances", json::array()}}, kNow),
            "no agent instances (an agent appears with its first heartbeat)");
}

TEST(CliViewsTest, PluginsTableWithCountersAndLastErrors) {
  json data = {
      {"plugins",
       {{{"name", "test_plugin"},
         {"version", "0.1.0"},
         {"state", "running"},
         {"counters",
          {{"calls", 12}, {"errors", 1}, {"task_runs", 340}, {"events", 5}, {"drops", 0}}}},
        {{"name", "start_throws"},
         {"version", "1.0"},
         {"state", "failed"},
         {"last_error", "start: boom"},
         {"counters", json::object()}}}}};
  EXPECT_EQ(pluginsView(data),
            "NAME          VERSION  STATE    CALLS  ERRORS  TASKS  EVENTS  DROPS\n"
            "test_plugin   0.1.0    running     12       1    340       5      0\n"
            "start_throws  1.0      failed       0       0      0       0      0\n"
            "\n"
            "last errors:\n"
            "  start_throws: start: boom");
}

TEST(CliViewsTest, CountsAndAgesAreCompact) {
  EXPECT_EQ(compactCount(950), "950");
  EXPECT_EQ(compactCount(12345), "12.3k");
  EXPECT_EQ(compactCount(2'500'000), "2.5M");
  EXPECT_EQ(ago("2025-03-01T11:54:57Z", kNow), "5m 3s ago");
  EXPECT_EQ(ago("not a time", kNow), "-");
  EXPECT_EQ(ago("2025-03-01T12:00:09Z", kNow), "<1s ago");
}

}  // namespace
}  // namespace oxd::cli
