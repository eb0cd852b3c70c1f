#include "daemon/ConfigCheck.h"

#include "daemon/IniScan.h"

#include <Poco/Util/MapConfiguration.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <system_error>

extern char** environ;

namespace oxd::core {
namespace fs = std::filesystem;

namespace {

struct Setting {
  std::string where;
  std::string section_where;  // where an unknown section is reported (its header)
  std::string section;
  std::string key;
  std::string value;
};

// One key checked alone: the core's and the plugins' validators see just this key over the
// defaults, so each message belongs to exactly one line.
class KeyChecker {
 public:
  explicit KeyChecker(const PluginCatalog& catalog) : catalog_(catalog) {
    for (const auto& plugin : catalog.plugins) sections_.push_back(plugin.name());
    for (const auto& [name, why] : catalog.failed) sections_.push_back(name);
  }

  void check(const Setting& setting, std::vector<ConfigProblem>& problems) {
    auto report = [&](bool error, const std::string& message) {
      problems.push_back({setting.where, error, message});
    };
    if (setting.section.empty()) {
      report(true, "key '" + setting.key + "' outside any [section]");
    } else if (setting.section == "daemon") {
      Poco::AutoPtr<Poco::Util::MapConfiguration> config = new Poco::Util::MapConfiguration;
      for (const auto& key : daemonConfigKeys())
        config->setString("daemon." + key.key, key.default_value);
      config->setString("daemon." + setting.key, setting.value);
      for (const auto& error : validateCoreConfig(*config)) report(true, error);
    } else if (const LoadedPlugin* plugin = find(setting.section)) {
      for (const auto& error :
           validateSection(setting.section, &plugin->descriptor(), {{setting.key, setting.value}}))
        report(true, error);
    } else if (catalog_.failed.count(setting.section)) {
      for (const auto& error :
           validateSection(setting.section, nullptr, {{setting.key, setting.value}}))
        report(true, error);
    } else if (warned_sections_
                   .insert(setting.where.substr(0, setting.where.rfind(':')) + "\n" +
                           setting.section)
                   .second) {
      std::vector<std::string> known = sections_;
      known.emplace_back("daemon");
      std::string hint = nearestName(setting.section, known);
      problems.push_back({setting.section_where, false,
                          "unknown section [" + setting.section + "]" +
                              (hint.empty() ? " (no installed plugin has that name)"
                                            : " (did you mean [" + hint + "]?)")});
    }
  }

 private:
  const LoadedPlugin* find(const std::string& name) const {
    for (const auto& plugin : catalog_.plugins)
      if (plugin.name() == name) return &plugin;
    return nullptr;
  }

  const PluginCatalog& catalog_;
  std::vector<std::string> sections_;
  std::set<std::string> warned_sections_;  // once per section and file
};

// "sync.teams.a" → section "sync", key "teams.a", as Poco splits it.
Setting splitDotted(std::string where, const std::string& dotted, std::string value) {
  auto dot = dotted.find('.');
  if (dot == std::string::npos) return {where, where, "", dotted, std::move(value)};
  return {where, where, dotted.substr(0, dot), dotted.substr(dot + 1), std::move(value)};
}

void checkFile(const ConfigFileLayer& layer, KeyChecker& checker,
               std::vector<ConfigProblem>& problems) {
  std::error_code error;
  std::string name = layer.path.string();
  if (!fs::exists(layer.path, error)) {
    if (layer.required) problems.push_back({name, true, "file not found"});
    return;
  }
  std::ifstream in(layer.path);
  if (!in || fs::is_directory(layer.path, error)) {
    problems.push_back({name, true, "cannot read the file"});
    return;
  }
  IniScan scan = scanIni(in);
  std::vector<std::pair<int, ConfigProblem>> found;  // reported in line order
  auto where = [&](int line) { return name + ":" + std::to_string(line); };
  for (const auto& problem : scan.problems)
    found.push_back({problem.line, {where(problem.line), true, problem.message}});
  for (const auto& entry : scan.entries) {
    std::vector<ConfigProblem> mine;
    checker.check(
        {where(entry.line), where(entry.section_line), entry.section, entry.key, entry.value},
        mine);
    for (auto& problem : mine) {
      int line = problem.where == where(entry.line) ? entry.line : entry.section_line;
      found.push_back({line, std::move(problem)});
    }
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [line, problem] : found) problems.push_back(std::move(problem));
}

}  // namespace

PluginCatalog readPluginCatalog(const fs::path& dir) {
  PluginCatalog catalog;
  std::vector<fs::path> files;
  std::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    if (it->path().extension() == ".so" && it->is_regular_file(error)) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  PluginLoader loader;
  for (const auto& file : files) {
    LoadResult result = loader.load(file);
    if (result.ok())
      catalog.plugins.push_back(*result.plugin);
    else
      catalog.failed[file.stem().string()] = result.error;
  }
  return catalog;
}

namespace {

// The telemetry plugin reads the OpenTelemetry exporter variables (plugins/telemetry/README.md)
// and speaks only http/json: another protocol there is named here, as a warning (it still
// starts, and sends JSON).
void checkOtlpProtocol(const PluginCatalog& catalog, std::vector<ConfigProblem>& problems) {
  bool telemetry = std::any_of(catalog.plugins.begin(), catalog.plugins.end(),
                               [](const auto& plugin) { return plugin.name() == "telemetry"; });
  if (!telemetry) return;
  for (const char* name : {"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL",
                           "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"}) {
    const char* value = std::getenv(name);
    if (value && *value && std::string(value) != "http/json") {
      problems.push_back(
          {std::string("environment ") + name, false,
           std::string("'") + value + "': the telemetry plugin sends OTLP as http/json only"});
    }
  }
}

}  // namespace

std::vector<ConfigProblem> checkConfig(const ConfigSources& sources, const PluginCatalog& catalog) {
  std::vector<ConfigProblem> problems;
  for (const auto& [name, why] : catalog.failed)
    problems.push_back({"plugin " + name, false, "cannot load, its keys are not checked: " + why});
  KeyChecker checker(catalog);
  for (const auto& layer : configFileLayers(sources)) checkFile(layer, checker, problems);
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string text = *entry;
    auto equals = text.find('=');
    auto separator = text.find("__");
    if (text.rfind("OXD_", 0) != 0 || equals == std::string::npos ||
        separator == std::string::npos || separator > equals)
      continue;
    std::string dotted =
        text.substr(4, separator - 4) + "." + text.substr(separator + 2, equals - separator - 2);
    std::transform(dotted.begin(), dotted.end(), dotted.begin(), ::tolower);
    checker.check(
        splitDotted("environment " + text.substr(0, equals), dotted, text.substr(equals + 1)),
        problems);
  }
  for (const auto& [key, value] : sources.defines)
    checker.check(splitDotted("--define " + key, key, value), problems);
  checkOtlpProtocol(catalog, problems);
  return problems;
}

std::string renderDefaultConfig(const PluginCatalog& catalog) {
  std::string text =
      "; oxd configuration: every key, commented out at its default. Generated by\n"
      "; `oxd --print-default-config` from the daemon's and the plugins' own key tables.\n"
      ";\n"
      "; Layers, lowest priority first: /etc/oxd/oxd.ini, $XDG_CONFIG_HOME/oxd/oxd.ini,\n"
      "; --config FILE, <project>/.oxd/oxd.ini, OXD_<SECTION>__<KEY> environment variables,\n"
      "; --define section.key=value. Comments start with ';' ('#' does not).\n"
      "; Check a config with: oxctl config check\n";
  auto section = [&](const std::string& header, const std::vector<ConfigKeyInfo>& keys) {
    text += "\n[" + keys.front().section + "]\n" + header;
    for (const auto& key : keys) {
      text += "; " + key.help + "\n; kind: " + key.kind + "\n;" + key.key + " =";
      if (!key.default_value.empty()) text += " " + key.default_value;
      text += "\n";
    }
  };
  section("; the daemon itself\n", daemonConfigKeys());
  for (const auto& plugin : catalog.plugins) {
    const sdk::Descriptor& descriptor = plugin.descriptor();
    section("; plugin " + std::string(descriptor.name) + " " + descriptor.version + ": " +
                descriptor.summary + "\n",
            describePluginKeys(descriptor));
  }
  return text;
}

namespace {

// Text as roff reads it: a backslash is written \e, and a line may not start with a control
// character (a dot or an apostrophe).
std::string roffText(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '\\' ? std::string("\\e") : std::string(1, c);
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

}  // namespace

std::string renderConfigKeysMan(const PluginCatalog& catalog) {
  std::vector<std::vector<ConfigKeyInfo>> tables{daemonConfigKeys()};
  for (const auto& plugin : catalog.plugins)
    tables.push_back(describePluginKeys(plugin.descriptor()));
  std::string text;
  for (const auto& keys : tables) {
    text += ".SS [" + keys.front().section + "]\n";
    for (const auto& key : keys) {
      text += ".TP\n.B " + key.section + "." + key.key + "\n\\fI" + roffText(key.kind) + "\\fP";
      if (!key.default_value.empty())
        text += "; default \\fB" + roffText(key.default_value) + "\\fP";
      text += "\n.br\n" + roffText(key.help) + "\n";
    }
  }
  return text;
}

}  // namespace oxd::core
