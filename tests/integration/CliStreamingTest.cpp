// What oxctl shows while it waits: progress lines on a pipe, as JSON, and as a redrawn bar on a
// terminal; Ctrl-C; `logs -f`; and the generated completion script and man page at work.

#include <signal.h>
#include <sys/wait.h>

#include <fstream>

#include "CliTestSupport.h"

namespace oxd::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using Output = BackgroundProcess::Output;

class CliStreamingTest : public CliFixture {
 protected:
  // test.hold holds the daemon's pending work while it sleeps: the request is out and running.
  // (The plugin's call counter would not do: it counts calls once they return.)
  bool WaitUntilHeld() {
    return WaitFor([&] { return request("status")["data"].value("pending_work", 0) >= 1; });
  }
};

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    out.push_back(text.substr(start, end - start));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return out;
}

TEST_F(CliStreamingTest, ProgressOnAPipeIsOnePlainLinePerUpdate) {
  ASSERT_NO_FATAL_FAILURE(startWithPlugins({"test_plugin"}));
  ProcessResult result = oxctl({"send", "test.progress"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "[one] working\n[one] 33%\n[two] working\n[two] 66%\n[three] working\n[three] 100%\n"
            "{\n  \"stages\": 3\n}\n");
  EXPECT_EQ(result.err, "");
}

TEST_F(CliStreamingTest, ProgressWithJsonIsEachLineAsReceived) {
  ASSERT_NO_FATAL_FAILURE(startWithPlugins({"test_plugin"}));
  ProcessResult result = oxctl({"--json", "send", "test.progress"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::vector<std::string> out = lines(result.out);
  ASSERT_EQ(out.size(), 7u) << result.out;
  EXPECT_EQ(json::parse(out[0]),
            json({{"progress", {{"stage", "one"}, {"message", "working"}}}, {"success", false}}));
  EXPECT_EQ(json::parse(out[5])["progress"]["percent"], 100);
  EXPECT_EQ(json::parse(out[6]), json({{"success", true}, {"data", {{"stages", 3}}}}));
}

TEST_F(CliStreamingTest, ProgressOnATerminalIsOneRedrawnLineWithABar) {
  ASSERT_NO_FATAL_FAILURE(startWithPlugins({"test_plugin"}));
  auto client = background({"send", "test.progress"}, Output::Terminal);
  ASSERT_TRUE(client->started());
  std::optional<int> status = client->wait(10s);
  ASSERT_TRUE(status.has_value()) << client->output();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << client->output();
  const std::string& out = client->output();
  EXPECT_TRUE(contains(out, "\r[=====>              ]  33% one")) << out;
  EXPECT_TRUE(contains(out, "\r[====================] 100% three")) << out;
  // No plain lines: the updates overwrite each other, and the line is erased before the result.
  EXPECT_FALSE(contains(out, "[one] working")) << out;
  EXPECT_TRUE(contains(out, "                    \r{\r\n  \"stages\": 3\r\n}")) << out;
}

TEST_F(CliStreamingTest, CtrlCOnATerminalRestoresTheLineAndExits130) {
  ASSERT_NO_FATAL_FAILURE(startWithPlugins({"test_plugin"}));
  auto client = background({"send", "test.hold", R"({"ms": 3000})"}, Output::Terminal);
  ASSERT_TRUE(client->started());
  ASSERT_TRUE(WaitUntilHeld());
  ::kill(client->pid(), SIGINT);
  std::optional<int> status = client->wait(5s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status)) << "killed by signal " << WTERMSIG(*status);
  EXPECT_EQ(WEXITSTATUS(*status), 130);
  EXPECT_TRUE(contains(client->output(), "cancelled\r\n")) << client->output();
  EXPECT_EQ(request("ping")["data"], "pong");
}

TEST_F(CliStreamingTest, CtrlCOnAPipeAlsoExits130AndTheDaemonGoesOn) {
  ASSERT_NO_FATAL_FAILURE(startWithPlugins({"test_plugin"}));
  auto client = background({"send", "test.hold", R"({"ms": 3000})"}, Output::Pipe);
  ASSERT_TRUE(client->started());
  ASSERT_TRUE(WaitUntilHeld());
  ::kill(client->pid(), SIGINT);
  std::optional<int> status = client->wait(5s);
  ASSERT_TRUE(status.has_value());
  ASSERT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 130);
  EXPECT_EQ(client->output(), "cancelled\n");
  EXPECT_EQ(request("ping")["data"], "pong");
  EXPECT_EQ(oxctl({"send", "test.hold", R"({"ms": 10})"}).exit_code, 0);
}

TEST_F(CliStreamingTest, LogsPrintsTheLastLinesAndNamesAMissingFile) {
  ProcessResult missing = oxctl({"logs"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(contains(missing.err, "no log file at " + logPath().string())) << missing.err;

  std::filesystem::create_directories(logPath().parent_path());
  std::ofstream(logPath()) << "one\ntwo\nthree\nfour\n";
  EXPECT_EQ(oxctl({"logs", "-n", "2"}).out, "three\nfour\n");
  EXPECT_EQ(oxctl({"logs", "--lines=10"}).out, "one\ntwo\nthree\nfour\n");
  EXPECT_EQ(oxctl({"logs", "-n", "0"}).out, "");
}

TEST_F(CliStreamingTest, LogsOfARunningDaemonEndLikeItsFile) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  ProcessResult result = oxctl({"logs", "-n", "1"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::ifstream in(logPath());
  std::string line, last;
  while (std::getline(in, line)) last = line;
  EXPECT_EQ(result.out, last + "\n");
}

TEST_F(CliStreamingTest, LogsFollowSeesAppendedLinesThroughRotationAndTruncation) {
  std::filesystem::create_directories(logPath().parent_path());
  std::ofstream(logPath()) << "before\n";
  auto follower = background({"logs", "-f", "-n", "1"}, Output::Pipe);
  ASSERT_TRUE(follower->started());
  ASSERT_TRUE(follower->waitFor("before\n", 5s)) << follower->output();

  std::ofstream(logPath(), std::ios::app) << "appended\n";
  EXPECT_TRUE(follower->waitFor("appended\n", 5s)) << follower->output();

  // Rotation as the daemon's FileChannel does it: rename, then a new file.
  std::filesystem::rename(logPath(), logPath().string() + ".0");
  std::ofstream(logPath()) << "after rotation\n";
  EXPECT_TRUE(follower->waitFor("after rotation\n", 5s)) << follower->output();
  EXPECT_TRUE(contains(follower->output(), "was rotated; following the new file"));

  std::ofstream(logPath(), std::ios::trunc) << "new\n";
  EXPECT_TRUE(follower->waitFor("new\n", 5s)) << follower->output();

  ::kill(follower->pid(), SIGINT);
  std::optional<int> status = follower->wait(5s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 130);
}

TEST_F(CliStreamingTest, BashCompletionCompletesCommandsSubcommandsAndOptions) {
  ProcessResult script = oxctl({"completion", "bash"});
  ASSERT_EQ(script.exit_code, 0) << script.err;
  std::ofstream(tempDir() / "oxctl.bash") << script.out;
  std::string probe = "source " + (tempDir() / "oxctl.bash").string() +
                      "\n"
                      "complete_line() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _oxctl; "
                      "echo \"${COMPREPLY[*]}\"; }\n"
                      "complete_line oxctl plu\n"
                      "complete_line oxctl plugins ''\n"
                      "complete_line oxctl plugins disable ''\n"
                      "complete_line oxctl --project /tmp logs -\n"
                      "complete_line oxctl help sta\n"
                      "complete_line oxctl heartbeat --agent-id ''\n";
  ProcessResult result = runProgram("/bin/bash", {"-c", probe});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "plugins\n"
            "list enable disable\n"
            "\n"
            "--follow -f --lines -n --project --json --socket --no-start --help -h\n"
            "status start\n"
            "\n");
}

TEST_F(CliStreamingTest, ZshCompletionIsValidZsh) {
  ProcessResult script = oxctl({"completion", "zsh"});
  ASSERT_EQ(script.exit_code, 0) << script.err;
  std::ofstream(tempDir() / "_oxctl") << script.out;
  ProcessResult result = runProgram("/usr/bin/zsh", {"-n", (tempDir() / "_oxctl").string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
}

TEST_F(CliStreamingTest, ManPageRendersWithoutGroffWarnings) {
  ProcessResult page = oxctl({"help", "--man"});
  ASSERT_EQ(page.exit_code, 0) << page.err;
  RunOptions input;
  input.stdin_text = page.out;
  ProcessResult result = runProgram("/usr/bin/groff", {"-man", "-Tutf8", "-ww", "-P-cbou"}, input);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.err, "");
  for (const char* part : {"OXCTL(1)", "SYNOPSIS", "EXIT STATUS", "ENVIRONMENT", "FILES",
                           "plugins [list | enable NAME | disable NAME]"}) {
    EXPECT_TRUE(contains(result.out, part)) << part;
  }
}

}  // namespace
}  // namespace oxd::testing
