// `oxctl plugins`: the list, and enable/disable writing the user config byte-for-byte and
// applying it to the running daemon (or at next start when none runs).

#include <fstream>
#include <sstream>

#include "CliTestSupport.h"

namespace oxd::testing {
namespace {

using json = nlohmann::json;

class CliPluginsTest : public CliFixture {
 protected:
  std::string readUserConfig() {
    std::ifstream in(userConfig(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  void writeUserConfig(const std::string& text) {
    std::filesystem::create_directories(userConfig().parent_path());
    std::ofstream(userConfig(), std::ios::binary) << text;
  }
  std::string stateOf(const std::string& name) {
    json plugins = request("plugins")["data"]["plugins"];
    for (const auto& plugin : plugins) {
      if (plugin["name"] == name) return plugin["state"];
    }
    return "absent";
  }
};

// The user's own settings, with comments and odd spacing that must survive the edit.
const std::string kUserConfig =
    "; written by hand\n"
    "[daemon]\n"
    "log_level   =  debug\n"
    "\n"
    "; plugins\n";

TEST_F(CliPluginsTest, ListShowsNameVersionStateAndCounters) {
  ASSERT_NO_FATAL_FAILURE(startWithPlugins({"test_plugin"}));
  ASSERT_EQ(request("test.echo")["success"], true);
  ProcessResult result = oxctl({"plugins"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(result.out.starts_with("NAME         VERSION  STATE    CALLS  ERRORS")) << result.out;
  EXPECT_TRUE(contains(result.out, "\ntest_plugin  ")) << result.out;
  EXPECT_TRUE(contains(result.out, "running      1       0")) << result.out;
  EXPECT_EQ(oxctl({"plugins", "list"}).out, result.out);
  json listed = json::parse(oxctl({"--json", "plugins"}).out);
  EXPECT_EQ(listed["plugins"][0]["name"], "test_plugin");
}

TEST_F(CliPluginsTest, DisableWritesTheUserConfigAppliesItAndSurvivesARestart) {
  writeUserConfig(kUserConfig);
  ASSERT_NO_FATAL_FAILURE(startWithPlugins({"test_plugin"}));
  ASSERT_EQ(stateOf("test_plugin"), "running");

  ProcessResult result = oxctl({"plugins", "disable", "test_plugin"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "test_plugin disabled (saved in " + userConfig().string() + ")\n");
  EXPECT_EQ(readUserConfig(), kUserConfig + "\n[test_plugin]\nenabled = false\n");
  ProcessResult listed = oxctl({"plugins", "list"});
  EXPECT_TRUE(contains(listed.out, "\ntest_plugin  1.2.3    disabled ")) << listed.out;

  result = oxctl({"restart"}, withPlugins());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  waitForDaemonExit(std::chrono::seconds(5));
  EXPECT_EQ(stateOf("test_plugin"), "disabled");

  result = oxctl({"plugins", "enable", "test_plugin"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(readUserConfig(), kUserConfig + "\n[test_plugin]\nenabled = true\n");
  EXPECT_EQ(stateOf("test_plugin"), "running");
}

TEST_F(CliPluginsTest, WithoutADaemonTheConfigIsWrittenForTheNextStart) {
  plugin_dir_ = pluginDirWith({"test_plugin"});
  ProcessResult result = oxctl({"plugins", "disable", "test_plugin"}, withPlugins());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "test_plugin disabled in " + userConfig().string() +
                            "; oxd is not running (socket " + socketPath().string() +
                            "), so it applies at next start\n");
  EXPECT_EQ(readUserConfig(), "[test_plugin]\nenabled = false\n");

  ASSERT_NO_FATAL_FAILURE(startDaemon({.plugin_dir = plugin_dir_}));
  EXPECT_EQ(stateOf("test_plugin"), "disabled");
}

TEST_F(CliPluginsTest, UnknownPluginGetsADidYouMean) {
  ASSERT_NO_FATAL_FAILURE(startWithPlugins({"test_plugin"}));
  ProcessResult result = oxctl({"plugins", "disable", "test_plugn"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(contains(result.err, "unknown plugin 'test_plugn'; did you mean 'test_plugin'?"))
      << result.err;
  EXPECT_FALSE(std::filesystem::exists(userConfig()));

  ASSERT_TRUE(stopDaemon().has_value());
  result = oxctl({"plugins", "enable", "nosuch"}, withPlugins());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(contains(
      result.err, "unknown plugin 'nosuch' (known to " + plugin_dir_.string() + ": test_plugin)"))
      << result.err;
}

}  // namespace
}  // namespace oxd::testing
