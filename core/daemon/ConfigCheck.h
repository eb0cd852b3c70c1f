#pragma once
// `oxd --check-config` and `oxd --print-default-config`: the config as an operator edits it,
// checked layer by layer against the core's keys and the installed plugins' descriptors, and
// the default config generated from the same tables (packaging/oxd.ini).
//
// Each problem names where it comes from: "<file>:<line>", "environment OXD_X__Y" or
// "--define x.y". Every key is checked on its own, so one bad line never hides another.

#include "daemon/Config.h"
#include "host/PluginLoader.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace oxd::core {

// The plugins of a directory, mapped and read, none created or started.
struct PluginCatalog {
  std::vector<LoadedPlugin> plugins;          // sorted by name
  std::map<std::string, std::string> failed;  // file stem → why it cannot load
};
PluginCatalog readPluginCatalog(const std::filesystem::path& dir);

struct ConfigProblem {
  std::string where;
  bool error;  // false: a warning (the daemon would still start)
  std::string message;
};

std::vector<ConfigProblem> checkConfig(const ConfigSources& sources, const PluginCatalog& catalog);

// Every key of [daemon] and of each plugin, commented out at its default with its help above.
std::string renderDefaultConfig(const PluginCatalog& catalog);

// The same keys as roff, for the CONFIGURATION KEYS of oxd(8): each with its kind and range,
// its default and its help.
std::string renderConfigKeysMan(const PluginCatalog& catalog);

}  // namespace oxd::core
