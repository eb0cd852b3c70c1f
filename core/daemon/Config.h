#pragma once
// Layered configuration (docs/architecture.md#configuration), lowest first:
//   built-in defaults < /etc/oxd/oxd.ini < $XDG_CONFIG_HOME/oxd/oxd.ini < <project>/.oxd/oxd.ini
//   < OXD_<SECTION>__<KEY> environment variables < --define section.key=value
// One section per plugin plus [daemon] for the core. Loading builds a new, independent
// configuration each time, so a reload can be validated whole before anything changes.

#include "common/NearestName.h"
#include "host/PluginConfig.h"

#include <Poco/AutoPtr.h>
#include <Poco/Util/LayeredConfiguration.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace oxd::core {

struct ConfigSources {
  std::filesystem::path project_root;
  std::filesystem::path extra_file;            // --config FILE (between user and project files)
  std::map<std::string, std::string> defines;  // --define, highest priority
  std::filesystem::path system_file = "/etc/oxd/oxd.ini";
};

struct LoadedConfig {
  Poco::AutoPtr<Poco::Util::LayeredConfiguration> config;
  std::vector<std::string> errors;  // "<file>: <problem>"; empty = every layer parsed
};

LoadedConfig loadConfig(const ConfigSources& sources);

// The ini files of the layering, lowest priority first; `priority` is Poco's (lower wins).
struct ConfigFileLayer {
  std::filesystem::path path;
  int priority;
  bool required;  // --config FILE must exist; the others are optional
};
std::vector<ConfigFileLayer> configFileLayers(const ConfigSources& sources);

// Every [daemon] key with its default and one line of help.
std::vector<ConfigKeyInfo> daemonConfigKeys();

// The core's own settings, parsed from [daemon]. Throws std::invalid_argument naming the key.
struct DaemonSettings {
  std::filesystem::path plugin_dir;
  std::chrono::milliseconds inactivity_timeout{std::chrono::hours(1)};  // 0 = never exit
  std::chrono::milliseconds pending_work_grace{std::chrono::minutes(10)};
  std::chrono::milliseconds shutdown_timeout{std::chrono::seconds(5)};
  std::chrono::milliseconds first_line_deadline{std::chrono::seconds(5)};
  // Read by oxctl (docs/behavior.md#auto-start); here only so a bad value is reported.
  std::chrono::milliseconds autostart_wait{std::chrono::seconds(2)};
  std::size_t workers = 4;
  std::size_t max_connections = 100;
  int parent_pid = 0;
  bool restart_throttle = true;
  std::string log_level = "information";
};
DaemonSettings readDaemonSettings(const Poco::Util::AbstractConfiguration& config,
                                  const std::filesystem::path& default_plugin_dir);

// Checks the [daemon] section: unknown keys (naming the nearest known key) and bad values. The
// plugin sections' own keys are checked by the PluginManager.
std::vector<std::string> validateCoreConfig(const Poco::Util::AbstractConfiguration& config);

// Sections that are neither [daemon] nor an installed plugin's, each naming the nearest known
// one. Warnings, not errors: config written for a plugin that is not installed here must not
// stop the daemon; they surface as an issue in status.
std::vector<std::string> unknownSections(const Poco::Util::AbstractConfiguration& config,
                                         const std::vector<std::string>& plugin_names);

}  // namespace oxd::core
