// The sync plugin inside the real oxd: real repositories built with the git CLI, served as
// file:// remotes, and what a user sees through the socket, `oxctl` and the daemon's log.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "DaemonFixture.h"
#include "GitScene.h"
#include "LoopbackServers.h"
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

struct Streamed {
  json reply;
  std::vector<json> stages;  // the "progress" objects, in order

  bool HasStage(const std::string& stage, const std::string& message_part = "") const {
    for (const json& line : stages) {
      if (line.value("stage", "") == stage &&
          line.value("message", "").find(message_part) != std::string::npos) {
        return true;
      }
    }
    return false;
  }
  std::string Describe() const {
    std::string text = "reply " + reply.dump() + "\n";
    for (const json& line : stages) text += "  " + line.dump() + "\n";
    return text;
  }
};

// The git identity, environment and remotes dir come from SyncFixture.
class SyncPluginTest : public SyncFixture {
 protected:
  // A bare remote <remotes>/<name>.git with one commit (README.md, data/shared.txt) and a
  // teammate's clone of it at <remotes>/<name>-mate.
  std::string MakeRemote(const std::string& name) {
    Sh(remotes_, "git init -q --bare -b main " + name + ".git");
    Sh(remotes_, "git clone -q " + ShellQuote((remotes_ / (name + ".git")).string()) + " " + name +
                     "-mate 2>&1");
    fs::path mate = Mate(name);
    WriteFile(mate / "README.md", name + "\n");
    WriteFile(mate / "data/shared.txt", "line 1\nline 2\nline 3\n");
    Sh(mate, "git add -A && git commit -q -m seed && git push -q origin main");
    return "file://" + (remotes_ / (name + ".git")).string();
  }
  fs::path Mate(const std::string& name) { return remotes_ / (name + "-mate"); }

  std::string Push(const std::string& name, const std::string& path, const std::string& content) {
    fs::path mate = Mate(name);
    Sh(mate, "git pull -q --rebase origin main");
    WriteFile(mate / path, content);
    Sh(mate, "git add -A && git commit -q -m " + ShellQuote("teammate: " + path) +
                 " && git push -q origin main");
    return Head(mate);
  }
  static std::string Head(const fs::path& repo) {
    std::string head = Sh(repo, "git rev-parse HEAD");
    return head.substr(0, head.find('\n'));
  }

  void StartWithLedger(const std::vector<std::string>& extra_args = {}) {
    ledger_url_ = MakeRemote("ledger");
    writeProjectFile({{"ledger", {{"url", ledger_url_}}}});
    Start(extra_args);
    ledger_ = WaitForLedger();
    ASSERT_FALSE(ledger_.empty());
    ASSERT_TRUE(fs::exists(fs::path(ledger_) / "README.md"));
  }

  void Start(const std::vector<std::string>& extra_args = {}) {
    std::vector<std::string> args{"--define", "sync.interval=1h", "--define",
                                  "sync.team_interval=1h"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    ASSERT_NO_FATAL_FAILURE(startDaemon({.args = args, .plugin_dir = OXD_PLUGIN_DIR}));
  }

  Streamed Send(const std::string& type, const json& payload = nullptr) {
    Streamed streamed;
    streamed.reply = request(type, payload, 60s, [&](const json& line) {
      streamed.stages.push_back(line.contains("progress") ? line["progress"] : line);
    });
    return streamed;
  }

  std::string Log() { return ReadFile(logPath()); }

  // What a user could see of a checkout: status, staged and unstaged diffs, HEAD, every file.
  static std::string Snapshot(const fs::path& repo) {
    std::string files;
    for (const auto& entry : fs::recursive_directory_iterator(repo)) {
      std::string relative = fs::relative(entry.path(), repo).string();
      if (relative.starts_with(".git") || !entry.is_regular_file()) continue;
      files += relative + "=" + ReadFile(entry.path()) + "\n";
    }
    // Not --branch: the fetch moves origin/main, which is the point of a sync.
    return Sh(repo, "git status --porcelain=v2 --untracked-files=all") +
           Sh(repo, "git diff --cached") + Sh(repo, "git diff") + Head(repo) + "\n" + files;
  }

  std::string ledger_url_;
  fs::path ledger_;
};

TEST_F(SyncPluginTest, FirstStartClonesTheLedgerThenSyncPullsATeammatesPush) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger());
  EXPECT_TRUE(WaitFor([&] { return Log().find("event repo.cloned") != std::string::npos; }));
  json ledger = LedgerStatus();
  EXPECT_EQ(ledger["id"], "ledger");
  EXPECT_EQ(ledger["type"], "ledger");
  EXPECT_NE(ledger.value("last_sync", ""), "0001-01-01T00:00:00Z");

  Push("ledger", "notes/a.md", "a\n");
  Push("ledger", "notes/b.md", "b\n");
  Streamed sync = Send("sync");
  EXPECT_TRUE(sync.reply["success"]) << sync.Describe();
  EXPECT_TRUE(sync.HasStage("fetching")) << sync.Describe();
  EXPECT_TRUE(sync.HasStage("pulling")) << sync.Describe();
  EXPECT_TRUE(sync.HasStage("complete", "Pulled 2 files")) << sync.Describe();
  EXPECT_EQ(ReadFile(ledger_ / "notes/a.md"), "a\n");
  EXPECT_EQ(ReadFile(ledger_ / "notes/b.md"), "b\n");
  EXPECT_EQ(Head(ledger_), Head(Mate("ledger")));
  EXPECT_TRUE(WaitFor([&] {
    return Log().find("event repo.pulled") != std::string::npos &&
           Log().find("\"files_changed\":2") != std::string::npos;
  })) << Log();

  json history = request("sync_history")["data"];
  // The original's []SyncEvent: a bare array of {time, type, workspace_id, duration,
  // files_changed}.
  ASSERT_TRUE(history.is_array()) << history.dump();
  ASSERT_EQ(history.size(), 1u) << history.dump();
  for (const auto& [key, value] : history[0].items()) {
    EXPECT_TRUE((std::set<std::string>{"time", "type", "workspace_id", "duration", "files_changed"})
                    .count(key))
        << "unknown field " << key;
  }
  EXPECT_TRUE(history[0]["time"].is_string());
  EXPECT_TRUE(history[0]["duration"].is_number_integer());
  EXPECT_EQ(history[0]["type"], "pull");
  EXPECT_EQ(history[0]["workspace_id"], "ledger");
  EXPECT_EQ(history[0]["files_changed"], 2);
  EXPECT_GT(history[0]["duration"].get<std::int64_t>(), 0);
  json status = Status();
  EXPECT_EQ(status["total_syncs"], 1);
  EXPECT_EQ(status["syncs_last_hour"], 1);
  EXPECT_GT(status["avg_sync_time"].get<std::int64_t>(), 0);
  EXPECT_EQ(status["sync_interval_read"], 3600000000000LL);

  // Nothing new upstream: one ref listing, no fetch (FETCH_HEAD untouched).
  auto fetched_at = fs::last_write_time(ledger_ / ".git/FETCH_HEAD");
  std::this_thread::sleep_for(20ms);
  ProcessResult noop = oxctl({"send", "sync"});
  EXPECT_EQ(noop.exit_code, 0) << noop.out << noop.err;
  EXPECT_NE(noop.out.find("Remote unchanged, skipping pull"), std::string::npos) << noop.out;
  EXPECT_EQ(noop.out.find("Fetching"), std::string::npos) << noop.out;
  EXPECT_EQ(fs::last_write_time(ledger_ / ".git/FETCH_HEAD"), fetched_at);
  EXPECT_EQ(request("sync_history")["data"].size(), 1u);

  // oxctl status shows the ledger as a synced workspace.
  ProcessResult shown = oxctl({"status", "--verbose"});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("Syncing 1 repos every 1h, 1 syncs"), std::string::npos) << shown.out;
}

TEST_F(SyncPluginTest, LocalUnpushedCommitIsRebasedOntoTheTeammatesPush) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger());
  WriteFile(ledger_ / "mine.txt", "mine\n");
  Sh(ledger_, "git add mine.txt && git commit -q -m mine");
  WriteFile(ledger_ / "wip.txt", "uncommitted\n");  // dirty tree kept across the rebase
  std::string theirs = Push("ledger", "theirs.txt", "theirs\n");

  Streamed sync = Send("sync");
  ASSERT_TRUE(sync.reply["success"]) << sync.Describe();
  EXPECT_TRUE(sync.HasStage("complete", "local commit(s) replayed")) << sync.Describe();
  EXPECT_EQ(ReadFile(ledger_ / "mine.txt"), "mine\n");
  EXPECT_EQ(ReadFile(ledger_ / "theirs.txt"), "theirs\n");
  EXPECT_EQ(ReadFile(ledger_ / "wip.txt"), "uncommitted\n");
  Sh(ledger_, "git merge-base --is-ancestor " + theirs + " HEAD");
  EXPECT_EQ(Sh(ledger_, "git log -1 --format=%s"), "mine\n");
  EXPECT_EQ(Sh(ledger_, "git status --porcelain"), "?? wip.txt\n");
}

TEST_F(SyncPluginTest, ConflictNoRuleSettlesRaisesMergeConflictAndLeavesTheTreeAlone) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger());
  WriteFile(ledger_ / "data/shared.txt", "line 1\nline 2 (ours)\nline 3\n");
  Sh(ledger_, "git commit -q -am ours");
  Push("ledger", "data/shared.txt", "line 1\nline 2 (theirs)\nline 3\n");
  std::string before = Snapshot(ledger_);

  Streamed sync = Send("sync");
  EXPECT_FALSE(sync.reply["success"]) << sync.Describe();
  EXPECT_NE(sync.reply.value("error", "").find("merge conflict in data/shared.txt"),
            std::string::npos)
      << sync.Describe();
  EXPECT_EQ(Snapshot(ledger_), before);
  json issues = IssuesOfType("merge_conflict");
  ASSERT_EQ(issues.size(), 1u) << Status().dump(2);
  EXPECT_EQ(issues[0]["repo"], "ledger");
  EXPECT_EQ(issues[0]["severity"], "error");
  EXPECT_TRUE(issues[0].value("requires_confirm", false));
  EXPECT_NE(LedgerStatus().value("last_error", "").find("merge conflict"), std::string::npos);
}

TEST_F(SyncPluginTest, HeldIndexLockRaisesGitLockUntilItIsGone) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger());
  Push("ledger", "new.txt", "new\n");
  WriteFile(ledger_ / ".git/index.lock", "");
  Streamed locked = Send("sync");
  EXPECT_TRUE(locked.reply["success"]) << locked.Describe();
  EXPECT_TRUE(locked.HasStage("skipped", "lock")) << locked.Describe();
  EXPECT_FALSE(fs::exists(ledger_ / "new.txt"));
  json issues = IssuesOfType("git_lock");
  ASSERT_EQ(issues.size(), 1u) << Status().dump(2);
  EXPECT_NE(issues[0].value("summary", "").find("index.lock"), std::string::npos);
  EXPECT_TRUE(fs::exists(ledger_ / ".git/index.lock")) << "a fresh lock must never be removed";

  fs::remove(ledger_ / ".git/index.lock");
  Streamed sync = Send("sync");
  EXPECT_TRUE(sync.reply["success"]) << sync.Describe();
  EXPECT_TRUE(fs::exists(ledger_ / "new.txt"));
  EXPECT_TRUE(IssuesOfType("git_lock").empty());
}

TEST_F(SyncPluginTest, StaleLockOfAGoneProcessIsRemovedAndLogged) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger());
  Push("ledger", "new.txt", "new\n");
  WriteFile(ledger_ / ".git/index.lock", "");
  Sh(ledger_, "touch -d '20 minutes ago' .git/index.lock");
  Streamed sync = Send("sync");
  EXPECT_TRUE(sync.reply["success"]) << sync.Describe();
  EXPECT_FALSE(fs::exists(ledger_ / ".git/index.lock"));
  EXPECT_TRUE(fs::exists(ledger_ / "new.txt"));
  EXPECT_TRUE(IssuesOfType("git_lock").empty());
  EXPECT_NE(Log().find("removed stale lock"), std::string::npos) << Log();
}

TEST_F(SyncPluginTest, CorruptCheckoutIsMovedAsideAndClonedAgain) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger());
  WriteFile(ledger_ / "keep.txt", "local only\n");
  fs::remove_all(ledger_ / ".git");
  fs::create_directories(ledger_ / ".git");  // a .git nothing can open
  Streamed sync = Send("sync");
  EXPECT_TRUE(sync.reply["success"]) << sync.Describe();
  EXPECT_TRUE(sync.HasStage("cloning", "Cloning ledger in background")) << sync.Describe();
  ASSERT_TRUE(WaitFor([&] { return fs::exists(ledger_ / "README.md"); })) << daemonDiagnostics();
  std::vector<fs::path> backups;
  for (const auto& entry : fs::directory_iterator(ledger_.parent_path())) {
    if (entry.path().filename().string().starts_with(ledger_.filename().string() + ".bak.")) {
      backups.push_back(entry.path());
    }
  }
  ASSERT_EQ(backups.size(), 1u);
  EXPECT_EQ(ReadFile(backups[0] / "keep.txt"), "local only\n");  // moved, never deleted
}

TEST_F(SyncPluginTest, RemoteDownBacksOffAndAManualSyncRetriesAtOnce) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger({"--define", "sync.interval=1s"}));
  fs::path remote = remotes_ / "ledger.git";
  fs::rename(remote, remotes_ / "ledger.git.away");
  // A background tick fails, the next one is held back by the backoff.
  ASSERT_TRUE(WaitFor([&] { return !IssuesOfType("sync_backoff").empty(); }))
      << Status().dump(2) << daemonDiagnostics();
  json ledger = LedgerStatus();
  EXPECT_EQ(ledger["consecutive_failures"], 1) << ledger.dump();
  EXPECT_NE(ledger.value("last_error", "").find("fetch failed"), std::string::npos);
  json status = Status();
  EXPECT_GE(status.value("recent_error_count", 0), 1);

  Streamed manual = Send("sync");  // clears the backoff and tries now
  EXPECT_FALSE(manual.reply["success"]);
  EXPECT_TRUE(manual.reply.value("error", "").starts_with("ledger fetch failed: "))
      << manual.Describe();

  fs::rename(remotes_ / "ledger.git.away", remote);
  Streamed back = Send("sync");
  EXPECT_TRUE(back.reply["success"]) << back.Describe();
  EXPECT_TRUE(IssuesOfType("sync_backoff").empty());
  EXPECT_FALSE(LedgerStatus().contains("last_error"));
  EXPECT_FALSE(LedgerStatus().contains("consecutive_failures"));
}

TEST_F(SyncPluginTest, RejectedTokenRaisesAuthExpiredAfterOneAttemptAndIsNeverLogged) {
  oxd::git::testing::UnauthorizedHttpServer server;
  writeProjectFile(
      {{"ledger", {{"url", "http://127.0.0.1:" + std::to_string(server.port()) + "/ledger.git"}}}});
  ASSERT_NO_FATAL_FAILURE(Start({"--define", "sync.token=glpat-rejected-secret"}));
  ASSERT_TRUE(WaitFor([&] {
    return !IssuesOfType("auth_expired").empty() && !IssuesOfType("clone_failed").empty();
  })) << Status().dump(2)
      << daemonDiagnostics();
  std::this_thread::sleep_for(300ms);  // room for a retry loop, if there were one
  EXPECT_EQ(server.requests_with_credentials(), 1);
  json ledger = LedgerStatus();
  EXPECT_FALSE(ledger.value("exists", true));
  EXPECT_NE(ledger.value("last_error", "").find("clone failed (attempt 1"), std::string::npos)
      << ledger.dump();
  EXPECT_EQ(Log().find("glpat-rejected-secret"), std::string::npos);
  EXPECT_EQ(Status().dump().find("glpat-rejected-secret"), std::string::npos);
}

TEST_F(SyncPluginTest, DoctorClonesAMissingLedger) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger());
  fs::remove_all(ledger_);
  json doctor = request("doctor")["data"];
  EXPECT_EQ(doctor["anti_entropy_triggered"], true) << doctor.dump();
  EXPECT_EQ(doctor["clones_triggered"], 1) << doctor.dump();
  EXPECT_TRUE(WaitFor([&] { return fs::exists(ledger_ / "README.md"); }));
}

TEST_F(SyncPluginTest, CheckoutRefusesTraversalAndSymlinkEscapesWithoutTouchingAnything) {
  std::string url = MakeRemote("other");
  ASSERT_NO_FATAL_FAILURE(Start());
  fs::path data = oxd::paths::dataDir();
  // The fixture's whole world sits in the project's parent dir (an allowed root for a sibling
  // ledger), so "outside" must be outside the world.
  char pattern[] = "/tmp/oxd-outside-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  fs::path outside = pattern;
  struct RemoveAtEnd {
    fs::path path;
    ~RemoveAtEnd() { fs::remove_all(path); }
  } cleanup{outside};

  json traversal = request(
      "checkout",
      {{"repo_path", (data / ".." / ".." / ".." / outside.relative_path() / "repo").string()},
       {"clone_url", url},
       {"repo_type", "ledger"}});
  EXPECT_FALSE(traversal["success"]);
  EXPECT_TRUE(traversal.value("error", "").starts_with("invalid repo path: path traversal"))
      << traversal.dump();

  fs::create_directories(data);
  fs::create_directory_symlink(outside, data / "escape");
  json escape = request("checkout", {{"repo_path", (data / "escape/repo").string()},
                                     {"clone_url", url},
                                     {"repo_type", "ledger"}});
  EXPECT_FALSE(escape["success"]);
  EXPECT_TRUE(escape.value("error", "").starts_with("invalid repo path: ")) << escape.dump();

  json elsewhere = request(
      "checkout", {{"repo_path", "/etc/sageox/repo"}, {"clone_url", url}, {"repo_type", "ledger"}});
  EXPECT_FALSE(elsewhere["success"]);
  EXPECT_TRUE(elsewhere.value("error", "").starts_with("invalid repo path: "));
  EXPECT_TRUE(fs::is_empty(outside)) << "nothing may be created outside the allowed roots";
  EXPECT_FALSE(fs::exists("/etc/sageox"));
}

// Every file under `dir`, relative: what a checkout into the daemon's own dirs would move away.
std::vector<std::string> FilesBelow(const fs::path& dir) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    files.push_back(fs::relative(entry.path(), dir).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST_F(SyncPluginTest, CheckoutRefusesTheDaemonsOwnDirsAndMovesNothing) {
  std::string url = MakeRemote("other");
  ASSERT_NO_FATAL_FAILURE(Start());
  fs::path own = oxd::paths::workspaceDataDir(workspaceId());
  // The whisper plugin's stores are open in there from the start.
  ASSERT_TRUE(WaitFor([&] { return fs::exists(own / "whispers"); })) << daemonDiagnostics();
  std::vector<std::string> before = FilesBelow(own);

  // The fixture's world sits in the project's parent dir (an allowed root for a sibling
  // ledger), so each of these passed the old checks.
  for (const fs::path& target :
       {own, own / "whispers", own / "new-repo", oxd::paths::dataDir() / "workspaces/other/repo",
        oxd::paths::cacheDir() / "repo", oxd::paths::stateDir() / "repo",
        oxd::paths::runtimeDir() / "repo", oxd::paths::configDir() / "repo"}) {
    json reply = request(
        "checkout", {{"repo_path", target.string()}, {"clone_url", url}, {"repo_type", "ledger"}});
    EXPECT_FALSE(reply["success"]) << target;
    std::string error = reply.value("error", "");
    EXPECT_TRUE(error.starts_with("invalid repo path: " + target.string() + " is inside oxd's own"))
        << error;
    EXPECT_FALSE(fs::exists(target / ".git")) << target;
  }
  for (const std::string& file : before) {
    EXPECT_TRUE(fs::exists(own / file)) << file << " was moved";
  }
  for (const std::string& file : FilesBelow(own)) {
    EXPECT_EQ(file.find(".bak."), std::string::npos) << file << ": something was moved aside";
  }
  // The stores still serve.
  json added = request("whisper_add", {{"content", "still here"}});
  EXPECT_TRUE(added["success"]) << added.dump();
}

TEST_F(SyncPluginTest, CheckoutRefusesNulAndControlCharactersInThePath) {
  std::string url = MakeRemote("other");
  ASSERT_NO_FATAL_FAILURE(Start());
  fs::path data = oxd::paths::dataDir();
  for (const auto& [suffix, problem] :
       {std::pair{std::string("\0x", 2), "holds a NUL byte"},
        std::pair{std::string("\nx"), "holds a control character"},
        std::pair{std::string("\x1bx"), "holds a control character"}}) {
    std::string path = (data / "nul-X").string() + suffix;
    json reply =
        request("checkout", {{"repo_path", path}, {"clone_url", url}, {"repo_type", "ledger"}});
    EXPECT_FALSE(reply["success"]);
    EXPECT_EQ(reply.value("error", ""), std::string("invalid repo path: the path ") + problem);
    EXPECT_FALSE(fs::exists(data / "nul-X")) << "cloned to the truncated path";
  }
}

TEST_F(SyncPluginTest, CheckoutStreamsPercentagesAndClones) {
  std::string url = MakeRemote("big");
  fs::path mate = Mate("big");
  for (int i = 0; i < 300; ++i) {
    WriteFile(mate / ("files/f" + std::to_string(i) + ".txt"),
              std::string(2000, static_cast<char>('a' + i % 26)) + std::to_string(i));
  }
  Sh(mate, "git add -A && git commit -q -m many && git push -q origin main");
  ASSERT_NO_FATAL_FAILURE(Start());
  fs::path target = oxd::paths::dataDir() / "checkouts" / "big";

  Streamed checkout =
      Send("checkout",
           {{"repo_path", target.string()}, {"clone_url", url}, {"repo_type", "team-context"}});
  ASSERT_TRUE(checkout.reply["success"]) << checkout.Describe();
  EXPECT_EQ(checkout.reply["data"]["path"], target.string());
  EXPECT_EQ(checkout.reply["data"]["cloned"], true);
  EXPECT_EQ(checkout.reply["data"]["already_exists"], false);
  EXPECT_TRUE(checkout.HasStage("connecting")) << checkout.Describe();
  EXPECT_TRUE(checkout.HasStage("cloning")) << checkout.Describe();
  EXPECT_TRUE(checkout.HasStage("verifying")) << checkout.Describe();
  int last_checkout_percent = -1;
  bool saw_partial = false;
  for (const json& line : checkout.stages) {
    if (!line.contains("percent")) continue;
    int percent = line["percent"];
    if (percent > 0 && percent < 100) saw_partial = true;
    if (line["stage"] == "checkout") last_checkout_percent = percent;
  }
  EXPECT_TRUE(saw_partial) << checkout.Describe();
  EXPECT_EQ(last_checkout_percent, 100) << checkout.Describe();
  EXPECT_TRUE(fs::exists(target / "files/f299.txt"));

  json again =
      request("checkout",
              {{"repo_path", target.string()}, {"clone_url", url}, {"repo_type", "team-context"}});
  EXPECT_EQ(again["data"]["already_exists"], true) << again.dump();
  EXPECT_EQ(again["data"]["cloned"], false);
}

TEST_F(SyncPluginTest, TeamSyncPullsEveryTeamContext) {
  std::string one = MakeRemote("team-one");
  std::string two = MakeRemote("team-two");
  // team_1's own interval and GC period (project file) show in status; a manual team_sync
  // pulls it all the same (the interval only spaces background pulls).
  writeProjectFile({{"team_contexts",
                     {{{"id", "team_1"},
                       {"name", "One"},
                       {"url", one},
                       {"interval", "1h"},
                       {"gc_interval_days", 3}},
                      {{"id", "team_2"}, {"name", "Two"}, {"url", two}}}}});
  ASSERT_NO_FATAL_FAILURE(Start());
  json listed = Status()["workspaces"]["team-context"];
  ASSERT_EQ(listed.size(), 2u) << listed.dump(2);
  EXPECT_EQ(listed[0]["sync_interval"], 3600LL * 1000 * 1000 * 1000);
  EXPECT_EQ(listed[0]["gc_interval_days"], 3);
  EXPECT_FALSE(listed[1].contains("sync_interval"));
  EXPECT_EQ(listed[1]["gc_interval_days"], 7);
  ASSERT_TRUE(WaitFor([&] {
    json teams = Status()["workspaces"]["team-context"];
    return teams.size() == 2 && teams[0].value("exists", false) && teams[1].value("exists", false);
  })) << Status().dump(2)
      << daemonDiagnostics();
  fs::path one_path = Status()["workspaces"]["team-context"][0]["path"].get<std::string>();
  Push("team-one", "SOUL.md", "soul\n");

  Streamed sync = Send("team_sync");
  EXPECT_TRUE(sync.reply["success"]) << sync.Describe();
  EXPECT_TRUE(sync.HasStage("starting", "Syncing 2 team context(s)")) << sync.Describe();
  EXPECT_TRUE(sync.HasStage("syncing", "Syncing team: One")) << sync.Describe();
  EXPECT_TRUE(sync.HasStage("synced", "Team One synced")) << sync.Describe();
  EXPECT_TRUE(sync.HasStage("synced", "Team Two synced")) << sync.Describe();
  EXPECT_TRUE(sync.HasStage("complete", "Synced 2, skipped 0 team context(s)")) << sync.Describe();
  EXPECT_EQ(ReadFile(one_path / "SOUL.md"), "soul\n");

  json history = request("sync_history")["data"];
  ASSERT_EQ(history.size(), 1u) << history.dump();
  EXPECT_EQ(history[0]["type"], "team_context");
  EXPECT_EQ(history[0]["workspace_id"], "team_1");
}

}  // namespace
}  // namespace oxd::testing
