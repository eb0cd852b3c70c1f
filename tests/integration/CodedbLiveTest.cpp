// codedb following changes through the real daemon: uncommitted edits searchable through the
// overlay (and the committed version hidden), commits indexed as HEAD moves, the ledger index
// following pulls, a remote indexed by URL, settled edits becoming a file-change murmur, and
// the oxctl commands.

#include <gtest/gtest.h>

#include "CodedbFixture.h"

namespace oxd::testing {
namespace {

using Clock = std::chrono::steady_clock;

class CodedbLiveTest : public CodedbFixture {
 protected:
  void SetUp() override {
    CodedbFixture::SetUp();
    InitProject({{"src/a.cpp", "int old_token = 1;\nint kept_token = 2;\n"},
                 {"src/b.py", "def gone_soon():\n    return 'gone_token'\n"}});
  }
  json FirstHit(const std::string& query) {
    json hits = Results({{"query", query}});
    return hits.empty() ? json() : hits[0];
  }
};

TEST_F(CodedbLiveTest, UncommittedEditsAreSearchedAndHideTheCommittedVersion) {
  ASSERT_NO_FATAL_FAILURE(StartCodedb());
  ASSERT_TRUE(WaitIndexed(1)) << daemonDiagnostics();
  auto saved = Clock::now();
  WriteProject("src/a.cpp", "int fresh_token = 1;\nint kept_token = 2;\n");
  ASSERT_TRUE(WaitFor([&] { return !FirstHit("fresh_token").is_null(); }, std::chrono::seconds(5)))
      << CodeStatus().dump(2);
  auto searchable_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - saved).count();
  std::cout << "saved edit searchable after " << searchable_ms << " ms (settle 20 ms)\n";
  json fresh = FirstHit("fresh_token");
  EXPECT_EQ(fresh["path"], "src/a.cpp");
  EXPECT_EQ(fresh["dirty"], true);
  EXPECT_TRUE(Results({{"query", "old_token"}}).empty()) << "the committed line is gone";
  json kept = Results({{"query", "kept_token"}});
  ASSERT_EQ(kept.size(), 1u) << "one version of an edited file, not two: " << kept.dump();
  EXPECT_EQ(kept[0]["dirty"], true);

  WriteProject("notes/new.txt", "untracked_token here\n");
  std::filesystem::remove(projectDir() / "src/b.py");
  ASSERT_TRUE(
      WaitFor([&] { return !FirstHit("untracked_token").is_null(); }, std::chrono::seconds(5)));
  EXPECT_EQ(FirstHit("untracked_token")["path"], "notes/new.txt");
  ASSERT_TRUE(WaitFor([&] { return FirstHit("gone_token").is_null(); }, std::chrono::seconds(5)))
      << "a deleted file's committed text is hidden";
  json overlay = CodeStatus().value("overlay", json::object());
  EXPECT_EQ(overlay.value("dirty_files", 0), 3) << overlay.dump();
  EXPECT_FALSE(overlay.value("degraded", true));

  // Committed: the same text is found as committed once the index has followed HEAD.
  Git("add -A && git commit -q -m 'edit a, add notes, drop b'");
  ASSERT_TRUE(WaitFor(
      [&] {
        json hit = FirstHit("fresh_token");
        return hit.is_object() && hit["dirty"] == false;
      },
      std::chrono::seconds(5)))
      << CodeStatus().dump(2) << daemonDiagnostics();
  EXPECT_EQ(CodeStatus().value("commits", 0), 2);
  // codedb.indexed announced the start-up run (the seed commit) and the commit's run.
  std::string log = git::testing::ReadFile(logPath());
  std::string event = "event codedb.indexed {\"repo\":\"project\",\"full\":false,\"ok\":true";
  std::size_t announced = 0;
  for (auto at = log.find(event); at != std::string::npos; at = log.find(event, at + 1)) {
    ++announced;
  }
  EXPECT_EQ(announced, 2u) << log;
  EXPECT_TRUE(FirstHit("gone_token").is_null());
  EXPECT_TRUE(FirstHit("old_token").is_null());
}

TEST_F(CodedbLiveTest, ABranchSwitchIsFollowedByTheIndexAndTheOverlay) {
  ASSERT_NO_FATAL_FAILURE(StartCodedb());
  ASSERT_TRUE(WaitIndexed(1)) << daemonDiagnostics();
  Git("checkout -q -b feature");
  CommitProject({{"src/feature.rs", "fn feature_only() {}\n"}}, "feature work");
  ASSERT_TRUE(
      WaitFor([&] { return !FirstHit("feature_only").is_null(); }, std::chrono::seconds(5)));
  Git("checkout -q main");
  ASSERT_TRUE(WaitFor([&] { return FirstHit("feature_only").is_null(); }, std::chrono::seconds(5)))
      << "back on main the feature file is gone";
  json symbols = Results({{"query", "feature_only"}, {"kind", "symbol"}, {"history", true}});
  EXPECT_EQ(symbols.size(), 1u) << "its history stays searchable: " << symbols.dump();
}

TEST_F(CodedbLiveTest, TheLedgerIndexFollowsPulls) {
  std::string ledger_url = MakeRemote("ledger");
  writeProjectFile({{"ledger", {{"url", ledger_url}}}});
  ASSERT_NO_FATAL_FAILURE(StartCodedb());
  ASSERT_FALSE(WaitForLedger().empty());
  ASSERT_TRUE(WaitFor([&] { return CodeStatus().value("ledger_commits", 0) == 1; }))
      << CodeStatus().dump(2) << daemonDiagnostics();
  EXPECT_TRUE(CodeStatus().value("ledger_exists", false));

  Push("ledger", "data/github/pulls/7.json", "{\"title\": \"ledger_token in a pull\"}\n");
  json synced = request("sync", json::object(), std::chrono::seconds(60));
  ASSERT_TRUE(synced.value("success", false)) << synced.dump();
  auto pulled = Clock::now();
  json payload = {{"query", "ledger_token"}, {"repo", "ledger"}};
  ASSERT_TRUE(WaitFor([&] { return !Results(payload).empty(); }, std::chrono::seconds(5)))
      << CodeStatus().dump(2);
  std::cout << "pulled commit searchable after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - pulled).count()
            << " ms\n";
  EXPECT_EQ(Results(payload)[0]["path"], "data/github/pulls/7.json");
  EXPECT_TRUE(Results({{"query", "ledger_token"}}).empty()) << "the project's index is apart";
}

TEST_F(CodedbLiveTest, ARemoteRepositoryIsClonedByURLAndIndexed) {
  std::string url = MakeRemote("lib");
  Push("lib", "lib/core.go", "package lib\n\nfunc RemoteOnly() {}\n");
  ASSERT_NO_FATAL_FAILURE(StartCodedb());
  ASSERT_TRUE(WaitIndexed(1)) << "the start-up run is over (a run during it is refused)";
  json reply = request("code_index", {{"url", url}}, std::chrono::seconds(60));
  ASSERT_TRUE(reply.value("success", false)) << reply.dump() << daemonDiagnostics();
  EXPECT_EQ(reply["data"]["repo"], url);
  EXPECT_EQ(reply["data"]["commits"], 2);
  json hits = Results({{"query", "RemoteOnly"}, {"kind", "symbol"}, {"repo", url}});
  ASSERT_EQ(hits.size(), 1u) << hits.dump();
  EXPECT_EQ(hits[0]["path"], "lib/core.go");
  bool listed = false;
  for (const json& repo : CodeStatus().value("repos", json::array())) {
    listed = listed || repo.value("name", "") == url;
  }
  EXPECT_TRUE(listed) << CodeStatus().dump(2);
  // The clone is codedb's mirror, not a team context: no whisper store, no team in status.
  EXPECT_TRUE(
      Status().value("workspaces", json::object()).value("team_contexts", json::array()).empty());

  for (std::string bad : {"ssh://host/x.git", "/etc/passwd", "https://h/\x01"}) {
    json refused = request("code_index", {{"url", bad}});
    EXPECT_FALSE(refused.value("success", true)) << bad;
    EXPECT_NE(refused.value("error", "").find("invalid payload: url:"), std::string::npos)
        << refused.dump();
  }
  json dead = request("code_index", {{"url", "file://" + (tempDir() / "nothing.git").string()}},
                      std::chrono::seconds(60));
  EXPECT_FALSE(dead.value("success", true)) << dead.dump();
  EXPECT_EQ(request("ping")["data"], "pong");
}

TEST_F(CodedbLiveTest, SettledEditsBecomeAFileChangeMurmurInTheLedger) {
  std::string ledger_url = MakeRemote("ledger");
  writeProjectFile({{"ledger", {{"url", ledger_url}}}});
  ASSERT_NO_FATAL_FAILURE(StartCodedb({"whisper.file_change_interval=1s",
                                       "whisper.nudge_interval=0", "whisper.activity_interval=0"},
                                      /*with_whisper=*/true));
  ASSERT_FALSE(WaitForLedger().empty());
  ASSERT_TRUE(WaitIndexed(1)) << daemonDiagnostics();
  WriteProject("src/a.cpp", "int changed = 3;\n");
  bool murmured = WaitFor([&] {
    std::string log = git::testing::Sh(remotes_, "git --git-dir=ledger.git log -p main");
    // In the original's layout, with the path in metadata.files.
    return log.find("+++ b/data/murmurs/") != std::string::npos &&
           log.find("\"files\":\"src") != std::string::npos;
  });
  EXPECT_TRUE(murmured) << daemonDiagnostics();
}

TEST_F(CodedbLiveTest, OxctlIndexAndSearch) {
  ASSERT_NO_FATAL_FAILURE(StartCodedb());
  ASSERT_TRUE(WaitIndexed(1)) << daemonDiagnostics();
  ProcessResult index = oxctl({"index"});
  EXPECT_EQ(index.exit_code, 0) << index.err;
  EXPECT_NE(index.out.find("indexed project: 0 new commit(s)"), std::string::npos) << index.out;

  ProcessResult search = oxctl({"search", "kept_token"});
  EXPECT_EQ(search.exit_code, 0) << search.err;
  EXPECT_EQ(search.out, "src/a.cpp:2: int kept_token = 2;\n");
  ProcessResult symbol = oxctl({"search", "gone_soon", "--symbol"});
  EXPECT_EQ(symbol.out, "src/b.py:1: function gone_soon\n") << symbol.err;
  ProcessResult none = oxctl({"search", "nothing_like_this"});
  EXPECT_EQ(none.out, "no matches\n");
  ProcessResult json_out = oxctl({"search", "kept_token", "--json"});
  EXPECT_EQ(nlohmann::json::parse(json_out.out)["results"][0]["line"], 2) << json_out.out;
  ProcessResult bad = oxctl({"search", "x", "--symbol", "--commit"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  ProcessResult empty = oxctl({"search", ""});
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_NE(empty.err.find("empty query"), std::string::npos) << empty.err;
}

}  // namespace
}  // namespace oxd::testing
