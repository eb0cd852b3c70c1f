#pragma once
// What the oxctl command tests share: a fixture with the test plugins copied into a private
// plugin directory (so `plugins list` shows exactly those), and background oxctl runs.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "CliProcess.h"
#include "DaemonFixture.h"
#include "common/Paths.h"

namespace oxd::testing {

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class CliFixture : public DaemonFixture {
 protected:
  // <temp>/plugins holding <name>.so for each name, copied from the test plugin build.
  std::filesystem::path pluginDirWith(const std::vector<std::string>& names) {
    std::filesystem::path dir = tempDir() / "plugins";
    std::filesystem::create_directories(dir);
    for (const auto& name : names) {
      std::filesystem::copy_file(std::filesystem::path(OXD_TEST_PLUGIN_DIR) / (name + ".so"),
                                 dir / (name + ".so"),
                                 std::filesystem::copy_options::overwrite_existing);
    }
    return dir;
  }

  void startWithPlugins(const std::vector<std::string>& names) {
    plugin_dir_ = pluginDirWith(names);
    ASSERT_NO_FATAL_FAILURE(startDaemon({.plugin_dir = plugin_dir_}));
  }

  // The environment for an oxctl that may start a daemon: it must find the same plugins.
  RunOptions withPlugins() const {
    RunOptions options;
    options.env["OXD_DAEMON__PLUGIN_DIR"] = plugin_dir_.string();
    return options;
  }

  std::unique_ptr<BackgroundProcess> background(const std::vector<std::string>& args,
                                                BackgroundProcess::Output output) {
    std::vector<std::string> argv{OXD_BIN_DIR "/oxctl"};
    argv.insert(argv.end(), args.begin(), args.end());
    return std::make_unique<BackgroundProcess>(argv, childEnvironment(), projectDir(), output);
  }

  std::filesystem::path userConfig() const { return paths::configDir() / "oxd.ini"; }

  // Polls `oxctl args` until its output contains `part` (one-way messages land shortly after).
  ProcessResult oxctlUntil(const std::vector<std::string>& args, const std::string& part) {
    ProcessResult result;
    for (int attempt = 0; attempt < 100; ++attempt) {
      result = oxctl(args);
      if (contains(result.out, part)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return result;
  }

  std::filesystem::path plugin_dir_;
};

}  // namespace oxd::testing
