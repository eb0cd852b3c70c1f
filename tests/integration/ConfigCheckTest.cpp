// `oxd --check-config`, `oxctl config check` and `oxd --print-default-config` through the real
// binaries: each problem named with its file and line (or variable / --define), warnings that
// do not fail the check, and a clean config that passes.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "DaemonFixture.h"
#include "common/Paths.h"

namespace oxd::testing {
namespace {

namespace fs = std::filesystem;

class ConfigCheckTest : public DaemonFixture {
 protected:
  void writeFile(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }
  fs::path userConfig() const { return paths::configDir() / "oxd.ini"; }
  fs::path projectConfig() const { return projectDir() / ".oxd/oxd.ini"; }

  ProcessResult checkWithOxd(std::vector<std::string> extra = {}, const RunOptions& run = {}) {
    std::vector<std::string> args{"--check-config", "--project", projectDir().string(), "--define",
                                  std::string("daemon.plugin_dir=") + OXD_TEST_PLUGIN_DIR};
    args.insert(args.end(), extra.begin(), extra.end());
    return runProgram(OXD_BIN_DIR "/oxd", args, run);
  }
};

TEST_F(ConfigCheckTest, NamesTheFileAndLineOfEveryProblem) {
  writeFile(userConfig(),
            "; mine\n[daemon]\nworkers = 0\n# old habit\n[test_plugin]\nintervl = 3s\n");
  writeFile(projectConfig(), "[daemon]\ninactivity_timeout = soon\n[synk]\na = 1\n");
  ProcessResult result = checkWithOxd({"--define", "test_plugin.interval=never"},
                                      {.env = {{"OXD_DAEMON__LOG_LEVEL", "loud"}}});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  std::string user = userConfig().string(), project = projectConfig().string();
  for (const std::string& expected : {
           user + ":3: error: [daemon] workers: expected an integer in [1, 64], got '0'",
           user + ":4: error: '#' does not start a comment in oxd.ini; use ';'",
           user + ":6: error: [test_plugin] unknown key 'intervl' (did you mean 'interval'?)",
           project + ":2: error: [daemon] inactivity_timeout: invalid duration 'soon'",
           project + ":3: warning: unknown section [synk]",
           std::string("environment OXD_DAEMON__LOG_LEVEL: error: [daemon] log_level: unknown "
                       "level 'loud'"),
           std::string("--define test_plugin.interval: error: [test_plugin] interval: expected a "
                       "duration such as 30s or 5m, got 'never'"),
           std::string("6 error(s)"),
       }) {
    EXPECT_NE(result.out.find(expected), std::string::npos) << expected << "\n---\n" << result.out;
  }
}

TEST_F(ConfigCheckTest, AValidConfigPassesAndWarningsDoNotFail) {
  writeFile(userConfig(), "[daemon]\nworkers = 2\n[test_plugin]\ninterval = 30s\n[gone]\nx = 1\n");
  ProcessResult result = checkWithOxd();
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find(":5: warning: unknown section [gone]"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("config ok (1 file(s)"), std::string::npos) << result.out;
  // A plugin that cannot load is named, since its keys go unchecked.
  EXPECT_NE(result.out.find("plugin broken_abi: warning: cannot load"), std::string::npos)
      << result.out;
}

TEST_F(ConfigCheckTest, OxctlRunsTheSameCheckForItsProject) {
  writeFile(projectConfig(), "[daemon]\nworkers = lots\n");
  ProcessResult bad = oxctl({"config", "check"});
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
  EXPECT_NE(bad.out.find(projectConfig().string() + ":2: error: [daemon] workers"),
            std::string::npos)
      << bad.out;

  writeFile(projectConfig(), "[daemon]\nworkers = 3\n");
  ProcessResult good = oxctl({"config", "check"});
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_NE(good.out.find("config ok"), std::string::npos) << good.out;

  ProcessResult usage = oxctl({"config", "fix"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.err.find("unknown subcommand 'fix'"), std::string::npos) << usage.err;
}

// A plugin key of the wrong kind or out of its range: `oxctl config check` (against the real
// plugins) names its file and line and fails; the daemon refuses that plugin alone at start,
// with the same message, and serves on.
TEST_F(ConfigCheckTest, AKeyOfTheWrongKindIsNamedAndItsPluginRefusedAtStart) {
  writeFile(projectConfig(),
            "[codedb]\nenabled = false\n[sync]\ninterval = often\n[whisper]\nretention = 0\n");
  ProcessResult checked =
      oxctl({"config", "check"}, {.env = {{"OXD_DAEMON__PLUGIN_DIR", OXD_PLUGIN_DIR}}});
  EXPECT_EQ(checked.exit_code, 1) << checked.out << checked.err;
  std::string project = projectConfig().string();
  const std::string wrong_kind =
      "[sync] interval: expected a duration such as 30s or 5m, got 'often'";
  const std::string out_of_range = "[whisper] retention: 0 is below the minimum 1ms";
  for (const std::string& expected :
       {project + ":4: error: " + wrong_kind, project + ":6: error: " + out_of_range,
        std::string("2 error(s)")}) {
    EXPECT_NE(checked.out.find(expected), std::string::npos) << expected << "\n---\n"
                                                             << checked.out;
  }

  ASSERT_NO_FATAL_FAILURE(startDaemon({.plugin_dir = OXD_PLUGIN_DIR}));
  nlohmann::json reply = request("plugins");
  std::map<std::string, std::pair<std::string, std::string>> plugins;  // name → state, error
  for (const auto& entry : reply["data"]["plugins"]) {
    plugins[entry.value("name", "")] = {entry.value("state", ""), entry.value("last_error", "")};
  }
  EXPECT_EQ(plugins["sync"], std::make_pair(std::string("failed"), wrong_kind)) << reply.dump(2);
  EXPECT_EQ(plugins["whisper"], std::make_pair(std::string("failed"), out_of_range))
      << reply.dump(2);
  EXPECT_EQ(request("ping")["data"], "pong");
}

TEST_F(ConfigCheckTest, DefaultConfigListsEveryKeyAndIsItselfValid) {
  ProcessResult printed =
      runProgram(OXD_BIN_DIR "/oxd", {"--print-default-config", "--define",
                                      std::string("daemon.plugin_dir=") + OXD_TEST_PLUGIN_DIR});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  for (const char* expected :
       {"[daemon]\n", ";inactivity_timeout = 1h\n", ";log_level = information\n", "[test_plugin]\n",
        ";interval = 1s\n", ";enabled = true\n", ";on_error = fail\n"}) {
    EXPECT_NE(printed.out.find(expected), std::string::npos) << expected << printed.out;
  }
  // Uncommented, every default passes the check: the table and the validators agree.
  std::string uncommented;
  std::istringstream lines(printed.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() > 1 && line[0] == ';' && line.find(" =") != std::string::npos &&
        line.find("plugin_dir") == std::string::npos && line[1] != ' ')
      line.erase(0, 1);
    uncommented += line + "\n";
  }
  writeFile(userConfig(), uncommented);
  ProcessResult checked = checkWithOxd();
  EXPECT_EQ(checked.exit_code, 0) << checked.out << uncommented;
}

}  // namespace
}  // namespace oxd::testing
