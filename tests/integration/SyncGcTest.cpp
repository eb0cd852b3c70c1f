// GC of the ledger and team contexts, sync-state files and heartbeat files through the real oxd
// with the real sync plugin: real repositories built with the git CLI, served over file://, checked
// through the socket (replies, status, issues), the files on disk and the daemon's log.
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "DaemonFixture.h"
#include "GitScene.h"
#include "SyncFixture.h"
#include "common/Paths.h"

namespace oxd::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;
using oxd::git::testing::ReadFile;
using oxd::git::testing::Sh;
using oxd::git::testing::ShellQuote;
using oxd::git::testing::WriteFile;

constexpr const char* kNeverTime = "0001-01-01T00:00:00Z";

// The git identity, environment and remotes dir come from SyncFixture.
class SyncGcTest : public SyncFixture {
 protected:
  void SetUp() override {
    SyncFixture::SetUp();
    team_path_ = tempDir() / "data/oxd/teams/team_1";
  }

  // A bare remote <remotes>/<name>.git with one commit (README.md, data/shared.txt).
  std::string MakeRemote(const std::string& name) {
    Sh(remotes_, "git init -q --bare -b main " + name + ".git");
    Sh(remotes_, "git clone -q " + ShellQuote((remotes_ / (name + ".git")).string()) + " " + name +
                     "-mate 2>&1");
    fs::path mate = remotes_ / (name + "-mate");
    WriteFile(mate / "README.md", name + "\n");
    WriteFile(mate / "data/shared.txt", "line 1\nline 2\n");
    Sh(mate, "git add -A && git commit -q -m seed && git push -q origin main");
    return "file://" + (remotes_ / (name + ".git")).string();
  }
  static std::string Head(const fs::path& repo) {
    std::string head = Sh(repo, "git rev-parse HEAD");
    return head.substr(0, head.find('\n'));
  }
  static void GitClone(const std::string& url, const fs::path& where) {
    fs::create_directories(where.parent_path());
    Sh(where.parent_path(),
       "git clone -q " + ShellQuote(url) + " " + ShellQuote(where.filename().string()) + " 2>&1");
  }

  // One team context "One" (team_1) at team_path_, and repo_id so heartbeats are written.
  void WriteTeamProject(const std::string& url) {
    writeProjectFile(
        {{"repo_id", "repo_gc"},
         {"team_contexts",
          {{{"id", "team_1"}, {"name", "One"}, {"url", url}, {"path", team_path_.string()}}}}});
  }

  void Start() {
    ASSERT_NO_FATAL_FAILURE(
        startDaemon({.args = {"--define", "sync.interval=1h", "--define", "sync.team_interval=1h"},
                     .plugin_dir = OXD_PLUGIN_DIR}));
  }
  void Restart() {
    stopDaemon();
    ASSERT_NO_FATAL_FAILURE(Start());
  }

  json Team() {
    json teams = Status()["workspaces"]["team-context"];
    return teams.empty() ? json::object() : teams[0];
  }
  json TriggerGc() { return request("trigger_gc", nullptr, 60s); }
  json TeamSync(std::string* complete) {
    json reply = request("team_sync", nullptr, 60s, [&](const json& line) {
      json stage = line.contains("progress") ? line["progress"] : line;
      if (stage.value("stage", "") == "complete") *complete = stage.value("message", "");
    });
    return reply;
  }

  std::string Log() { return ReadFile(logPath()); }
  fs::path WorkspaceData() { return oxd::paths::workspaceDataDir(workspaceId()); }
  static bool Leftovers(const fs::path& path) {
    return fs::exists(path.string() + ".new") || fs::exists(path.string() + ".old");
  }
  // The start of an RFC 3339 time, to the second: the state files keep microseconds.
  static std::string ToSecond(const std::string& time) { return time.substr(0, 19); }

  fs::path team_path_;
};

TEST_F(SyncGcTest, TriggerGcReclonesATeamContextAndLastGcSurvivesARestart) {
  std::string url = MakeRemote("team-one");
  WriteTeamProject(url);
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(WaitFor([&] { return Team().value("exists", false); })) << daemonDiagnostics();
  EXPECT_EQ(Team()["gc_interval_days"], 7);
  EXPECT_EQ(Team()["last_gc_time"], kNeverTime);
  // Only the old clone has this: it tells the fresh clone apart.
  WriteFile(team_path_ / ".git/old-clone-marker", "x");
  std::string head = Head(team_path_);

  json reply = TriggerGc();
  ASSERT_TRUE(reply["success"]) << reply.dump();
  EXPECT_EQ(reply["data"]["triggered"], 1) << reply.dump();
  EXPECT_EQ(reply["data"]["skipped"], 0) << reply.dump();
  EXPECT_FALSE(reply["data"].contains("errors")) << reply.dump();

  EXPECT_FALSE(fs::exists(team_path_ / ".git/old-clone-marker")) << "not recloned";
  EXPECT_EQ(ReadFile(team_path_ / "README.md"), "team-one\n");
  EXPECT_EQ(ReadFile(team_path_ / "data/shared.txt"), "line 1\nline 2\n");
  EXPECT_EQ(Head(team_path_), head);
  EXPECT_EQ(Sh(team_path_, "git status --porcelain"), "");
  EXPECT_FALSE(Leftovers(team_path_));
  std::string last_gc = Team().value("last_gc_time", "");
  EXPECT_NE(last_gc, kNeverTime);
  EXPECT_TRUE(WaitFor([&] {
    std::string log = Log();
    return log.find("event repo.cloned") != std::string::npos &&
           log.find("\"gc\":true") != std::string::npos;
  })) << Log();

  ASSERT_NO_FATAL_FAILURE(Restart());
  EXPECT_EQ(ToSecond(Team().value("last_gc_time", "")), ToSecond(last_gc));
  std::string complete;
  EXPECT_TRUE(TeamSync(&complete)["success"]);
  EXPECT_EQ(complete, "Synced 1, skipped 0 team context(s)");
}

TEST_F(SyncGcTest, GcIsSkippedWithAnUntrackedFileAndDoneOnceItIsGone) {
  std::string url = MakeRemote("team-one");
  WriteTeamProject(url);
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(WaitFor([&] { return Team().value("exists", false); })) << daemonDiagnostics();
  WriteFile(team_path_ / ".git/old-clone-marker", "x");
  WriteFile(team_path_ / "notes/draft.md", "my work\n");

  json reply = TriggerGc();
  ASSERT_TRUE(reply["success"]) << reply.dump();
  EXPECT_EQ(reply["data"]["triggered"], 0) << reply.dump();
  ASSERT_EQ(reply["data"]["errors"].size(), 1u) << reply.dump();
  std::string error = reply["data"]["errors"][0];
  EXPECT_NE(error.find("One: uncommitted changes (commit or discard before GC)"), std::string::npos)
      << error;
  EXPECT_NE(error.find("notes/draft.md"), std::string::npos) << error;
  json dirty = IssuesOfType("dirty_workspace");
  ASSERT_EQ(dirty.size(), 1u) << Status().dump();
  EXPECT_EQ(dirty[0]["repo"], "team_1");
  EXPECT_EQ(dirty[0]["severity"], "warning");
  EXPECT_NE(dirty[0].value("summary", "").find("uncommitted changes blocking GC"),
            std::string::npos);
  EXPECT_EQ(ReadFile(team_path_ / "notes/draft.md"), "my work\n");
  EXPECT_TRUE(fs::exists(team_path_ / ".git/old-clone-marker"));
  EXPECT_EQ(Team()["last_gc_time"], kNeverTime);

  fs::remove_all(team_path_ / "notes");
  reply = TriggerGc();
  EXPECT_EQ(reply["data"]["triggered"], 1) << reply.dump();
  EXPECT_FALSE(fs::exists(team_path_ / ".git/old-clone-marker"));
  EXPECT_TRUE(IssuesOfType("dirty_workspace").empty());
  EXPECT_NE(Team()["last_gc_time"], kNeverTime);
}

// The ledger is GC'd by the same rules (the original's trigger_gc.ledger_triggered): never while
// it holds local work — here a commit not yet pushed, as a murmur waiting for the network is.
TEST_F(SyncGcTest, TriggerGcReclonesTheLedgerOnlyWithoutLocalWork) {
  std::string url = MakeRemote("ledger");
  fs::path ledger = tempDir() / "ledger-checkout";
  writeProjectFile({{"repo_id", "repo_gc"}, {"ledger", {{"url", url}, {"path", ledger.string()}}}});
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(WaitFor([&] { return fs::exists(ledger / "README.md"); })) << daemonDiagnostics();
  WriteFile(ledger / ".git/old-clone-marker", "x");
  WriteFile(ledger / "data/murmurs/note.json", "{}\n");
  Sh(ledger, "git add -A && git commit -q -m 'murmur: not pushed yet'");

  json reply = TriggerGc();
  ASSERT_TRUE(reply["success"]) << reply.dump();
  EXPECT_FALSE(reply["data"].contains("ledger_triggered")) << reply.dump();
  EXPECT_EQ(reply["data"]["triggered"], 0) << reply.dump();
  ASSERT_EQ(reply["data"]["errors"].size(), 1u) << reply.dump();
  EXPECT_NE(reply["data"]["errors"][0].get<std::string>().find("uncommitted changes"),
            std::string::npos)
      << reply.dump();
  EXPECT_TRUE(fs::exists(ledger / ".git/old-clone-marker")) << "recloned over local work";
  EXPECT_EQ(ReadFile(ledger / "data/murmurs/note.json"), "{}\n");

  Sh(ledger, "git push -q origin HEAD:main 2>&1");
  reply = TriggerGc();
  ASSERT_TRUE(reply["success"]) << reply.dump();
  EXPECT_EQ(reply["data"]["ledger_triggered"], true) << reply.dump();
  EXPECT_EQ(reply["data"]["triggered"], 0) << "team contexts only: " << reply.dump();
  EXPECT_FALSE(fs::exists(ledger / ".git/old-clone-marker")) << "not recloned";
  EXPECT_EQ(ReadFile(ledger / "data/murmurs/note.json"), "{}\n") << "the pushed work is kept";
  EXPECT_FALSE(Leftovers(ledger));
  EXPECT_NE(Status()["workspaces"]["ledger"][0].value("last_gc_time", ""), kNeverTime);
}

// What a SIGKILL can leave between the swap's steps, laid out before oxd starts: each must come
// back as one usable checkout with no leftovers, and the next sync must work.
class SyncGcCrashTest : public SyncGcTest {
 protected:
  void ExpectOneUsableCheckout(const std::string& marker) {
    ASSERT_NO_FATAL_FAILURE(Start());
    EXPECT_TRUE(fs::exists(team_path_ / ".git"));
    EXPECT_EQ(ReadFile(team_path_ / "marker.txt"), marker);
    EXPECT_FALSE(Leftovers(team_path_));
    EXPECT_NE(Sh(team_path_, "git fsck 2>&1; echo rc=$?").find("rc=0"), std::string::npos);
    std::string complete;
    EXPECT_TRUE(TeamSync(&complete)["success"]);
    EXPECT_EQ(complete, "Synced 1, skipped 0 team context(s)");
    EXPECT_EQ(Team()["exists"], true);
    EXPECT_NE(Log().find("GC recovery"), std::string::npos) << Log();
  }
  // A clone with an untracked marker file naming which copy it is.
  void CloneAs(const std::string& url, const fs::path& where, const std::string& marker) {
    GitClone(url, where);
    WriteFile(where / "marker.txt", marker);
  }
};

TEST_F(SyncGcCrashTest, OnlyTheOldCheckoutLeft) {
  std::string url = MakeRemote("team-one");
  WriteTeamProject(url);
  CloneAs(url, team_path_.string() + ".old", "old");
  ExpectOneUsableCheckout("old");
}

TEST_F(SyncGcCrashTest, CheckoutAndAStaleNewClone) {
  std::string url = MakeRemote("team-one");
  WriteTeamProject(url);
  CloneAs(url, team_path_, "current");
  CloneAs(url, team_path_.string() + ".new", "new");
  ExpectOneUsableCheckout("current");
}

TEST_F(SyncGcCrashTest, KilledBetweenTheTwoRenames) {
  std::string url = MakeRemote("team-one");
  WriteTeamProject(url);
  CloneAs(url, team_path_.string() + ".old", "old");
  CloneAs(url, team_path_.string() + ".new", "new");
  ExpectOneUsableCheckout("old");
}

TEST_F(SyncGcTest, SyncStateFileRecordsSyncsAndFailuresAndLastSyncSurvivesARestart) {
  std::string url = MakeRemote("ledger");
  writeProjectFile({{"repo_id", "repo_gc"}, {"ledger", {{"url", url}}}});
  ASSERT_NO_FATAL_FAILURE(Start());
  fs::path ledger = WaitForLedger();
  ASSERT_FALSE(ledger.empty());
  ASSERT_TRUE(request("sync", nullptr, 60s)["success"]);

  fs::path state_file = WorkspaceData() / "repos/ledger/sync-state.json";
  std::string text = ReadFile(state_file);
  json state = json::parse(text);
  EXPECT_NE(text.find("\n  \"last_sync\": "), std::string::npos) << text;  // 2-space indent
  EXPECT_EQ(state["last_sync_commit"], Head(ledger)) << text;
  EXPECT_EQ(state["consecutive_failures"], 0) << text;
  std::string last_sync = state["last_sync"];
  EXPECT_EQ(last_sync.back(), 'Z') << text;
  std::string shown = Status().value("last_sync", "");
  ASSERT_NE(shown, kNeverTime);

  // The remote goes away: the failure is counted, the last good sync kept.
  fs::rename(remotes_ / "ledger.git", remotes_ / "ledger-away.git");
  EXPECT_FALSE(request("sync", nullptr, 60s)["success"]);
  state = json::parse(ReadFile(state_file));
  EXPECT_EQ(state["consecutive_failures"], 1);
  EXPECT_EQ(state["last_sync"], last_sync);
  EXPECT_EQ(state["last_sync_commit"], Head(ledger));
  EXPECT_FALSE(fs::exists(state_file.string() + ".tmp"));

  // Restarted while the remote is still away: no sync can succeed, status shows the old one.
  ASSERT_NO_FATAL_FAILURE(Restart());
  EXPECT_EQ(ToSecond(Status().value("last_sync", "")), ToSecond(shown));
  EXPECT_EQ(ToSecond(LedgerStatus().value("last_sync", "")), ToSecond(shown));
}

TEST_F(SyncGcTest, HeartbeatFilesKeepTheLastFiveValidLines) {
  std::string url = MakeRemote("team-one");
  WriteTeamProject(url);
  GitClone(url, team_path_);  // an existing checkout gets its own file at start
  // Six older lines, one of them malformed: the daemon keeps the last five valid ones.
  fs::path workspace_file = WorkspaceData() / "heartbeat.jsonl";
  std::string old_lines;
  for (int i = 0; i < 5; ++i) old_lines += "{\"ts\":\"old\",\"n\":" + std::to_string(i) + "}\n";
  WriteFile(workspace_file, old_lines + "{broken\n");
  ASSERT_NO_FATAL_FAILURE(Start());

  fs::path team_file = team_path_ / ".git/oxd-heartbeat.jsonl";
  ASSERT_TRUE(WaitFor([&] {
    return fs::exists(team_file) && ReadFile(workspace_file).find("\"pid\"") != std::string::npos;
  })) << daemonDiagnostics();
  std::string project = fs::canonical(projectDir()).string();
  for (const fs::path& file : {workspace_file, team_file}) {
    std::string text = ReadFile(file);
    std::vector<json> lines;
    for (std::size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos;
         start = end + 1) {
      lines.push_back(json::parse(text.substr(start, end - start)));
    }
    ASSERT_FALSE(lines.empty()) << file;
    EXPECT_LE(lines.size(), 5u) << text;
    const json& entry = lines.back();
    EXPECT_EQ(entry["pid"], daemonPid()) << text;
    EXPECT_EQ(entry["workspace"], project) << text;
    EXPECT_FALSE(entry.value("version", "").empty()) << text;
    EXPECT_TRUE(entry.contains("ts") && entry.contains("last_sync")) << text;
    EXPECT_EQ(entry["status"], "healthy") << text;
  }
  std::string text = ReadFile(workspace_file);
  EXPECT_EQ(text.find("{\"ts\":\"old\",\"n\":0}"), std::string::npos) << text;
  EXPECT_NE(text.find("{\"ts\":\"old\",\"n\":1}"), std::string::npos) << text;
  EXPECT_EQ(text.find("{broken"), std::string::npos) << text;
  // Inside .git: never an untracked file in the checkout.
  EXPECT_EQ(Sh(team_path_, "git status --porcelain"), "");
}

}  // namespace
}  // namespace oxd::testing
