// The daemon's own writes through the real oxd and the real sync plugin, over file:// remotes:
// murmurs and finished sessions committed and pushed (also over a teammate's concurrent push,
// and by the next sync when the remote was away), refused murmurs that write nothing, finished
// sessions whose secrets never reach the ledger, and session watches that follow appends,
// truncation and rotation and resume after a restart.
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "DaemonFixture.h"
#include "FakeSecrets.h"
#include "GitScene.h"
#include "SyncFixture.h"
#include "common/Base64.h"
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

std::size_t Count(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

// The git identity, environment and remotes dir come from SyncFixture.
class SyncWritesTest : public SyncFixture {
 protected:
  // A bare remote with one commit and a teammate's clone of it (<remotes>/ledger-mate).
  void StartWithLedger() {
    Sh(remotes_, "git init -q --bare -b main ledger.git");
    Sh(remotes_, "git clone -q " + ShellQuote(Remote().string()) + " ledger-mate 2>&1");
    WriteFile(Mate() / "README.md", "ledger\n");
    Sh(Mate(), "git add -A && git commit -q -m seed && git push -q origin main");
    writeProjectFile({{"ledger", {{"url", "file://" + Remote().string()}}}});
    ASSERT_NO_FATAL_FAILURE(Start());
    ASSERT_TRUE(WaitFor([&] { return fs::exists(LedgerPath() / "README.md"); }))
        << "the ledger was not cloned\n"
        << daemonDiagnostics();
  }
  void Start() {
    ASSERT_NO_FATAL_FAILURE(
        startDaemon({.args = {"--define", "sync.interval=1h", "--define", "sync.team_interval=1h"},
                     .plugin_dir = OXD_PLUGIN_DIR}));
  }
  void Restart() {
    std::optional<int> status = stopDaemon();
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << daemonDiagnostics();
    ASSERT_NO_FATAL_FAILURE(Start());
  }

  fs::path Remote() const { return remotes_ / "ledger.git"; }
  fs::path Mate() const { return remotes_ / "ledger-mate"; }
  fs::path LedgerPath() { return oxd::paths::dataDir() / "ledgers" / workspaceId(); }
  fs::path SessionsDir() { return oxd::paths::cacheDir() / workspaceId() / "sessions"; }

  // What the remote holds, as a teammate would see it after a fetch.
  std::string RemoteLog() {
    return Sh(remotes_, "git --git-dir=" + ShellQuote(Remote().string()) + " log --format=%s main");
  }
  std::string RemoteFile(const std::string& path) {
    return Sh(remotes_, "git --git-dir=" + ShellQuote(Remote().string()) + " show main:" + path);
  }
  std::string RemoteTree() {
    return Sh(remotes_,
              "git --git-dir=" + ShellQuote(Remote().string()) + " ls-tree -r --name-only main");
  }
  void TeammatePush(const std::string& path, const std::string& content) {
    WriteFile(Mate() / path, content);
    Sh(Mate(), "git add -A && git commit -q -m " + ShellQuote("teammate: " + path) +
                   " && git push -q origin main");
  }

  void Murmur(const fs::path& target_dir, const std::string& rel_path, const std::string& content,
              const std::string& bytes) {
    sendOneWay("murmur", {{"target_dir", target_dir.string()},
                          {"rel_path", rel_path},
                          {"content", content},
                          {"murmur_json", encoding::base64Encode(bytes)}});
  }

  std::string Log() { return ReadFile(logPath()); }
};

TEST_F(SyncWritesTest, MurmurIsCommittedAndPushedOnTopOfATeammatesConcurrentPush) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger());
  TeammatePush("notes/theirs.md", "theirs\n");  // our clone has not seen it: the push must rebase

  const std::string murmur = R"({"id":"m1","agent_id":"Ox1","text":"refactoring the parser"})";
  Murmur(LedgerPath() / "data/murmurs", "2026-11-23/10/m1.json",
         "refactoring the parser\nand tests", murmur);
  ASSERT_TRUE(WaitFor([&] {
    return RemoteLog().find("murmur: refactoring the parser") != std::string::npos;
  })) << RemoteLog()
      << daemonDiagnostics();

  EXPECT_EQ(RemoteLog(), "murmur: refactoring the parser\nteammate: notes/theirs.md\nseed\n");
  EXPECT_EQ(RemoteFile("data/murmurs/2026-11-23/10/m1.json"), murmur);
  EXPECT_EQ(RemoteFile("notes/theirs.md"), "theirs\n");
  EXPECT_EQ(ReadFile(LedgerPath() / "data/murmurs/2026-11-23/10/m1.json"), murmur);
  EXPECT_EQ(Sh(LedgerPath(), "git log -1 --format=%an"), "oxd\n");
  EXPECT_EQ(Sh(LedgerPath(), "git status --porcelain"), "");
  EXPECT_TRUE(WaitFor([&] {
    return Log().find("and pushed (2 push attempt(s))") != std::string::npos;
  })) << Log();
}

TEST_F(SyncWritesTest, MurmursIntoATeamContextAndTheLedgerLandWhileSyncsRun) {
  Sh(remotes_, "git init -q --bare -b main team.git");
  Sh(remotes_, "git clone -q " + ShellQuote((remotes_ / "team.git").string()) + " team-mate 2>&1");
  WriteFile(remotes_ / "team-mate/SOUL.md", "soul\n");
  Sh(remotes_ / "team-mate", "git add -A && git commit -q -m seed && git push -q origin main");
  Sh(remotes_, "git init -q --bare -b main ledger.git");
  Sh(remotes_, "git clone -q " + ShellQuote(Remote().string()) + " ledger-mate 2>&1");
  WriteFile(Mate() / "README.md", "ledger\n");
  Sh(Mate(), "git add -A && git commit -q -m seed && git push -q origin main");
  writeProjectFile({{"ledger", {{"url", "file://" + Remote().string()}}},
                    {"team_contexts",
                     {{{"id", "team_1"},
                       {"name", "One"},
                       {"url", "file://" + (remotes_ / "team.git").string()}}}}});
  ASSERT_NO_FATAL_FAILURE(Start());
  fs::path team;
  ASSERT_TRUE(WaitFor([&] {
    json teams = request("status")["data"]["workspaces"]["team-context"];
    if (teams.empty() || !teams[0].value("exists", false)) return false;
    team = teams[0]["path"].get<std::string>();
    return fs::exists(LedgerPath() / "README.md");
  })) << daemonDiagnostics();

  // Writes and pulls of the same repos at once: each one waits for the other, none is lost.
  for (int i = 0; i < 3; ++i) {
    std::string n = std::to_string(i);
    Murmur(team / "data/murmurs", "m" + n + ".json", "team murmur " + n, "{\"n\":" + n + "}");
    Murmur(LedgerPath(), "data/murmurs/m" + n + ".json", "ledger murmur " + n, "{\"n\":" + n + "}");
  }
  EXPECT_TRUE(request("sync", nullptr, 60s)["success"]);
  EXPECT_TRUE(request("team_sync", nullptr, 60s)["success"]);
  std::string team_git = "git --git-dir=" + ShellQuote((remotes_ / "team.git").string());
  ASSERT_TRUE(WaitFor([&] {
    return Count(Sh(remotes_, team_git + " log --format=%s main"), "team murmur") == 3 &&
           Count(RemoteLog(), "ledger murmur") == 3;
  })) << RemoteLog()
      << daemonDiagnostics();
  EXPECT_EQ(Sh(remotes_, team_git + " show main:data/murmurs/m2.json"), "{\"n\":2}");
  EXPECT_EQ(RemoteFile("data/murmurs/m1.json"), "{\"n\":1}");
  EXPECT_EQ(Sh(team, "git status --porcelain"), "");
}

TEST_F(SyncWritesTest, MurmurOutsideTheCheckoutsIsRefusedAndWritesNothing) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger());
  fs::path outside = tempDir() / "outside";
  fs::create_directories(outside);
  fs::create_directory_symlink(outside, LedgerPath() / "escape");

  Murmur(LedgerPath(), "../outside/dotdot.json", "x", "{}");
  Murmur(outside, "direct.json", "x", "{}");
  Murmur(LedgerPath(), "escape/through-link.json", "x", "{}");
  Murmur(LedgerPath() / "escape", "link-target.json", "x", "{}");
  Murmur(LedgerPath(), ".git/hooks/post-commit", "x", "#!/bin/sh\n");
  Murmur(LedgerPath() / "murmurs" / ".." / "..", "up.json", "x", "{}");
  // Inside the checkout but not under data/murmurs/: refused, as the original refuses it.
  Murmur(LedgerPath(), "notes/not-a-murmur.json", "x", "{}");
  Murmur(LedgerPath(), "murmurs/2026-11-23/m.json", "x", "{}");
  ASSERT_TRUE(WaitFor([&] { return Count(Log(), "murmur refused, nothing written") == 8; }))
      << Log();
  EXPECT_FALSE(fs::exists(LedgerPath() / "notes/not-a-murmur.json"));
  EXPECT_NE(Log().find("a murmur must be written under data/murmurs/, not notes/not-a-murmur.json"),
            std::string::npos)
      << Log();

  EXPECT_TRUE(fs::is_empty(outside));
  EXPECT_FALSE(fs::exists(LedgerPath() / ".git/hooks/post-commit"));
  EXPECT_EQ(RemoteLog(), "seed\n");
  EXPECT_EQ(Sh(LedgerPath(), "git log --format=%s"), "seed\n");
  EXPECT_NE(Log().find("is not inside the ledger or a team context"), std::string::npos);
  EXPECT_NE(Log().find("escapes"), std::string::npos);
  json errors = request("get_errors")["data"];
  bool stored = false;
  for (const json& error : errors) stored = stored || error.value("code", "") == "murmur_refused";
  EXPECT_TRUE(stored) << errors.dump(2);
}

TEST_F(SyncWritesTest, MurmurThatCouldNotBePushedIsPushedByTheNextSync) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger());
  fs::rename(Remote(), remotes_ / "away.git");
  Murmur(LedgerPath(), "data/murmurs/offline.json", "written offline", "{\"id\":\"m2\"}");
  ASSERT_TRUE(WaitFor([&] {
    return Log().find("committed locally, push failed") != std::string::npos;
  })) << Log();
  EXPECT_EQ(Sh(LedgerPath(), "git log -1 --format=%s"), "murmur: written offline\n");

  fs::rename(remotes_ / "away.git", Remote());
  TeammatePush("notes/meanwhile.md", "meanwhile\n");
  std::vector<json> stages;
  json reply = request("sync", nullptr, 60s, [&](const json& line) { stages.push_back(line); });
  EXPECT_TRUE(reply["success"]) << reply.dump();
  bool pushing = false;
  for (const json& line : stages) {
    pushing = pushing || line.dump().find("Pushing 1 local commit(s)") != std::string::npos;
  }
  EXPECT_TRUE(pushing) << json(stages).dump(2);
  EXPECT_EQ(RemoteLog(), "murmur: written offline\nteammate: notes/meanwhile.md\nseed\n");
  EXPECT_EQ(RemoteFile("data/murmurs/offline.json"), "{\"id\":\"m2\"}");
}

TEST_F(SyncWritesTest, SessionFinalizeCopiesTheSessionIntoTheLedgerAndPushes) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger());
  const std::string name = "2026-11-23T10-00-ana-OxAb12";
  fs::path session = SessionsDir() / name;
  WriteFile(session / "raw.jsonl", "{\"n\":1}\n{\"n\":2}\n");
  WriteFile(session / "meta/summary.json", "{\"title\":\"t\"}");
  WriteFile(session / ".watch.json", "{}");

  sendOneWay("session_finalize", {{"session_name", name},
                                  {"ledger_path", LedgerPath().string()},
                                  {"cache_path", session.string()},
                                  {"project_root", projectDir().string()}});
  ASSERT_TRUE(WaitFor([&] { return RemoteLog().find("session: " + name) != std::string::npos; }))
      << RemoteLog() << daemonDiagnostics();
  EXPECT_EQ(RemoteFile("sessions/" + name + "/raw.jsonl"), "{\"n\":1}\n{\"n\":2}\n");
  EXPECT_EQ(RemoteFile("sessions/" + name + "/meta/summary.json"), "{\"title\":\"t\"}");
  EXPECT_EQ(RemoteTree(), "README.md\nsessions/" + name + "/meta/summary.json\nsessions/" + name +
                              "/raw.jsonl\n");

  // Another session dir, a traversal and a foreign ledger are refused.
  sendOneWay("session_finalize", {{"session_name", "../" + name}});
  sendOneWay("session_finalize",
             {{"session_name", name}, {"cache_path", (tempDir() / "remotes").string()}});
  sendOneWay("session_finalize",
             {{"session_name", name}, {"ledger_path", (tempDir() / "remotes").string()}});
  ASSERT_TRUE(WaitFor([&] { return Count(Log(), "session_finalize refused") == 3; })) << Log();
  EXPECT_EQ(Count(RemoteLog(), "session: "), 1u);
}

TEST_F(SyncWritesTest, SessionFinalizePushesMarkersInPlaceOfEverySecretAndKeepsTheCacheAsItWas) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger());
  const std::string name = "2026-12-07T20-00-ana-OxSec1";
  fs::path session = SessionsDir() / name;
  const std::vector<oxd::testing::FakeSecret> corpus = oxd::testing::FakeSecretCorpus();
  // raw.jsonl: each secret inside a transcript line; notes.md: each as raw text (PEM over lines).
  std::string raw;
  std::string notes;
  std::string expected_notes;
  for (const oxd::testing::FakeSecret& planted : corpus) {
    raw += json({{"type", "user"}, {"message", {{"role", "user"}, {"content", planted.text}}}})
               .dump() +
           "\n";
    notes += planted.text + "\n";
    expected_notes += planted.Redacted() + "\n";
  }
  const std::string ordinary =
      R"({"type":"assistant","uuid":"0190f5b8-3c2a-7d4e-9a61-2b7c8d9e0f12",)"
      R"("message":{"content":"commit 9fceb02d0ae598e95dc970b74767f19372d61af8, passwordless"}})"
      "\n";
  raw += ordinary;
  WriteFile(session / "raw.jsonl", raw);
  WriteFile(session / "notes.md", notes);

  sendOneWay("session_finalize", {{"session_name", name}});
  ASSERT_TRUE(WaitFor([&] { return RemoteLog().find("session: " + name) != std::string::npos; }))
      << RemoteLog() << daemonDiagnostics();

  // What a teammate fetches: every line still JSON, each secret replaced by its marker.
  std::string pushed = RemoteFile("sessions/" + name + "/raw.jsonl");
  std::istringstream lines(pushed);
  std::string line;
  for (const oxd::testing::FakeSecret& planted : corpus) {
    ASSERT_TRUE(std::getline(lines, line)) << pushed;
    json parsed = json::parse(line, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << planted.name << ": " << line;
    EXPECT_EQ(parsed["message"]["content"], planted.Redacted()) << planted.name;
  }
  ASSERT_TRUE(std::getline(lines, line));
  EXPECT_EQ(line + "\n", ordinary);  // git SHAs, UUIDs and ordinary words stay as they were
  EXPECT_EQ(RemoteFile("sessions/" + name + "/notes.md"), expected_notes);

  // Nowhere in the remote's history, the ledger checkout, or the log; the cache is untouched.
  std::string history = Sh(
      remotes_, "git --git-dir=" + ShellQuote(Remote().string()) + " log -p --all --format=%H%n%B");
  std::string checkout = Sh(LedgerPath(), "cat sessions/" + name + "/*");
  for (const oxd::testing::FakeSecret& planted : corpus) {
    EXPECT_EQ(history.find(planted.secret), std::string::npos) << planted.name;
    EXPECT_EQ(checkout.find(planted.secret), std::string::npos) << planted.name;
    EXPECT_EQ(Log().find(planted.secret), std::string::npos) << planted.name;
    EXPECT_NE(history.find(planted.marker), std::string::npos) << planted.name;
  }
  EXPECT_EQ(ReadFile(session / "raw.jsonl"), raw);
  EXPECT_EQ(ReadFile(session / "notes.md"), notes);
  EXPECT_TRUE(WaitFor([&] {
    return Log().find("session " + name + ": " + std::to_string(2 * corpus.size()) +
                      " secret(s) redacted") != std::string::npos;
  })) << Log();
}

TEST_F(SyncWritesTest, SessionWatchFollowsAppendsTruncationRotationAndRestarts) {
  ASSERT_NO_FATAL_FAILURE(StartWithLedger());
  fs::path agent = tempDir() / "agent";
  fs::path file = agent / "session.jsonl";
  WriteFile(file, "a\nb-part");  // the second line is still being written
  const std::string name = "s1";
  fs::path raw = SessionsDir() / name / "raw.jsonl";
  auto append = [](const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::app) << text;
  };
  auto raw_is = [&](const std::string& expected) {
    return WaitFor([&] { return ReadFile(raw) == expected; });
  };

  sendOneWay("session_watch_start",
             {{"session_name", name}, {"session_file", file.string()}, {"adapter_name", "codex"}});
  ASSERT_TRUE(raw_is("a\n")) << ReadFile(raw) << daemonDiagnostics();
  append(file, "-rest\nc\n");
  ASSERT_TRUE(raw_is("a\nb-part-rest\nc\n")) << ReadFile(raw);

  WriteFile(file, "t1\n");  // truncated and rewritten: copying restarts at 0
  ASSERT_TRUE(raw_is("a\nb-part-rest\nc\nt1\n")) << ReadFile(raw);

  append(file, "r1\n");  // rotation: the old file is finished, the new one followed from 0
  fs::rename(file, agent / "session.jsonl.1");
  WriteFile(file, "n1\n");
  ASSERT_TRUE(raw_is("a\nb-part-rest\nc\nt1\nr1\nn1\n")) << ReadFile(raw);

  // Down: the file grows and rotates, and raw.jsonl carries a line the state never recorded
  // (a crash between the append and the state write). The restart copies each line once.
  std::optional<int> status = stopDaemon();
  ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << daemonDiagnostics();
  append(file, "d1\n");
  fs::rename(file, agent / "session.jsonl.2");
  WriteFile(file, "e1\n");
  append(raw, "n1-again\n");
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(raw_is("a\nb-part-rest\nc\nt1\nr1\nn1\nd1\ne1\n")) << ReadFile(raw);
  append(file, "f1\n");
  ASSERT_TRUE(raw_is("a\nb-part-rest\nc\nt1\nr1\nn1\nd1\ne1\nf1\n")) << ReadFile(raw);

  // Stop, then finalize: the ledger gets raw.jsonl as it was when the watch stopped.
  sendOneWay("session_watch_stop", {{"session_name", name}});
  ASSERT_TRUE(
      WaitFor([&] { return Log().find("session s1: watch stopped") != std::string::npos; }));
  append(file, "after-stop\n");
  sendOneWay("session_finalize", {{"session_name", name}});
  ASSERT_TRUE(WaitFor([&] { return RemoteLog().find("session: s1") != std::string::npos; }))
      << daemonDiagnostics();
  EXPECT_EQ(RemoteFile("sessions/s1/raw.jsonl"), "a\nb-part-rest\nc\nt1\nr1\nn1\nd1\ne1\nf1\n");

  // A symlink or someone else's path is not a session file.
  fs::create_symlink(file, agent / "link.jsonl");
  sendOneWay("session_watch_start", {{"session_name", "s2"},
                                     {"session_file", (agent / "link.jsonl").string()},
                                     {"adapter_name", "codex"}});
  sendOneWay("session_watch_start",
             {{"session_name", "s3"}, {"session_file", "relative.jsonl"}, {"adapter_name", "x"}});
  ASSERT_TRUE(WaitFor([&] { return Count(Log(), "session_watch_start refused") == 2; })) << Log();
  EXPECT_FALSE(fs::exists(SessionsDir() / "s2"));
}

}  // namespace
}  // namespace oxd::testing
