// codedb through the real daemon: the project's history indexed at start, searches equal to
// git grep at HEAD, history/symbol/comment/commit hits, bad queries answered clearly, the index
// kept across a restart.

#include <gtest/gtest.h>

#include <fstream>

#include "CodedbFixture.h"

namespace oxd::testing {
namespace {

class CodedbSearchTest : public CodedbFixture {
 protected:
  void SetUp() override {
    CodedbFixture::SetUp();
    InitProject({{"src/widget.cpp",
                  "// Counts widgets in the frame.\n"
                  "int widget_count(const Frame* f) { return f->size; }\n"
                  "struct Widget { void resize(int w); };\n"},
                 {"src/util.py",
                  "def parse_header(text):\n    \"\"\"Reads the header line.\"\"\"\n"
                  "    return text.split('\\n')[0]\n"},
                 {"README.md", "Widgets and a->b arrows, widget_count explained.\n"}});
    CommitProject({{"src/old.go", "package old\n\nfunc legacyThing() int { return 1 }\n"}},
                  "add the legacy thing");
    Git("rm -q src/old.go && git commit -q -m 'drop the legacy thing'");
    CommitProject({{"src/widget.cpp",
                    "// Counts widgets in the frame.\n"
                    "int widget_count(const Frame* f) { return f->size; }\n"
                    "struct Widget { void resize(int w); };\n"
                    "int widget_total = 0;\n"}},
                  "count the total of widgets");
  }
};

TEST_F(CodedbSearchTest, TextSearchEqualsGitGrepAtHead) {
  ASSERT_NO_FATAL_FAILURE(StartCodedb());
  ASSERT_TRUE(WaitIndexed(4)) << CodeStatus().dump(2) << daemonDiagnostics();
  for (std::string query :
       {"widget_count", "return", "a->b", "Widget", "split('", "w", "zzz_none"}) {
    EXPECT_EQ(Paths({{"query", query}}), GitGrepPaths(query)) << query;
  }
  json hits = Results({{"query", "widget_total"}});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]["path"], "src/widget.cpp");
  EXPECT_EQ(hits[0]["line"], 4);
  EXPECT_EQ(hits[0]["snippet"], "int widget_total = 0;");
  EXPECT_EQ(hits[0]["dirty"], false);
  EXPECT_FALSE(hits[0].contains("commit")) << "HEAD hits name no commit";
  // Filters.
  EXPECT_EQ(Paths({{"query", "widget"}, {"path", "*.md"}}), std::set<std::string>{"README.md"});
  EXPECT_EQ(Paths({{"query", "widget"}, {"lang", "cpp"}}), std::set<std::string>{"src/widget.cpp"});
}

TEST_F(CodedbSearchTest, HistorySymbolCommentAndCommitSearchesNameWhatTheyFound) {
  ASSERT_NO_FATAL_FAILURE(StartCodedb());
  ASSERT_TRUE(WaitIndexed(4)) << daemonDiagnostics();
  std::string added = Git("rev-parse HEAD~2");
  std::string dropped = Git("rev-parse HEAD~1");
  added.pop_back();
  dropped.pop_back();

  EXPECT_TRUE(Results({{"query", "legacyThing"}}).empty()) << "deleted at HEAD";
  json history = Results({{"query", "legacyThing"}, {"history", true}});
  ASSERT_EQ(history.size(), 1u) << history.dump();
  EXPECT_EQ(history[0]["path"], "src/old.go");
  EXPECT_EQ(history[0]["commit"], added);
  EXPECT_EQ(history[0]["removed_in"], dropped);

  json symbols = Results({{"query", "Widget::resize"}, {"kind", "symbol"}});
  ASSERT_EQ(symbols.size(), 1u) << symbols.dump();
  EXPECT_EQ(symbols[0]["path"], "src/widget.cpp");
  EXPECT_EQ(symbols[0]["line"], 3);
  EXPECT_EQ(symbols[0]["symbol"], "resize");

  json comments = Results({{"query", "reads the header"}, {"kind", "comment"}});
  ASSERT_EQ(comments.size(), 1u) << comments.dump();
  EXPECT_EQ(comments[0]["path"], "src/util.py");

  json commits = Results({{"query", "legacy thing"}, {"kind", "commit"}});
  ASSERT_EQ(commits.size(), 2u) << commits.dump();
  EXPECT_EQ(commits[0]["commit"], dropped) << "newest first";
}

TEST_F(CodedbSearchTest, BadQueriesAreAnsweredClearly) {
  ASSERT_NO_FATAL_FAILURE(StartCodedb());
  ASSERT_TRUE(WaitIndexed(4)) << daemonDiagnostics();
  EXPECT_EQ(ErrorOf({{"query", ""}}), "empty query");
  EXPECT_NE(ErrorOf({{"query", std::string(2000, 'x')}}).find("the limit is 1024"),
            std::string::npos);
  EXPECT_NE(ErrorOf({{"query", "a\nb"}}).find("one line"), std::string::npos);
  EXPECT_EQ(ErrorOf(json::object()), "invalid payload: query: required");
  EXPECT_EQ(ErrorOf({{"query", 42}}), "invalid payload: query: expected string, got number");
  EXPECT_NE(ErrorOf({{"query", "x"}, {"kind", "regex"}}).find("kind: expected text"),
            std::string::npos);
  for (int limit : {0, -1, 5000}) {
    EXPECT_NE(ErrorOf({{"query", "x"}, {"limit", limit}}).find("limit: expected 1 to 1000"),
              std::string::npos);
  }
  EXPECT_NE(ErrorOf({{"query", "x"}, {"limit", "ten"}}).find("limit: expected integer"),
            std::string::npos);
  EXPECT_NE(ErrorOf({{"query", "x"}, {"history", "yes"}}).find("history: expected boolean"),
            std::string::npos);
  EXPECT_NE(ErrorOf({{"query", "x"}, {"lang", "cobol"}}).find("cobol"), std::string::npos);
  EXPECT_NE(ErrorOf({{"query", "x"}, {"repo", "https://nowhere.example/x.git"}}).find("no index"),
            std::string::npos);
  // FTS5 syntax is text: answered (no hits here), never an FTS error.
  for (std::string query : {"NEAR(", "\"unbalanced", "a OR b", "col:x", "*", "^start", "-x"}) {
    for (std::string kind : {"text", "symbol", "comment", "commit"}) {
      json reply = SearchReply({{"query", query}, {"kind", kind}});
      EXPECT_TRUE(reply.value("success", false)) << query << " " << kind << " → " << reply.dump();
    }
  }
  EXPECT_EQ(Paths({{"query", "a->b"}}), std::set<std::string>{"README.md"});
  EXPECT_EQ(request("ping")["data"], "pong");
}

TEST_F(CodedbSearchTest, TheIndexOutlivesARestartAndStatusComesFromIt) {
  ASSERT_NO_FATAL_FAILURE(StartCodedb());
  ASSERT_TRUE(WaitIndexed(4)) << daemonDiagnostics();
  json before = CodeStatus();
  EXPECT_TRUE(before.value("index_exists", false));
  EXPECT_GT(before.value("symbols", 0), 0);
  EXPECT_GT(before.value("comments", 0), 0);
  EXPECT_EQ(before.value("data_dir", "").find(tempDir().string()), 0u) << before.dump();
  std::optional<int> status = stopDaemon();
  ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  ASSERT_NO_FATAL_FAILURE(StartCodedb({"codedb.check_interval=0"}));
  json after = CodeStatus();
  EXPECT_EQ(after["commits"], before["commits"]) << after.dump();
  EXPECT_EQ(after["symbols"], before["symbols"]);
  EXPECT_EQ(Paths({{"query", "widget_total"}}), std::set<std::string>{"src/widget.cpp"});
}

TEST_F(CodedbSearchTest, ADamagedIndexFileIsRebuiltFromGitByItself) {
  ASSERT_NO_FATAL_FAILURE(StartCodedb());
  ASSERT_TRUE(WaitIndexed(4)) << daemonDiagnostics();
  std::filesystem::path index = CodeStatus().value("data_dir", "") + std::string("/project.db");
  std::optional<int> status = stopDaemon();
  ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  {
    std::fstream file(index, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(0);
    file << std::string(4096, 'Z');
  }
  ASSERT_NO_FATAL_FAILURE(StartCodedb());
  ASSERT_TRUE(WaitIndexed(4)) << CodeStatus().dump(2) << daemonDiagnostics();
  EXPECT_EQ(Paths({{"query", "widget_total"}}), std::set<std::string>{"src/widget.cpp"});
  EXPECT_TRUE(IssuesOfType("codedb_index_failed").empty()) << Status().dump(2);
  EXPECT_NE(git::testing::ReadFile(logPath()).find("is damaged"), std::string::npos);
}

TEST_F(CodedbSearchTest, CodeIndexStreamsRealPercentagesAndRefusesASecondRun) {
  // A history long enough that a full run takes a while: 1,500 commits of one file each.
  std::string stream;
  for (int i = 1; i <= 1500; ++i) {
    std::string body = "// generated " + std::to_string(i) + "\nint value_" + std::to_string(i) +
                       " = " + std::to_string(i) + ";\n";
    stream += "commit refs/heads/main\ncommitter Me <me@example.com> " +
              std::to_string(1700000000 + i) + " +0000\ndata 5\nbulk\n" +
              (i == 1 ? "from refs/heads/main^0\n" : "") + "M 100644 inline gen/f" +
              std::to_string(i) + ".c\ndata " + std::to_string(body.size()) + "\n" + body + "\n";
  }
  git::testing::WriteFile(tempDir() / "history.fi", stream);
  Git("fast-import --quiet < " + git::testing::ShellQuote((tempDir() / "history.fi").string()) +
      " && git reset -q --hard main");
  ASSERT_NO_FATAL_FAILURE(StartCodedb());
  std::uint64_t commits = std::stoull(Git("rev-list --count HEAD"));
  ASSERT_TRUE(WaitIndexed(commits)) << CodeStatus().dump(2) << daemonDiagnostics();

  std::atomic<bool> running{false};
  std::vector<int> percents;
  json first;
  std::thread full([&] {
    first =
        request("code_index", {{"full", true}}, std::chrono::seconds(120), [&](const json& line) {
          running = true;
          const json& progress = line.value("progress", json::object());
          if (progress.contains("percent")) percents.push_back(progress["percent"]);
        });
  });
  ASSERT_TRUE(WaitFor([&] { return running.load(); }, std::chrono::seconds(30)));
  json second = request("code_index", json::object());
  full.join();
  EXPECT_FALSE(second.value("success", true)) << second.dump();
  EXPECT_NE(second.value("error", "").find("already active"), std::string::npos) << second.dump();
  ASSERT_TRUE(first.value("success", false)) << first.dump();
  EXPECT_EQ(first["data"]["commits"], commits);
  EXPECT_EQ(first["data"]["full"], true);
  EXPECT_GT(first["data"]["blobs_parsed"], 1000);
  ASSERT_FALSE(percents.empty());
  EXPECT_TRUE(std::is_sorted(percents.begin(), percents.end()));
  EXPECT_EQ(percents.back(), 100);
  EXPECT_GT(percents.size(), 5u) << "percentages step through the run";
  EXPECT_EQ(Paths({{"query", "value_1234 "}}), std::set<std::string>{"gen/f1234.c"});
  // While nothing runs, a run is accepted again and finds nothing new.
  json again = request("code_index", json::object());
  ASSERT_TRUE(again.value("success", false)) << again.dump();
  EXPECT_EQ(again["data"]["commits"], 0);
}

}  // namespace
}  // namespace oxd::testing
