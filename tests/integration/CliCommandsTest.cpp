// The real oxctl against the real oxd: stop --all, restart, reload, doctor, errors, instances,
// heartbeat's flags, and what each says when no daemon runs or a flag is wrong.

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "CliTestSupport.h"
#include "common/DaemonRegistry.h"

namespace oxd::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

class CliCommandsTest : public CliFixture {};

pid_t deadPid() {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

TEST_F(CliCommandsTest, EveryDaemonCommandSaysNotRunningAndNamesTheSocket) {
  for (std::vector<std::string> args : {std::vector<std::string>{"stop"},
                                        {"reload"},
                                        {"doctor"},
                                        {"errors"},
                                        {"errors", "--mark"},
                                        {"instances"},
                                        {"plugins"},
                                        {"plugins", "list"}}) {
    ProcessResult result = oxctl(args);
    EXPECT_EQ(result.exit_code, 3) << args[0];
    EXPECT_TRUE(contains(result.err, "oxd is not running (socket " + socketPath().string() + ")"))
        << args[0] << ": " << result.err;
  }
}

TEST_F(CliCommandsTest, BadFlagsAreUsageErrors) {
  for (std::vector<std::string> args : {std::vector<std::string>{"stop", "--bogus"},
                                        {"restart", "now"},
                                        {"reload", "-x"},
                                        {"doctor", "--fix"},
                                        {"errors", "abc"},
                                        {"logs", "-n", "many"},
                                        {"logs", "-n", "-1"},
                                        {"instances", "--all"},
                                        {"plugins", "frobnicate"},
                                        {"plugins", "enable"},
                                        {"plugins", "list", "x"},
                                        {"completion", "fish"},
                                        {"completion"},
                                        {"heartbeat", "--parent-pid", "abc"},
                                        {"heartbeat", "--context-tokens", "-x"},
                                        {"heartbeat", "--parent-pid", "0"},
                                        {"heartbeat", "--expires-at", "tomorrow"},
                                        {"heartbeat", "--timestamp", "12:00"},
                                        {"help", "--man", "send"}}) {
    ProcessResult result = oxctl(args);
    EXPECT_EQ(result.exit_code, 2) << args[0] << " " << args.back() << ": " << result.err;
    EXPECT_TRUE(contains(result.err, "usage: oxctl")) << result.err;
  }
  ProcessResult result = oxctl({"heartbeat", "--parent-pid", "abc"});
  EXPECT_TRUE(contains(result.err, "--parent-pid: expected an integer, got 'abc'")) << result.err;
}

TEST_F(CliCommandsTest, StopAllStopsEveryDaemonAndPrunesDeadEntries) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  registry::DaemonRegistry registry = registry::DaemonRegistry::atDefaultPath();
  registry::DaemonEntry dead;
  dead.workspace_id = "deadbeef";
  dead.workspace_path = "/gone/project";
  dead.socket_path = (tempDir() / "gone.sock").string();
  dead.pid = deadPid();
  registry.upsert(dead);

  ProcessResult result = oxctl({"stop", "--all"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "pruned   deadbeef (/gone/project) pid " +
                                       std::to_string(dead.pid) + ": process no longer exists"))
      << result.out;
  EXPECT_TRUE(contains(result.out, "stopped  " + workspaceId() + " (")) << result.out;
  EXPECT_TRUE(waitForDaemonExit(5s).has_value());
  EXPECT_FALSE(registry.findByWorkspaceId("deadbeef"));

  result = oxctl({"--json", "stop", "--all"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(json::parse(result.out)["stopped"], json::array());
  result = oxctl({"stop", "--all"});
  EXPECT_TRUE(contains(result.out, "no daemons in the registry (" + registry.file().string() + ")"))
      << result.out;
}

TEST_F(CliCommandsTest, RestartReplacesTheDaemonAndStartsOneWhenNoneRuns) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  pid_t old_pid = daemonPid();
  ProcessResult result = oxctl({"restart"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "stopped\nstarted\n");
  EXPECT_TRUE(waitForDaemonExit(5s).has_value());
  json status = request("status")["data"];
  EXPECT_NE(status["pid"], old_pid);
  EXPECT_EQ(oxctl({"ping"}).out, "pong\n");

  ASSERT_EQ(oxctl({"stop"}).exit_code, 0);
  result = oxctl({"restart"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "not running\nstarted\n");
  EXPECT_EQ(oxctl({"ping"}).out, "pong\n");
}

TEST_F(CliCommandsTest, ReloadAppliesOrListsEveryInvalidSetting) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  ProcessResult result = oxctl({"reload"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "reloaded\n");

  std::filesystem::create_directories(userConfig().parent_path());
  std::ofstream(userConfig()) << "[daemon]\nworkers = many\n";
  result = oxctl({"reload"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(contains(result.err, "error: invalid config, nothing changed:\n  ")) << result.err;
  EXPECT_TRUE(contains(result.err, "workers")) << result.err;
  EXPECT_EQ(oxctl({"ping"}).out, "pong\n");
}

TEST_F(CliCommandsTest, DoctorShowsEachCheckAndFailsWhenOneFails) {
  ASSERT_NO_FATAL_FAILURE(startWithPlugins({"test_plugin"}));
  ProcessResult result = oxctl({"doctor"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "✓ oxd answers on " + socketPath().string() + "\n✓ test_plugin\n");
  EXPECT_EQ(oxctl({"--json", "doctor"}).exit_code, 0);
}

TEST_F(CliCommandsTest, DoctorFailsWithAFailedPlugin) {
  ASSERT_NO_FATAL_FAILURE(startWithPlugins({"test_plugin", "start_throws"}));
  ProcessResult result = oxctl({"doctor"});
  EXPECT_EQ(result.exit_code, 1) << result.out;
  EXPECT_TRUE(contains(result.out, "\n✗ start_throws: ")) << result.out;
  EXPECT_TRUE(contains(result.out, "\n✓ test_plugin\n")) << result.out;
}

TEST_F(CliCommandsTest, ErrorsListAndMarkByIdOrAll) {
  ASSERT_NO_FATAL_FAILURE(startWithPlugins({"test_plugin"}));
  EXPECT_EQ(oxctl({"errors"}).out, "no unviewed errors\n");
  ASSERT_EQ(request("test.error", {{"message", "ledger is behind"}})["success"], true);

  ProcessResult result = oxctl({"errors"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(result.out.starts_with("ID        SEVERITY  WHEN")) << result.out;
  EXPECT_TRUE(contains(result.out, "warning   ")) << result.out;
  EXPECT_TRUE(contains(result.out, "test_error: ledger is behind\n")) << result.out;
  json errors = json::parse(oxctl({"--json", "errors"}).out);
  ASSERT_EQ(errors.size(), 1u);
  std::string id = errors[0]["id"];

  result = oxctl({"errors", "--mark", id + "x"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(
      contains(result.err, "no unviewed error with id '" + id + "x'; did you mean '" + id + "'?"))
      << result.err;

  result = oxctl({"errors", "--mark", id});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "marked 1 error as viewed\n");
  EXPECT_EQ(oxctl({"errors"}).out, "no unviewed errors\n");

  ASSERT_EQ(request("test.error", {{"message", "again"}})["success"], true);
  result = oxctl({"errors", "--mark"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "marked 1 error as viewed\n");
  EXPECT_EQ(oxctl({"errors"}).out, "no unviewed errors\n");
}

TEST_F(CliCommandsTest, InstancesShowAgentsAsATree) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  EXPECT_EQ(oxctl({"instances"}).out,
            "no agent instances (an agent appears with its first heartbeat)\n");
  ASSERT_EQ(oxctl({"heartbeat", "--agent-id", "lead", "--agent-type", "claude-code",
                   "--context-tokens", "1500"})
                .exit_code,
            0);
  ASSERT_EQ(oxctl({"heartbeat", "--agent-id", "helper", "--parent-agent-id", "lead", "--agent-type",
                   "codex"})
                .exit_code,
            0);
  ProcessResult result = oxctlUntil({"instances"}, "helper");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(result.out.starts_with("AGENT       STATUS  TYPE         LAST HEARTBEAT  TOKENS\n"))
      << result.out;
  EXPECT_TRUE(contains(result.out, "\nlead        active  claude-code  ")) << result.out;
  EXPECT_TRUE(contains(result.out, "1.5k in 1 command\n")) << result.out;
  EXPECT_TRUE(contains(result.out, "\n└── helper  active  codex        ")) << result.out;
}

TEST_F(CliCommandsTest, HeartbeatCarriesCredentials) {
  ASSERT_NO_FATAL_FAILURE(startWithPlugins({"test_plugin"}));
  EXPECT_EQ(request("test.credentials")["data"]["has_token"], false);
  ProcessResult result = oxctl({"heartbeat", "--agent-id", "a1", "--token", "ghp_x", "--server-url",
                                "https://example.test", "--expires-at", "2099-01-01T00:00:00Z",
                                "--auth-token", "oat", "--user-email", "ada@example.test",
                                "--user-id", "u1", "--timestamp", "2025-03-01T12:00:00Z"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  bool seen = false;
  for (int attempt = 0; attempt < 100 && !seen; ++attempt) {
    seen = request("test.credentials")["data"]["has_token"] == true;
    if (!seen) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(seen);
  EXPECT_EQ(request("status")["data"]["authenticated_user"]["email"], "ada@example.test");
}

TEST_F(CliCommandsTest, HeartbeatHelpWarnsAboutSecretsOnTheCommandLine) {
  ProcessResult result = oxctl({"heartbeat", "--help"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* option : {"--token", "--server-url", "--expires-at", "--auth-token",
                             "--user-email", "--user-id", "--timestamp"}) {
    EXPECT_TRUE(contains(result.out, std::string("  ") + option + " ")) << option;
  }
  EXPECT_TRUE(contains(result.out, "visible in ps: prefer --stdin")) << result.out;
}

}  // namespace
}  // namespace oxd::testing
