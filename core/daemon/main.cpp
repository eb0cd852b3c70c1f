// oxd: the per-workspace daemon. `oxd [--project DIR] [--config FILE] [--define k=v]... [--daemon]`
#include "common/ProjectFile.h"
#include "daemon/ConfigCheck.h"
#include "daemon/Daemon.h"
#include "daemon/MainLoop.h"

#include <Poco/Exception.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/ServerApplication.h>

#include <unistd.h>

#include <iostream>

namespace {

namespace fs = std::filesystem;

// Installed: <prefix>/bin/oxd finds <prefix>/lib/oxd/plugins; in the build tree: <build>/plugins.
fs::path defaultPluginDir() {
  std::error_code error;
  fs::path bin = fs::read_symlink("/proc/self/exe", error).parent_path();
  fs::path installed = bin.parent_path() / "lib" / "oxd" / "plugins";
  if (fs::is_directory(installed, error)) return installed;
  return bin.parent_path() / "plugins";
}

class OxdApplication : public Poco::Util::ServerApplication {
 public:
  explicit OxdApplication(std::vector<std::string> command_line) {
    options_.command_line = std::move(command_line);
  }

 protected:
  void defineOptions(Poco::Util::OptionSet& options) override {
    ServerApplication::defineOptions(options);
    using Poco::Util::Option;
    auto add = [&](const char* name, const char* short_name, const char* help, const char* argument,
                   bool repeatable = false) {
      Option option(name, short_name, help);
      option.required(false).repeatable(repeatable);
      if (argument) option.argument(argument);
      options.addOption(option.callback(
          Poco::Util::OptionCallback<OxdApplication>(this, &OxdApplication::onOption)));
    };
    add("project", "p", "Serve the project at DIR (default: the working directory).", "DIR");
    add("config", "c", "Read FILE as a config layer above the user's oxd.ini.", "FILE");
    add("define", "D", "Set a config key, e.g. --define sync.interval=1m (repeatable).",
        "KEY=VALUE", true);
    add("parent-pid", "", "Stop when process PID exits (for hook-launched daemons).", "PID");
    add("check-config", "",
        "Check every config layer and the installed plugins' keys; exit 1 "
        "on an error.",
        nullptr);
    add("print-default-config", "", "Print every config key at its default (packaging/oxd.ini).",
        nullptr);
    add("print-config-man", "", "Print every config key as roff (the key list of oxd(8)).",
        nullptr);
    add("help", "h", "Print this help.", nullptr);
    add("version", "v", "Print the version.", nullptr);
  }

  void onOption(const std::string& name, const std::string& value) {
    if (name == "help" || name == "version") {
      std::cout << (name == "version" ? "oxd " OXD_VERSION "\n" : helpText());
      exit_now_ = true;
      stopOptionsProcessing();
    } else if (name == "project") {
      options_.project_dir = value;
    } else if (name == "config") {
      options_.config_file = value;
    } else if (name == "define") {
      auto equals = value.find('=');
      if (equals == std::string::npos || equals == 0) {
        throw Poco::InvalidArgumentException("--define needs KEY=VALUE, got '" + value + "'");
      }
      options_.defines[value.substr(0, equals)] = value.substr(equals + 1);
    } else if (name == "check-config" || name == "print-default-config" ||
               name == "print-config-man") {
      tool_ = name;
    } else if (name == "parent-pid") {
      options_.defines["daemon.parent_pid"] = value;
    }
  }

  int main(const std::vector<std::string>& arguments) override {
    if (exit_now_) return EXIT_OK;
    if (!arguments.empty()) {
      std::cerr << "oxd: unexpected argument '" << arguments.front() << "'\n" << helpText();
      return EXIT_USAGE;
    }
    if (options_.project_dir.empty()) options_.project_dir = fs::current_path();
    options_.default_plugin_dir = defaultPluginDir();
    if (!tool_.empty()) return runConfigTool();
    oxd::core::Daemon daemon(options_);
    return daemon.run();
  }

 private:
  // --check-config / --print-default-config: read the layers and the plugin descriptors, start
  // nothing. A broken [daemon] plugin_dir falls back to the default directory.
  int runConfigTool() {
    oxd::core::ConfigSources sources{oxd::project::findRoot(options_.project_dir),
                                     options_.config_file, options_.defines};
    auto loaded = oxd::core::loadConfig(sources);
    std::string plugin_dir = loaded.config->getString("daemon.plugin_dir", "");
    auto catalog = oxd::core::readPluginCatalog(plugin_dir.empty() ? options_.default_plugin_dir
                                                                   : fs::path(plugin_dir));
    if (tool_ == "print-default-config") {
      std::cout << oxd::core::renderDefaultConfig(catalog);
      return EXIT_OK;
    }
    if (tool_ == "print-config-man") {
      std::cout << oxd::core::renderConfigKeysMan(catalog);
      return EXIT_OK;
    }
    std::size_t errors = 0, layers = 0;
    for (const auto& layer : oxd::core::configFileLayers(sources)) layers += fs::exists(layer.path);
    for (const auto& problem : oxd::core::checkConfig(sources, catalog)) {
      errors += problem.error;
      std::cout << problem.where << ": " << (problem.error ? "error" : "warning") << ": "
                << problem.message << "\n";
    }
    std::cout << (errors ? std::to_string(errors) + " error(s)" : std::string("config ok")) << " ("
              << layers << " file(s), " << catalog.plugins.size() << " plugin(s) checked)\n";
    return errors ? 1 : EXIT_OK;  // 1 like any failed check; EXIT_USAGE is for bad flags
  }

  std::string helpText() const {
    std::ostringstream out;
    Poco::Util::HelpFormatter formatter(options());
    formatter.setCommand("oxd");
    formatter.setUsage("[--project DIR] [--config FILE] [--define KEY=VALUE]... [--daemon]");
    formatter.setHeader(
        "Per-workspace daemon for AI coding agents. Runs in the foreground unless --daemon.");
    formatter.setFooter("Example: oxd --project ~/src/widget --define daemon.inactivity_timeout=0");
    formatter.format(out);
    return out.str();
  }

  oxd::core::DaemonOptions options_;
  bool exit_now_ = false;
  // "check-config", "print-default-config" or "print-config-man"; empty to run the daemon
  std::string tool_;
};

}  // namespace

#if defined(__SANITIZE_ADDRESS__)
// libgit2 1.5 (Debian 12) leaks a pcre2 match block on every regex that does not match, e.g.
// in git_remote_create during a clone (fixed upstream in libgit2 PR #6382, 1.6). Not ours to
// free; LeakSanitizer must not fail every sync test over it (about 0.5 MB per clone here).
extern "C" const char* __lsan_default_suppressions() { return "leak:libpcre2-8.so\n"; }
#endif

#if defined(__SANITIZE_THREAD__)
// glibc serialises tzset() with an internal lock TSan cannot see (libc is not instrumented), so
// two threads logging (Poco formats local time) at once are reported as racing in
// tzset_internal. Every path into it (tzset, localtime_r) holds that lock.
extern "C" const char* __tsan_default_suppressions() { return "race:tzset_internal\n"; }
#endif

int main(int argc, char** argv) {
  // Before any thread exists (Poco's included), so every thread inherits the mask and the
  // main loop alone receives termination and reload signals through its signalfd.
  oxd::core::MainLoop::blockSignals();
  // Kept whole for the exec into an upgraded binary (daemon/Reexec.h).
  OxdApplication application(std::vector<std::string>(argv, argv + argc));
  return application.run(argc, argv);
}
