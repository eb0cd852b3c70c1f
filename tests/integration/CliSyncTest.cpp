// oxctl sync [--team], checkout, history and gc against the real oxd and the real sync plugin,
// over file:// remotes: what a user reads on stdout/stderr and the exit codes. Output goes to a
// pipe here, so the progress renderer prints one "[stage] …" line per update.
#include <filesystem>
#include <string>

#include "CliTestSupport.h"
#include "SyncFixture.h"
#include "common/Paths.h"

namespace oxd::testing {
namespace {

namespace fs = std::filesystem;
using git::testing::ReadFile;

class CliSyncTest : public SyncFixture {
 protected:
  // Ledger cloned at start; returns its checkout path.
  fs::path StartWithLedger() {
    std::string url = MakeRemote("ledger");
    writeProjectFile({{"ledger", {{"url", url}}}});
    StartSync();
    return WaitForLedger();
  }
};

TEST_F(CliSyncTest, SyncShowsEachStageThenSkipsWhenNothingMoved) {
  fs::path ledger = StartWithLedger();
  ASSERT_FALSE(ledger.empty());
  Push("ledger", "notes/a.md", "a\n");

  ProcessResult sync = oxctl({"sync"});
  EXPECT_EQ(sync.exit_code, 0) << sync.out << sync.err;
  EXPECT_TRUE(contains(sync.out, "[fetching] ")) << sync.out;
  EXPECT_TRUE(contains(sync.out, "[complete] Pulled 1 file")) << sync.out;
  EXPECT_EQ(ReadFile(ledger / "notes/a.md"), "a\n");

  ProcessResult again = oxctl({"sync"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_TRUE(contains(again.out, "[skipped] Remote unchanged, skipping pull")) << again.out;
  EXPECT_FALSE(contains(again.out, "[fetching]")) << again.out;

  // --json: each progress line as received, then the reply.
  ProcessResult json_run = oxctl({"sync", "--json"});
  EXPECT_EQ(json_run.exit_code, 0) << json_run.err;
  EXPECT_TRUE(contains(json_run.out, R"("stage":"skipped")")) << json_run.out;
  EXPECT_TRUE(contains(json_run.out, R"({"success":true)")) << json_run.out;
}

TEST_F(CliSyncTest, FailedLedgerSyncPrintsTheDaemonsErrorAndExitsOne) {
  fs::path ledger = StartWithLedger();
  ASSERT_FALSE(ledger.empty());
  fs::rename(remotes_ / "ledger.git", remotes_ / "ledger.git.away");
  ProcessResult sync = oxctl({"sync"});
  EXPECT_EQ(sync.exit_code, 1) << sync.out << sync.err;
  EXPECT_TRUE(contains(sync.err, "error: ledger fetch failed: ")) << sync.err;
}

TEST_F(CliSyncTest, TeamSyncReportsEveryTeamAndExitsOneWhenATeamFailed) {
  std::string one = MakeRemote("team-one");
  std::string two = MakeRemote("team-two");
  writeProjectFile({{"team_contexts",
                     {{{"id", "team_1"}, {"name", "One"}, {"url", one}},
                      {{"id", "team_2"}, {"name", "Two"}, {"url", two}}}}});
  ASSERT_NO_FATAL_FAILURE(StartSync());
  ASSERT_TRUE(WaitFor([&] {
    json teams = Status()["workspaces"]["team-context"];
    return teams.size() == 2 && teams[0].value("exists", false) && teams[1].value("exists", false);
  })) << Status().dump(2);
  Push("team-one", "SOUL.md", "soul\n");

  ProcessResult sync = oxctl({"sync", "--team"});
  EXPECT_EQ(sync.exit_code, 0) << sync.out << sync.err;
  EXPECT_TRUE(contains(sync.out, "[starting] Syncing 2 team context(s)")) << sync.out;
  EXPECT_TRUE(contains(sync.out, "[synced] Team One synced")) << sync.out;
  EXPECT_TRUE(contains(sync.out, "[complete] Synced 2, skipped 0 team context(s)")) << sync.out;

  fs::rename(remotes_ / "team-two.git", remotes_ / "team-two.git.away");
  Push("team-one", "more.md", "more\n");
  ProcessResult failed = oxctl({"sync", "--team"});
  EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  EXPECT_TRUE(contains(failed.out, "[error] ")) << failed.out;
  EXPECT_TRUE(contains(failed.out, "1 failed")) << failed.out;
}

TEST_F(CliSyncTest, HistoryListsTimeTypeIdDurationAndFiles) {
  fs::path ledger = StartWithLedger();
  ASSERT_FALSE(ledger.empty());
  ProcessResult empty = oxctl({"history"});
  EXPECT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_TRUE(contains(empty.out, "no syncs yet")) << empty.out;

  Push("ledger", "one.md", "1\n");
  Push("ledger", "two.md", "2\n");
  ASSERT_EQ(oxctl({"sync"}).exit_code, 0);
  ProcessResult history = oxctl({"history"});
  EXPECT_EQ(history.exit_code, 0) << history.err;
  EXPECT_TRUE(contains(history.out, "time")) << history.out;
  EXPECT_TRUE(contains(history.out, "type/id")) << history.out;
  EXPECT_TRUE(contains(history.out, "pull/ledger")) << history.out;
  // Two lines: the header and the one sync, whose last column is the file count.
  std::string row = history.out.substr(history.out.find('\n') + 1);
  EXPECT_EQ(std::count(history.out.begin(), history.out.end(), '\n'), 2) << history.out;
  EXPECT_TRUE(row.ends_with("  2\n")) << history.out;

  ProcessResult json_run = oxctl({"history", "--json"});
  json events = json::parse(json_run.out);
  ASSERT_TRUE(events.is_array()) << json_run.out;
  ASSERT_EQ(events.size(), 1u) << json_run.out;
  EXPECT_EQ(events[0]["workspace_id"], "ledger");
}

TEST_F(CliSyncTest, CheckoutStreamsCloneProgressAndResolvesARelativePath) {
  std::string url = MakeRemote("big");
  for (int i = 0; i < 200; ++i) {
    git::testing::WriteFile(Mate("big") / ("files/f" + std::to_string(i) + ".txt"),
                            std::string(1500, static_cast<char>('a' + i % 26)));
  }
  git::testing::Sh(Mate("big"), "git add -A && git commit -q -m many && git push -q origin main");
  ASSERT_NO_FATAL_FAILURE(StartSync());
  // Relative to the caller (the project dir): a sibling of the project, an allowed root.
  fs::path expected = projectDir().parent_path() / "big-checkout";

  ProcessResult checkout = oxctl({"checkout", url, "../big-checkout", "--type", "team-context"});
  EXPECT_EQ(checkout.exit_code, 0) << checkout.out << checkout.err;
  EXPECT_TRUE(contains(checkout.out, "[connecting]")) << checkout.out;
  EXPECT_TRUE(contains(checkout.out, "[receiving] ")) << checkout.out;
  EXPECT_TRUE(contains(checkout.out, "[checkout] 100% ")) << checkout.out;
  EXPECT_TRUE(contains(checkout.out, "cloned " + url + " into " + expected.string() + "\n"))
      << checkout.out;
  EXPECT_TRUE(fs::exists(expected / "files/f199.txt"));

  ProcessResult again = oxctl({"checkout", url, expected.string()});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(contains(again.out, expected.string() + " already holds a checkout; nothing cloned"))
      << again.out;

  ProcessResult outside = oxctl({"checkout", url, "/etc/oxd-test-checkout"});
  EXPECT_EQ(outside.exit_code, 1) << outside.out;
  EXPECT_TRUE(contains(outside.err, "error: invalid repo path: ")) << outside.err;
  EXPECT_FALSE(fs::exists("/etc/oxd-test-checkout"));
}

TEST_F(CliSyncTest, GcReportsRecloneAndRefusalOrSaysThePluginHasNone) {
  std::string url = MakeRemote("team-gc");
  writeProjectFile({{"team_contexts", {{{"id", "team_gc"}, {"name", "Gc"}, {"url", url}}}}});
  ASSERT_NO_FATAL_FAILURE(StartSync());
  ASSERT_TRUE(WaitFor([&] {
    json teams = Status()["workspaces"]["team-context"];
    return teams.size() == 1 && teams[0].value("exists", false);
  })) << Status().dump(2);
  fs::path team = Status()["workspaces"]["team-context"][0]["path"].get<std::string>();

  json direct = request("trigger_gc");
  if (direct.value("error", "") == "unknown message type") {  // a plugin built before GC
    ProcessResult gc = oxctl({"gc"});
    EXPECT_EQ(gc.exit_code, 1) << gc.out << gc.err;
    EXPECT_TRUE(contains(gc.err, "error: no GC in this daemon")) << gc.err;
    return;
  }
  ProcessResult gc = oxctl({"gc"});
  EXPECT_EQ(gc.exit_code, 0) << gc.out << gc.err;
  EXPECT_TRUE(contains(gc.out, "GC: 1 team context(s) re-cloned")) << gc.out;

  git::testing::WriteFile(team / "draft.md", "not committed\n");
  ProcessResult refused = oxctl({"gc"});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_TRUE(contains(refused.out, "GC: 0 team context(s) re-cloned")) << refused.out;
  EXPECT_TRUE(contains(refused.out, "  Gc: uncommitted changes")) << refused.out;
  EXPECT_EQ(ReadFile(team / "draft.md"), "not committed\n");
}

TEST_F(CliSyncTest, WithoutTheSyncPluginEachCommandSaysSo) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());  // empty plugin directory
  for (std::vector<std::string> args :
       {std::vector<std::string>{"sync"}, {"sync", "--team"}, {"history"}}) {
    ProcessResult result = oxctl(args);
    EXPECT_EQ(result.exit_code, 1) << args[0] << ": " << result.out << result.err;
    EXPECT_TRUE(contains(result.err, "error: this daemon has no sync plugin")) << result.err;
  }
}

TEST_F(CliSyncTest, NotRunningExitsThreeAndBadArgumentsExitTwo) {
  // sync, gc and checkout would start the daemon (docs/behavior.md#auto-start): --no-start.
  for (std::vector<std::string> args :
       {std::vector<std::string>{"--no-start", "sync"},
        {"--no-start", "sync", "--team"},
        {"history"},
        {"--no-start", "gc"},
        {"--no-start", "checkout", "file:///nowhere.git", "/tmp/nowhere"}}) {
    ProcessResult result = oxctl(args);
    EXPECT_EQ(result.exit_code, 3) << args.back() << ": " << result.out << result.err;
    EXPECT_TRUE(contains(result.err, "oxd is not running")) << result.err;
  }
  EXPECT_FALSE(std::filesystem::exists(socketPath())) << "--no-start started a daemon";
  for (std::vector<std::string> args : {std::vector<std::string>{"sync", "--tem"},
                                        {"sync", "extra"},
                                        {"checkout", "only-url"},
                                        {"checkout", "u", "p", "--type", "bogus"},
                                        {"history", "--limit", "3"},
                                        {"gc", "now"}}) {
    ProcessResult result = oxctl(args);
    EXPECT_EQ(result.exit_code, 2) << args[0] << ": " << result.out << result.err;
    EXPECT_TRUE(contains(result.err, "usage: oxctl")) << result.err;
  }
}

}  // namespace
}  // namespace oxd::testing
