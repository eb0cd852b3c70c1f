// The real oxctl against the real oxd (the CLI contract: exit codes in docs/protocol.md#clients).

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <thread>

#include "DaemonFixture.h"

namespace oxd::testing {
namespace {

using namespace std::chrono_literals;

class OxctlTest : public DaemonFixture {};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(OxctlTest, PingPrintsPong) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  ProcessResult result = oxctl({"ping"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "pong\n");
}

TEST_F(OxctlTest, SocketPrintsThePathWithoutADaemon) {
  ProcessResult result = oxctl({"socket"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, socketPath().string() + "\n");
}

TEST_F(OxctlTest, SocketFollowsProjectFlagAndRepoId) {
  writeProjectFile({{"repo_id", "repo_01JEXAMPLE"}});
  RunOptions elsewhere;
  elsewhere.cwd = tempDir();
  ProcessResult result = oxctl({"--project", projectDir().string(), "socket"}, elsewhere);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, socketPath().string() + "\n");
  EXPECT_TRUE(contains(result.out, workspaceId()));
}

TEST_F(OxctlTest, StatusJsonReportsTheRunningDaemon) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  ProcessResult result = oxctl({"status", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 1) << result.out;
  nlohmann::json status = nlohmann::json::parse(result.out);
  EXPECT_EQ(status["running"], true);
  EXPECT_EQ(status["pid"], daemonPid());
}

TEST_F(OxctlTest, PlainStatusPrintsAHealthLine) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  ProcessResult result = oxctl({"status"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(result.out.starts_with("● Healthy — ")) << result.out;
  EXPECT_TRUE(contains(result.out, "  PID " + std::to_string(daemonPid()) + "\n")) << result.out;
}

TEST_F(OxctlTest, SendPingPrintsTheData) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  ProcessResult result = oxctl({"send", "ping"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(nlohmann::json::parse(result.out), "pong");

  result = oxctl({"--json", "send", "ping", "{}"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(nlohmann::json::parse(result.out)["success"], true);
}

TEST_F(OxctlTest, SendWithBadJsonIsAUsageError) {
  for (const char* payload : {"{bad", "[1,2]", "\"text\""}) {
    ProcessResult result = oxctl({"send", "ping", payload});
    EXPECT_EQ(result.exit_code, 2) << payload;
    EXPECT_TRUE(contains(result.err, "usage: oxctl")) << result.err;
  }
}

TEST_F(OxctlTest, UnknownCommandAndOptionAreUsageErrors) {
  ProcessResult result = oxctl({"frobnicate"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.err, "unknown command: frobnicate")) << result.err;
  EXPECT_EQ(oxctl({"ping", "--bogus"}).exit_code, 2);
  EXPECT_EQ(oxctl({}).exit_code, 2);
  EXPECT_EQ(oxctl({"send"}).exit_code, 2);
}

TEST_F(OxctlTest, HelpShowsAnExampleForEveryCommand) {
  ProcessResult result = oxctl({"--help"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* command : {"ping", "status", "start", "stop", "socket", "send", "heartbeat"}) {
    EXPECT_TRUE(contains(result.out, std::string("  oxctl ") + command)) << command;
    ProcessResult one = oxctl({command, "--help"});
    EXPECT_EQ(one.exit_code, 0) << command;
    EXPECT_TRUE(contains(one.out, "example:")) << command;
  }
}

TEST_F(OxctlTest, SendUnknownTypeIsAnErrorReply) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  ProcessResult result = oxctl({"send", "frobnicate"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(contains(result.err, "error: unknown message type")) << result.err;
}

TEST_F(OxctlTest, HeartbeatRegistersTheAgent) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  ProcessResult result = oxctl({"heartbeat", "--agent-id", "a1", "--agent-type", "claude-code",
                                "--team-id", "team_42", "--context-tokens", "1200"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "");

  // Heartbeats are one-way and run off the IPC thread: the agent appears shortly after.
  bool seen = false;
  for (int attempt = 0; attempt < 100 && !seen; ++attempt) {
    ProcessResult instances = oxctl({"send", "instances"});
    ASSERT_EQ(instances.exit_code, 0) << instances.err;
    for (const auto& instance :
         nlohmann::json::parse(instances.out).value("instances", nlohmann::json::array())) {
      seen = seen || instance.value("agent_id", "") == "a1";
    }
    if (!seen) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(seen) << "agent a1 never listed by instances";
}

TEST_F(OxctlTest, HeartbeatFromStdinMergesFlagsOverIt) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  RunOptions with_stdin;
  with_stdin.stdin_text = R"({"agent_id":"from-stdin","agent_type":"codex"})";
  ProcessResult result = oxctl({"heartbeat", "--stdin", "--agent-id", "from-flag"}, with_stdin);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  bool seen = false;
  for (int attempt = 0; attempt < 100 && !seen; ++attempt) {
    nlohmann::json reply = request("instances");
    for (const auto& instance : reply["data"].value("instances", nlohmann::json::array())) {
      seen = seen || instance.value("agent_id", "") == "from-flag";
    }
    if (!seen) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(seen);
  with_stdin.stdin_text = "[1]";
  EXPECT_EQ(oxctl({"heartbeat", "--stdin"}, with_stdin).exit_code, 2);
}

TEST_F(OxctlTest, StopEndsTheDaemonAndRemovesTheSocket) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  ProcessResult result = oxctl({"stop"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "stopped\n");
  std::optional<int> status = waitForDaemonExit(10s);
  ASSERT_TRUE(status.has_value()) << "daemon still running after stop\n" << daemonDiagnostics();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
  EXPECT_FALSE(std::filesystem::exists(socketPath()));
}

TEST_F(OxctlTest, CommandsNeedingTheDaemonExitThreeWhenItIsNotRunning) {
  // status draws its own not-running view on stdout (CliStatusTest covers it).
  for (const char* command : {"ping", "stop"}) {
    ProcessResult result = oxctl({command});
    EXPECT_EQ(result.exit_code, 3) << command;
    EXPECT_TRUE(contains(result.err, "oxd is not running (socket " + socketPath().string() + ")"))
        << result.err;
    EXPECT_TRUE(contains(result.err, "oxctl start")) << result.err;
  }
  ProcessResult json = oxctl({"status", "--json"});
  EXPECT_EQ(json.exit_code, 3);
  EXPECT_EQ(nlohmann::json::parse(json.out)["running"], false);
}

TEST_F(OxctlTest, StartLaunchesTheDaemonOnce) {
  ProcessResult started = oxctl({"start"});
  ASSERT_EQ(started.exit_code, 0) << started.err << "\n" << daemonDiagnostics();
  EXPECT_EQ(started.out, "started\n");
  EXPECT_EQ(oxctl({"ping"}).out, "pong\n");

  ProcessResult again = oxctl({"start"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "already running\n");

  ProcessResult stopped = oxctl({"stop"});
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_EQ(oxctl({"ping"}).exit_code, 3);
}

TEST_F(OxctlTest, StartReportsADaemonThatCannotRun) {
  RunOptions broken_binary;
  broken_binary.env["OXD_BIN"] = "/bin/false";
  ProcessResult result = oxctl({"start"}, broken_binary);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(contains(result.err, "exited with status 1")) << result.err;
}

}  // namespace
}  // namespace oxd::testing
