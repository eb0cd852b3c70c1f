// Git over HTTP with basic auth (git http-backend behind tests/support/git_http_server.py):
// where the sync plugin takes its token from (heartbeat credentials, [sync] token,
// $OXD_GIT_TOKEN), what a refused token does (one credentialed attempt, an `auth_expired`
// issue, no loop) and a token rotated on the server then sent in a heartbeat (the next sync
// works, no restart). What a user sees: replies, issues, files in the checkout, the log.
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "CliTestSupport.h"
#include "GitHttpServer.h"
#include "SyncFixture.h"
#include "common/Paths.h"

namespace oxd::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using git::testing::ReadFile;

class SyncAuthTest : public SyncFixture {
 protected:
  void SetUp() override {
    SyncFixture::SetUp();
    MakeRemote("ledger");
  }

  // The server, started with `token`; the project's ledger is its ledger.git.
  std::unique_ptr<GitHttpServer> Serve(const std::string& token) {
    auto server = std::make_unique<GitHttpServer>(remotes_, tempDir(), token);
    EXPECT_GT(server->port(), 0) << "git_http_server.py did not start";
    writeProjectFile({{"ledger", {{"url", server->url("ledger.git")}}}});
    return server;
  }

  // A heartbeat carrying `token`; waits until the daemon has taken it (the user e-mail of the
  // same credentials shows in status).
  void HeartbeatWithToken(const std::string& token, const std::string& email,
                          const std::string& server_url = "") {
    json credentials = {{"token", token}, {"user_email", email}};
    if (!server_url.empty()) credentials["server_url"] = server_url;
    sendOneWay("heartbeat", {{"agent_id", "Oxa1"},
                             {"workspace_id", workspaceId()},
                             {"repo_path", projectDir().string()},
                             {"credentials", credentials}});
    ASSERT_TRUE(WaitFor([&] {
      json user = Status().value("authenticated_user", json());
      return user.is_object() && user.value("email", "") == email;
    })) << Status().dump(2);
  }

  // The ledger cloned over HTTP, then a teammate's push pulled by a manual sync.
  void ExpectCloneAndPull(const fs::path& ledger) {
    ASSERT_FALSE(ledger.empty());
    EXPECT_TRUE(fs::exists(ledger / "README.md"));
    Push("ledger", "over-http.md", "pulled\n");
    json sync = request("sync", nullptr, 60s);
    EXPECT_TRUE(sync.value("success", false)) << sync.dump();
    EXPECT_EQ(ReadFile(ledger / "over-http.md"), "pulled\n");
    EXPECT_TRUE(IssuesOfType("auth_expired").empty()) << Status().dump(2);
  }

  void ExpectNeverLogged(const std::string& token) {
    EXPECT_EQ(ReadFile(logPath()).find(token), std::string::npos) << "token in the log";
    EXPECT_EQ(Status().dump().find(token), std::string::npos) << "token in status";
  }
};

TEST_F(SyncAuthTest, HeartbeatTokenClonesAndPulls) {
  auto server = Serve("tok-heartbeat-1");
  ASSERT_NO_FATAL_FAILURE(StartSync());
  // No token yet: the remote asks, we have nothing to give, the clone fails at once.
  ASSERT_TRUE(WaitFor([&] { return !IssuesOfType("auth_expired").empty(); }))
      << Status().dump(2) << daemonDiagnostics();
  EXPECT_EQ(server->accepted() + server->refused(), 0);

  ASSERT_NO_FATAL_FAILURE(HeartbeatWithToken("tok-heartbeat-1", "ana@example.com"));
  json doctor = request("doctor")["data"];  // anti-entropy now, past the clone backoff
  EXPECT_EQ(doctor.value("clones_triggered", 0), 1) << doctor.dump();
  ExpectCloneAndPull(WaitForLedger());
  EXPECT_EQ(server->refused(), 0);
  EXPECT_GT(server->accepted(), 0);
  ExpectNeverLogged("tok-heartbeat-1");
}

TEST_F(SyncAuthTest, ConfigTokenClonesAndPulls) {
  auto server = Serve("tok-config-1");
  ASSERT_NO_FATAL_FAILURE(StartSync({"--define", "sync.token=tok-config-1"}));
  ExpectCloneAndPull(WaitForLedger());
  EXPECT_EQ(server->refused(), 0);
  ExpectNeverLogged("tok-config-1");
}

TEST_F(SyncAuthTest, EnvironmentTokenClonesAndPulls) {
  auto server = Serve("tok-env-1");
  ASSERT_NO_FATAL_FAILURE(StartSync({}, {{"OXD_GIT_TOKEN", "tok-env-1"}}));
  ExpectCloneAndPull(WaitForLedger());
  EXPECT_EQ(server->refused(), 0);
  ExpectNeverLogged("tok-env-1");
}

TEST_F(SyncAuthTest, WrongTokenRaisesAuthExpiredAfterOneAttemptThenARotatedTokenWorks) {
  auto server = Serve("tok-right-1");
  ASSERT_NO_FATAL_FAILURE(StartSync({"--define", "sync.token=tok-wrong"}));
  ASSERT_TRUE(WaitFor([&] { return !IssuesOfType("auth_expired").empty(); }))
      << Status().dump(2) << daemonDiagnostics();
  std::this_thread::sleep_for(500ms);  // room for a retry loop, if there were one
  EXPECT_EQ(server->refused(), 1);
  EXPECT_EQ(server->accepted(), 0);
  json issue = IssuesOfType("auth_expired")[0];
  EXPECT_EQ(issue["repo"], "ledger");
  EXPECT_EQ(issue["severity"], "error");
  EXPECT_FALSE(LedgerStatus().value("exists", true));

  // A heartbeat's token wins over the configured one; the clone works without a restart.
  ASSERT_NO_FATAL_FAILURE(HeartbeatWithToken("tok-right-1", "ana@example.com"));
  request("doctor");
  ExpectCloneAndPull(WaitForLedger());
  fs::path ledger = LedgerStatus().value("path", "");

  // Rotated on the server: the next sync is refused once, raises the issue, and stops there.
  server->setToken("tok-right-2");
  Push("ledger", "after-rotation.md", "rotated\n");
  int refused_before = server->refused();
  ProcessResult refused = oxctl({"sync"});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_TRUE(contains(refused.err, "authentication failed")) << refused.err;
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(server->refused(), refused_before + 1);
  EXPECT_EQ(IssuesOfType("auth_expired").size(), 1u) << Status().dump(2);
  EXPECT_FALSE(fs::exists(ledger / "after-rotation.md"));

  // The new token in a new heartbeat: the next sync pulls, the issue clears.
  ASSERT_NO_FATAL_FAILURE(HeartbeatWithToken("tok-right-2", "ana+2@example.com"));
  ProcessResult works = oxctl({"sync"});
  EXPECT_EQ(works.exit_code, 0) << works.out << works.err;
  EXPECT_EQ(ReadFile(ledger / "after-rotation.md"), "rotated\n");
  EXPECT_TRUE(IssuesOfType("auth_expired").empty()) << Status().dump(2);
  EXPECT_EQ(server->refused(), refused_before + 1);
  for (const char* token : {"tok-wrong", "tok-right-1", "tok-right-2"}) ExpectNeverLogged(token);
}

// The user fixes the token in their config file and reloads: the next sync uses it, without
// restarting the daemon.
TEST_F(SyncAuthTest, ATokenChangedInConfigIsUsedAfterAReloadWithoutARestart) {
  auto server = Serve("tok-fixed");
  fs::path user_config = paths::configDir() / "oxd.ini";
  fs::create_directories(user_config.parent_path());
  std::ofstream(user_config) << "[sync]\ntoken = tok-typo\n";
  ASSERT_NO_FATAL_FAILURE(StartSync());
  ASSERT_TRUE(WaitFor([&] { return !IssuesOfType("auth_expired").empty(); }))
      << Status().dump(2) << daemonDiagnostics();
  pid_t daemon = daemonPid();

  std::ofstream(user_config) << "[sync]\ntoken = tok-fixed\n";
  EXPECT_TRUE(request("reload").value("success", false));
  request("doctor");  // anti-entropy now, past the clone backoff
  ExpectCloneAndPull(WaitForLedger());
  EXPECT_EQ(daemonPid(), daemon);
  EXPECT_TRUE(daemonRunning());
  for (const char* token : {"tok-typo", "tok-fixed"}) ExpectNeverLogged(token);
}

// A heartbeat's token belongs to its server_url's host and goes nowhere else; `host_tokens`
// picks by host before the catch-all `token`. The server counts every refused credential.
TEST_F(SyncAuthTest, TokensGoOnlyToTheHostTheyBelongTo) {
  auto server = Serve("tok-host-1");
  ASSERT_NO_FATAL_FAILURE(StartSync({"--define",
                                     "sync.host_tokens=elsewhere.example=tok-far "
                                     "127.0.0.1=tok-host-1",
                                     "--define", "sync.token=tok-catch-all"}));
  ASSERT_NO_FATAL_FAILURE(
      HeartbeatWithToken("tok-oxserver", "ana@example.com", "https://git.oxserver.example"));
  request("doctor");
  ExpectCloneAndPull(WaitForLedger());
  EXPECT_EQ(server->refused(), 0) << "a token meant for another host was presented";

  // The same server named in the heartbeat: its token is the one sent (and is refused here).
  ASSERT_NO_FATAL_FAILURE(HeartbeatWithToken("tok-oxserver", "ana+2@example.com",
                                             "http://127.0.0.1:" + std::to_string(server->port())));
  Push("ledger", "second.md", "2\n");
  EXPECT_FALSE(request("sync", nullptr, 60s).value("success", true));
  EXPECT_EQ(server->refused(), 1);
  for (const char* token : {"tok-host-1", "tok-far", "tok-catch-all", "tok-oxserver"}) {
    ExpectNeverLogged(token);
  }
}

TEST_F(SyncAuthTest, AMalformedHostTokensEntryFailsThePluginWithoutShowingIt) {
  ASSERT_NO_FATAL_FAILURE(StartSync({"--define", "sync.host_tokens=tok-secret-without-host"}));
  std::string plugins = request("plugins")["data"].dump();
  EXPECT_NE(plugins.find("host_tokens: expected HOST=TOKEN entries, got entry 1 (value not shown)"),
            std::string::npos)
      << plugins;
  ExpectNeverLogged("tok-secret-without-host");
}

}  // namespace
}  // namespace oxd::testing
