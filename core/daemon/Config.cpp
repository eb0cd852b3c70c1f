#include "daemon/Config.h"

#include <oxd/duration.h>

#include "common/NearestName.h"
#include "common/Paths.h"

#include <Poco/Util/IniFileConfiguration.h>
#include <Poco/Util/MapConfiguration.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <system_error>

extern char** environ;

namespace oxd::core {
namespace fs = std::filesystem;
using Poco::AutoPtr;
using Poco::Util::AbstractConfiguration;

namespace {

struct KeyDefault {
  const char* key;
  const char* value;
};
// Every [daemon] key; values are the defaults. Documented in packaging/oxd.ini.
constexpr KeyDefault kDaemonDefaults[] = {
    {"plugin_dir", ""},           {"inactivity_timeout", "1h"},  {"pending_work_grace", "10m"},
    {"shutdown_timeout", "5s"},   {"first_line_deadline", "5s"}, {"workers", "4"},
    {"max_connections", "100"},   {"parent_pid", "0"},           {"restart_throttle", "true"},
    {"log_level", "information"},
};

// Environment layer: OXD_SYNC__INTERVAL=5m → sync.interval. The double underscore separates
// section from key because keys themselves contain underscores (gc_interval_days).
AutoPtr<Poco::Util::MapConfiguration> environmentLayer() {
  AutoPtr<Poco::Util::MapConfiguration> layer = new Poco::Util::MapConfiguration;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string text = *entry;
    if (text.rfind("OXD_", 0) != 0) continue;
    auto equals = text.find('=');
    auto separator = text.find("__");
    if (equals == std::string::npos || separator == std::string::npos || separator > equals)
      continue;
    std::string section = text.substr(4, separator - 4);
    std::string key = text.substr(separator + 2, equals - separator - 2);
    std::transform(section.begin(), section.end(), section.begin(), ::tolower);
    std::transform(key.begin(), key.end(), key.begin(), ::tolower);
    if (!section.empty() && !key.empty())
      layer->setString(section + "." + key, text.substr(equals + 1));
  }
  return layer;
}

void addIniLayer(Poco::Util::LayeredConfiguration& config, const fs::path& file, int priority,
                 std::vector<std::string>& errors, bool required) {
  std::error_code error;
  if (!fs::exists(file, error)) {
    if (required) errors.push_back(file.string() + ": file not found");
    return;
  }
  try {
    AutoPtr<Poco::Util::IniFileConfiguration> layer =
        new Poco::Util::IniFileConfiguration(file.string());
    config.add(layer, file.string(), priority, false);
  } catch (const Poco::Exception& exception) {
    errors.push_back(file.string() + ": " + exception.displayText());
  }
}

std::chrono::milliseconds durationSetting(const AbstractConfiguration& config,
                                          const std::string& key) {
  std::string text = config.getString("daemon." + key);
  auto parsed = sdk::parseDuration(text);
  if (!parsed) throw std::invalid_argument("[daemon] " + key + ": invalid duration '" + text + "'");
  return std::chrono::duration_cast<std::chrono::milliseconds>(*parsed);
}

long integerSetting(const AbstractConfiguration& config, const std::string& key, long low,
                    long high) {
  std::string text = config.getString("daemon." + key);
  try {
    std::size_t used = 0;
    long value = std::stol(text, &used);
    if (used == text.size() && value >= low && value <= high) return value;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument("[daemon] " + key + ": expected an integer in [" +
                              std::to_string(low) + ", " + std::to_string(high) + "], got '" +
                              text + "'");
}

}  // namespace

// Poco searches layers by ascending priority number: the lowest number wins.
LoadedConfig loadConfig(const ConfigSources& sources) {
  LoadedConfig loaded;
  loaded.config = new Poco::Util::LayeredConfiguration;
  AutoPtr<Poco::Util::MapConfiguration> defaults = new Poco::Util::MapConfiguration;
  for (const auto& [key, value] : kDaemonDefaults)
    defaults->setString(std::string("daemon.") + key, value);
  loaded.config->add(defaults, "defaults", 100, false);
  addIniLayer(*loaded.config, sources.system_file, 40, loaded.errors, false);
  addIniLayer(*loaded.config, oxd::paths::configDir() / "oxd.ini", 30, loaded.errors, false);
  if (!sources.extra_file.empty())
    addIniLayer(*loaded.config, sources.extra_file, 25, loaded.errors, true);
  addIniLayer(*loaded.config, sources.project_root / ".oxd" / "oxd.ini", 20, loaded.errors, false);
  loaded.config->add(environmentLayer(), "environment", 10, false);
  AutoPtr<Poco::Util::MapConfiguration> defines = new Poco::Util::MapConfiguration;
  for (const auto& [key, value] : sources.defines) defines->setString(key, value);
  loaded.config->add(defines, "defines", 0, false);
  return loaded;
}

DaemonSettings readDaemonSettings(const AbstractConfiguration& config,
                                  const fs::path& default_plugin_dir) {
  DaemonSettings settings;
  std::string plugin_dir = config.getString("daemon.plugin_dir", "");
  settings.plugin_dir = plugin_dir.empty() ? default_plugin_dir : fs::path(plugin_dir);
  settings.inactivity_timeout = durationSetting(config, "inactivity_timeout");
  settings.pending_work_grace = durationSetting(config, "pending_work_grace");
  settings.shutdown_timeout = durationSetting(config, "shutdown_timeout");
  settings.first_line_deadline = durationSetting(config, "first_line_deadline");
  settings.workers = static_cast<std::size_t>(integerSetting(config, "workers", 1, 64));
  settings.max_connections =
      static_cast<std::size_t>(integerSetting(config, "max_connections", 1, 10000));
  settings.parent_pid = static_cast<int>(integerSetting(config, "parent_pid", 0, 1 << 30));
  std::string throttle = config.getString("daemon.restart_throttle");
  if (throttle != "true" && throttle != "false") {
    throw std::invalid_argument("[daemon] restart_throttle: expected true or false, got '" +
                                throttle + "'");
  }
  settings.restart_throttle = throttle == "true";
  settings.log_level = config.getString("daemon.log_level");
  static const std::vector<std::string> kLevels = {"fatal",  "critical",    "error", "warning",
                                                   "notice", "information", "debug", "trace"};
  if (std::find(kLevels.begin(), kLevels.end(), settings.log_level) == kLevels.end()) {
    throw std::invalid_argument("[daemon] log_level: unknown level '" + settings.log_level + "'");
  }
  return settings;
}

std::vector<std::string> validateCoreConfig(const AbstractConfiguration& config) {
  std::vector<std::string> errors;
  std::vector<std::string> known_keys;
  for (const auto& entry : kDaemonDefaults) known_keys.emplace_back(entry.key);
  AbstractConfiguration::Keys keys;
  config.keys("daemon", keys);
  for (const auto& key : keys) {
    if (std::find(known_keys.begin(), known_keys.end(), key) != known_keys.end()) continue;
    std::string hint = nearestName(key, known_keys);
    errors.push_back("[daemon] unknown key '" + key + "'" +
                     (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
  }
  try {
    readDaemonSettings(config, "/");
  } catch (const std::exception& exception) {
    errors.emplace_back(exception.what());
  }
  return errors;
}

std::vector<std::string> unknownSections(const AbstractConfiguration& config,
                                         const std::vector<std::string>& plugin_names) {
  std::vector<std::string> warnings;
  std::vector<std::string> sections = plugin_names;
  sections.emplace_back("daemon");
  AbstractConfiguration::Keys roots;
  config.keys(roots);
  for (const auto& root : roots) {
    if (std::find(sections.begin(), sections.end(), root) != sections.end()) continue;
    std::string hint = nearestName(root, sections);
    warnings.push_back("unknown section [" + root + "]" +
                       (hint.empty() ? "" : " (did you mean [" + hint + "]?)"));
  }
  return warnings;
}

}  // namespace oxd::core
