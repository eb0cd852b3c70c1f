// `oxctl plugins [list | enable NAME | disable NAME]`. enable/disable are persistent: they
// write [NAME] enabled = true|false into the user config (the layer a person owns) and then
// apply it to the running daemon; with no daemon the config alone takes effect at next start.

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "common/AtomicFile.h"
#include "common/NearestName.h"
#include "oxctl/Cli.h"
#include "oxctl/Output.h"
#include "oxctl/Spawn.h"
#include "oxctl/UserConfig.h"
#include "oxctl/Views.h"

namespace oxd::cli {
namespace {

namespace fs = std::filesystem;

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

std::optional<std::string> fileValue(const fs::path& file, std::string_view section,
                                     std::string_view key) {
  try {
    std::optional<std::string> text = files::readWhole(file);
    return text ? iniValue(*text, section, key) : std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;  // unreadable: the daemon reports it; here it only hides a hint
  }
}

// Where the daemon will look for <name>.so, following the config layers oxctl can see
// (environment, project, user, system file; not a daemon's --config or --define).
fs::path pluginDirectory(Invocation& invocation) {
  if (const char* forced = std::getenv("OXD_DAEMON__PLUGIN_DIR"); forced && *forced) return forced;
  for (const fs::path& file :
       {invocation.root() / ".oxd" / "oxd.ini", userConfigPath(), fs::path("/etc/oxd/oxd.ini")}) {
    if (auto dir = fileValue(file, "daemon", "plugin_dir"); dir && !dir->empty()) return *dir;
  }
  // The daemon's own default (core/daemon/main.cpp): <prefix>/lib/oxd/plugins when installed,
  // <build>/plugins in the build tree.
  fs::path bin = findDaemonBinary().parent_path();
  std::error_code error;
  fs::path installed = bin.parent_path() / "lib" / "oxd" / "plugins";
  return fs::is_directory(installed, error) ? installed : bin.parent_path() / "plugins";
}

std::vector<std::string> pluginsIn(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    if (it->path().extension() == ".so") names.push_back(it->path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> namesOf(const nlohmann::json& plugins) {
  std::vector<std::string> names;
  if (!plugins.is_object() || !plugins.contains("plugins") || !plugins["plugins"].is_array())
    return names;
  for (const auto& plugin : plugins["plugins"]) {
    if (plugin.is_object() && plugin.contains("name") && plugin["name"].is_string())
      names.push_back(plugin["name"].get<std::string>());
  }
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

// Layers above the user config would make the edit ineffective; say which.
void warnAboutOverrides(Invocation& invocation, const std::string& name, bool enabled) {
  std::string variable = "OXD_" + upper(name) + "__ENABLED";
  if (const char* value = std::getenv(variable.c_str())) {
    printErr("warning: " + variable + "=" + value +
             " in the environment overrides the user config");
  }
  fs::path project = invocation.root() / ".oxd" / "oxd.ini";
  if (auto value = fileValue(project, name, "enabled")) {
    printErr("warning: " + project.string() + " sets [" + name + "] enabled = " + *value +
             ", which overrides the user config" +
             (enabled ? "" : " (the daemon is told now; the project file wins at next start)"));
  }
}

int list(Invocation& invocation) {
  nlohmann::json reply =
      invocation.client().request(invocation.message("plugins"), kRequestIdleTimeout);
  const nlohmann::json& data = requireSuccess(reply);
  printOut(invocation.json ? data.dump() : pluginsView(data));
  return kExitOk;
}

int setEnabled(Invocation& invocation, const std::string& name, bool enabled) {
  // The names the daemon knows when it runs; else the plugins it would load at start.
  std::vector<std::string> known;
  bool running = true;
  std::string known_from;
  try {
    known = namesOf(
        requireSuccess(invocation.client().request(invocation.message("plugins"), kPingTimeout)));
    known_from = "the daemon";
  } catch (const ipc::ClientError& error) {
    if (error.kind() != ipc::ClientError::Kind::NotRunning) throw;
    running = false;
    fs::path dir = pluginDirectory(invocation);
    known = pluginsIn(dir);
    known_from = dir.string();
  }
  if (std::find(known.begin(), known.end(), name) == known.end()) {
    std::string hint = nearestName(name, known);
    throw CommandError("unknown plugin '" + name + "'" +
                       (hint.empty() ? "" : "; did you mean '" + hint + "'?") + " (" +
                       (known.empty() ? "no plugins in " + known_from
                                      : "known to " + known_from + ": " + joined(known)) +
                       ")");
  }

  const char* value = enabled ? "true" : "false";
  const char* verb = enabled ? "enabled" : "disabled";
  fs::path config = setUserConfigValue(name, "enabled", value);
  warnAboutOverrides(invocation, name, enabled);
  if (running) {
    nlohmann::json reply =
        invocation.client().request(invocation.message(enabled ? "plugin_enable" : "plugin_disable",
                                                       nlohmann::json{{"name", name}}),
                                    kRequestIdleTimeout);
    if (!reply.value("success", false)) {
      throw CommandError("wrote [" + name + "] enabled = " + value + " to " + config.string() +
                         ", but the daemon could not apply it: " +
                         reply.value("error", std::string("no reason given")));
    }
  }
  if (invocation.json) {
    printOut(nlohmann::json{
        {"plugin", name}, {"enabled", enabled}, {"config", config.string()}, {"applied", running}}
                 .dump());
  } else if (running) {
    printOut(name + " " + verb + " (saved in " + config.string() + ")");
  } else {
    printOut(name + " " + verb + " in " + config.string() + "; oxd is not running (socket " +
             invocation.socketPath().string() + "), so it applies at next start");
  }
  return kExitOk;
}

}  // namespace

int runPlugins(Invocation& invocation) {
  const auto& arguments = invocation.positional;
  std::string action = arguments.empty() ? "list" : arguments[0];
  if (action == "list") {
    if (arguments.size() > 1) throw UsageError("plugins list: takes no NAME");
    return list(invocation);
  }
  if (action == "enable" || action == "disable") {
    if (arguments.size() != 2) throw UsageError("plugins " + action + ": needs one plugin NAME");
    return setEnabled(invocation, arguments[1], action == "enable");
  }
  throw UsageError("plugins: unknown subcommand '" + action + "' (list, enable, disable)");
}

}  // namespace oxd::cli
