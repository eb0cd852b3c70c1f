// The github plugin through the real oxd, the real sync plugin and a real ledger remote
// (file://), against the loopback fake GitHub API (tests/support/FakeGithub.h): a first sync of
// 250 PRs and 250 issues over several pages makes one pushed commit; a second sync sends only
// conditional requests answered 304 and commits nothing; an edit and a new comment change only
// their files; a token in a PR body is redacted; GitHub Enterprise's /api/v3; a bad token is one
// request, an issue and no loop until the token changes; a used-up rate limit is waited out;
// a teammate's concurrent push is rebased onto; codedb finds a PR by a word of its body.
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "DaemonFixture.h"
#include "FakeGithub.h"
#include "FakeSecrets.h"
#include "GitScene.h"
#include "SyncFixture.h"

namespace oxd::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;
using oxd::git::testing::ReadFile;
using oxd::git::testing::Sh;
using oxd::git::testing::ShellQuote;

std::size_t Lines(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

class GithubSyncTest : public SyncFixture {
 protected:
  void StartMirror(FakeGithub& github, std::map<std::string, std::string> env = {},
                   std::vector<std::string> extra = {}) {
    std::string url = MakeRemote("ledger");
    writeProjectFile(
        {{"ledger", {{"url", url}}}, {"github", {{"owner", "acme"}, {"repo", "widgets"}}}});
    std::vector<std::string> args{"--define", "github.api_url=" + github.apiUrl(), "--define",
                                  "github.interval=0"};
    args.insert(args.end(), extra.begin(), extra.end());
    if (!env.count("GITHUB_TOKEN") && !env.count("GH_CONFIG_DIR")) env["GITHUB_TOKEN"] = "t0ken";
    ASSERT_NO_FATAL_FAILURE(StartSync(args, env));
    ledger_ = WaitForLedger();
    ASSERT_FALSE(ledger_.empty());
  }

  json Sync() { return request("github_sync", nullptr, 120s); }

  std::string RemoteGit(const std::string& args) {
    return Sh(remotes_,
              "git --git-dir=" + ShellQuote((remotes_ / "ledger.git").string()) + " " + args);
  }
  std::string RemoteLog() { return RemoteGit("log --format=%s main"); }
  std::string RemoteFiles() { return RemoteGit("ls-tree -r --name-only main -- data/github"); }
  std::string RemoteFile(const std::string& path) { return RemoteGit("show main:" + path); }
  // The mirror's file of item `number` as pushed ("" when none).
  std::string PathOf(std::int64_t number) {
    std::string files = RemoteFiles();
    std::string suffix = "/" + std::to_string(number) + ".json";
    std::size_t at = 0;
    while (at < files.size()) {
      std::size_t end = files.find('\n', at);
      std::string line = files.substr(at, end - at);
      if (line.ends_with(suffix)) return line;
      at = end + 1;
    }
    return "";
  }

  fs::path ledger_;
};

TEST_F(GithubSyncTest, FirstSyncIsOnePushedCommitAndASecondSyncIsOnly304s) {
  FakeGithub github;
  github.setToken("t0ken");
  github.seed({.prs = 250, .issues = 250, .comments_per_item = 1, .review_comments_per_pr = 1});
  ASSERT_NO_FATAL_FAILURE(StartMirror(github));

  std::vector<std::string> stages;
  json first = request("github_sync", nullptr, 120s, [&stages](const json& line) {
    std::string stage = line["progress"].value("stage", "");
    if (stages.empty() || stages.back() != stage) stages.push_back(stage);
  });
  ASSERT_TRUE(first["success"]) << first.dump(2) << daemonDiagnostics();
  EXPECT_EQ(stages, (std::vector<std::string>{"listing", "items", "writing", "done"}));
  EXPECT_EQ(first["data"]["prs_changed"], 250);
  EXPECT_EQ(first["data"]["issues_changed"], 250);
  EXPECT_EQ(first["data"]["committed"], true);
  EXPECT_EQ(first["data"]["pushed"], true);
  EXPECT_EQ(RemoteLog(), "github: sync 250 PRs, 250 issues from acme/widgets\nseed\n");
  EXPECT_EQ(Lines(RemoteFiles()), 500u);
  // Pages: pulls 3, issues 5 (PRs are issues too), comments 5, review comments 3, and one page
  // of commits for each of the 83 merged PRs.
  EXPECT_EQ(github.countPath("/repos/acme/widgets/pulls"), 3u);
  EXPECT_EQ(github.countPath("/repos/acme/widgets/issues"), 5u);
  EXPECT_EQ(github.countPath("/repos/acme/widgets/issues/comments"), 5u);
  EXPECT_EQ(github.countPath("/repos/acme/widgets/pulls/comments"), 3u);
  EXPECT_EQ(github.count(), 3u + 5 + 5 + 3 + 83);
  EXPECT_EQ(first["data"]["requests"], github.count());

  // A merged PR with its comments, review comment and commits; a closed issue.
  std::string pr = RemoteFile(PathOf(6));
  EXPECT_NE(pr.find("\"state\": \"merged\""), std::string::npos) << pr;
  EXPECT_NE(pr.find("\"kind\": \"review\""), std::string::npos) << pr;
  EXPECT_NE(pr.find("\"message\": \"commit 1 of #6\""), std::string::npos) << pr;
  EXPECT_NE(pr.find("\"body\": \"Comment 0 on #6\""), std::string::npos) << pr;
  EXPECT_TRUE(PathOf(6).find("/pr/6.json") != std::string::npos);
  EXPECT_NE(PathOf(255).find("/issue/255.json"), std::string::npos);
  EXPECT_EQ(Sh(ledger_, "git status --porcelain"), "");

  github.clearRequests();
  json second = Sync();
  ASSERT_TRUE(second["success"]) << second.dump(2);
  EXPECT_EQ(github.count(), 4u);
  EXPECT_EQ(github.count(304), 4u);
  EXPECT_EQ(second["data"]["committed"], false);
  EXPECT_EQ(Lines(RemoteLog()), 2u);

  json status = request("github_status")["data"];
  EXPECT_EQ(status["owner"], "acme");
  EXPECT_EQ(status["prs"], 250);
  EXPECT_EQ(status["issues"], 250);
  EXPECT_EQ(status["syncing"], false);
  EXPECT_TRUE(status.contains("last_sync"));
  EXPECT_GT(status["rate_limit"].value("remaining", 0), 0);
  EXPECT_EQ(request("status")["data"]["github"]["prs"], 250);
}

TEST_F(GithubSyncTest, AnEditAndANewCommentChangeOnlyTheirFilesAndSecretsAreRedacted) {
  FakeGithub github;
  github.seed({.prs = 30, .issues = 30, .comments_per_item = 1});
  ASSERT_NO_FATAL_FAILURE(StartMirror(github));
  ASSERT_TRUE(Sync()["success"]);
  std::string untouched = RemoteFile(PathOf(12));

  // Assembled at run time (tests/support/FakeSecrets.h): never a live credential.
  std::string token = "gh" + std::string("p_") + FakeChars(kFakeAlnum, 36, 7);
  github.editBody(4, "Rewrote the loader with zephyrine caching; my token " + token);
  github.comment(40, "Looks good to me");
  json reply = Sync();
  ASSERT_TRUE(reply["success"]) << reply.dump(2);
  EXPECT_EQ(reply["data"]["committed"], true);
  std::string changed = RemoteGit("show --name-only --format= main");
  std::string expected = std::min(PathOf(4), PathOf(40)) + "\n" + std::max(PathOf(4), PathOf(40)) +
                         "\n";  // git lists paths sorted
  EXPECT_EQ(changed, expected);
  EXPECT_EQ(RemoteLog().substr(0, RemoteLog().find('\n')),
            "github: sync 1 PRs, 1 issues from acme/widgets");
  std::string pr = RemoteFile(PathOf(4));
  EXPECT_EQ(pr.find(token), std::string::npos) << pr;
  EXPECT_NE(pr.find("zephyrine caching; my token [REDACTED_GITHUB_TOKEN]"), std::string::npos)
      << pr;
  std::string issue = RemoteFile(PathOf(40));
  EXPECT_NE(issue.find("Comment 0 on #40"), std::string::npos) << issue;  // kept from the file
  EXPECT_NE(issue.find("Looks good to me"), std::string::npos) << issue;
  EXPECT_EQ(RemoteFile(PathOf(12)), untouched);
  EXPECT_EQ(Sh(ledger_, "git log --all --format=%B | grep -c " + ShellQuote(token) + " || true"),
            "0\n");

  // codedb indexes the new commit (ledger.changed) and finds the PR by a word of its body.
  EXPECT_TRUE(WaitFor(
      [&] {
        json found = request("code_search", {{"query", "zephyrine"}, {"repo", "ledger"}});
        if (!found["success"]) return false;
        for (const json& result : found["data"]["results"]) {
          if (result.value("path", "") == PathOf(4)) return true;
        }
        return false;
      },
      60s))
      << request("code_status").dump(2) << daemonDiagnostics();
  EXPECT_TRUE(WaitFor([&] {
    json stats = request("code_status")["data"];
    return stats.value("prs", 0) == 30 && stats.value("issues", 0) == 30;
  })) << request("code_status").dump(2);
}

TEST_F(GithubSyncTest, OxctlGithubSyncAndStatusSayWhatHappened) {
  FakeGithub github;
  github.seed({.prs = 3, .issues = 2});
  github.setReleaseTag("v99.0.0");
  ASSERT_NO_FATAL_FAILURE(StartMirror(github, {}, {"--define", "github.release_repo=acme/oxd"}));
  ProcessResult sync = oxctl({"github", "sync"}, {.timeout = 60s});
  EXPECT_EQ(sync.exit_code, 0) << sync.err;
  EXPECT_NE(sync.out.find("github acme/widgets: 3 PR(s) and 2 issue(s) changed, committed and "
                          "pushed"),
            std::string::npos)
      << sync.out;
  ProcessResult status = oxctl({"github"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("github: acme/widgets"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("mirrored 3 PRs, 2 issues"), std::string::npos) << status.out;
  EXPECT_EQ(oxctl({"github", "frobnicate"}).exit_code, 2);
  // The release check (every 30 minutes, the first at start): a newer release is announced.
  EXPECT_TRUE(WaitFor([&] {
    return oxctl({"status"}).out.find("update available: v99.0.0") != std::string::npos;
  })) << oxctl({"status"}).out;
  std::string cache = ReadFile(tempDir() / "cache/oxd/version-check.json");
  EXPECT_NE(cache.find("\"latest_version\": \"v99.0.0\""), std::string::npos) << cache;
}

TEST_F(GithubSyncTest, AnUnknownRepositoryIsAnIssueAndNothingIsWritten) {
  FakeGithub github("", "acme", "other");
  github.seed({.prs = 1});
  ASSERT_NO_FATAL_FAILURE(StartMirror(github));
  json reply = Sync();
  EXPECT_FALSE(reply["success"]);
  EXPECT_NE(reply.value("error", "").find("not found"), std::string::npos) << reply.dump();
  ASSERT_EQ(IssuesOfType("github_not_found").size(), 1u) << Status().dump(2);
  EXPECT_NE(IssuesOfType("github_not_found")[0].value("summary", "").find("acme/widgets"),
            std::string::npos);
  EXPECT_EQ(github.count(), 1u);
  EXPECT_EQ(RemoteLog(), "seed\n");
  EXPECT_EQ(Sh(ledger_, "git status --porcelain"), "");
}

TEST_F(GithubSyncTest, EnterpriseServerUnderApiV3) {
  FakeGithub github("/api/v3");
  github.seed({.prs = 3, .issues = 2});
  ASSERT_NO_FATAL_FAILURE(StartMirror(github));
  json reply = Sync();
  ASSERT_TRUE(reply["success"]) << reply.dump(2) << daemonDiagnostics();
  EXPECT_EQ(Lines(RemoteFiles()), 5u);
  for (const FakeRequest& seen : github.requests()) {
    EXPECT_TRUE(seen.path.starts_with("/repos/acme/widgets/")) << seen.target;
    EXPECT_EQ(seen.status == 200 || seen.status == 304, true) << seen.target;
  }
}

TEST_F(GithubSyncTest, ABadTokenIsOneRequestAndAnIssueUntilTheTokenChanges) {
  FakeGithub github;
  github.setToken("good-token");
  github.seed({.prs = 2, .issues = 2});
  fs::path gh = tempDir() / "gh";
  fs::create_directories(gh);
  std::ofstream(gh / "hosts.yml") << "127.0.0.1:\n    oauth_token: bad-token\n";
  ASSERT_NO_FATAL_FAILURE(
      StartMirror(github, {{"GH_CONFIG_DIR", gh.string()}}, {"--define", "github.interval=1s"}));
  ASSERT_TRUE(WaitFor([&] { return !IssuesOfType("github_auth").empty(); }))
      << Status().dump(2) << daemonDiagnostics();
  std::this_thread::sleep_for(3s);  // three more ticks of the task: held back by the 1 h back-off
  EXPECT_EQ(github.count(), 1u);
  EXPECT_EQ(github.count(401), 1u);
  json issue = IssuesOfType("github_auth")[0];
  EXPECT_NE(issue.value("summary", "").find("gh hosts.yml"), std::string::npos) << issue.dump();
  EXPECT_EQ(ReadFile(logPath()).find("bad-token"), std::string::npos);
  EXPECT_NE(request("github_status")["data"].value("last_error", "").find("refused the token"),
            std::string::npos);

  // A working token in gh's file is taken by the next tick, without a restart.
  std::ofstream(gh / "hosts.yml") << "127.0.0.1:\n    oauth_token: good-token\n";
  ASSERT_TRUE(WaitFor([&] { return IssuesOfType("github_auth").empty(); }, 30s))
      << Status().dump(2);
  EXPECT_TRUE(WaitFor([&] { return Lines(RemoteFiles()) == 4u; }));
}

TEST_F(GithubSyncTest, AUsedUpRateLimitIsWaitedOutNotHammered) {
  FakeGithub github;
  github.seed({.prs = 2, .issues = 2});
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  github.setRateLimit(2, now + 4);
  ASSERT_NO_FATAL_FAILURE(StartMirror(github));
  std::thread syncing([&] {
    json reply = Sync();
    EXPECT_TRUE(reply["success"]) << reply.dump(2);
  });
  bool warned = WaitFor([&] { return !IssuesOfType("github_rate_limited").empty(); }, 10s);
  syncing.join();
  EXPECT_TRUE(warned);
  EXPECT_TRUE(IssuesOfType("github_rate_limited").empty());
  EXPECT_EQ(github.count(403), 0u);
  EXPECT_EQ(Lines(RemoteFiles()), 4u);
}

TEST_F(GithubSyncTest, ATeammatesConcurrentPushIsRebasedOntoAndTheRemoteWinsOnTheMirror) {
  FakeGithub github;
  github.seed({.prs = 5, .issues = 5});
  ASSERT_NO_FATAL_FAILURE(StartMirror(github));
  ASSERT_TRUE(Sync()["success"]);
  std::string pr3 = PathOf(3);
  // A teammate's oxd pushed its own rendering of PR 3 and a note; ours has not pulled them.
  Push("ledger", "notes/plan.md", "plan\n");
  Push("ledger", pr3, "{\"number\": 3, \"theirs\": true}\n");
  github.editBody(3, "ours");
  github.comment(8, "new comment on 8");
  json reply = Sync();
  ASSERT_TRUE(reply["success"]) << reply.dump(2) << daemonDiagnostics();
  EXPECT_EQ(reply["data"]["pushed"], true) << reply.dump(2);
  EXPECT_EQ(RemoteFile("notes/plan.md"), "plan\n");
  EXPECT_EQ(RemoteFile(pr3), "{\"number\": 3, \"theirs\": true}\n");
  EXPECT_NE(RemoteFile(PathOf(8)).find("new comment on 8"), std::string::npos);
  EXPECT_EQ(RemoteLog().substr(0, RemoteLog().find('\n')),
            "github: sync 1 PRs, 1 issues from acme/widgets");
}

}  // namespace
}  // namespace oxd::testing
