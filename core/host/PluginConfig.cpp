#include "host/PluginConfig.h"

#include "common/NearestName.h"

#include <oxd/config_value.h>

#include <Poco/Util/MapConfiguration.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace oxd::core {

namespace {

std::optional<PluginConfig::OnError> parseOnError(const std::string& text) {
  if (text == "fail") return PluginConfig::OnError::Fail;
  if (text == "retry") return PluginConfig::OnError::Retry;
  if (text == "ignore") return PluginConfig::OnError::Ignore;
  return std::nullopt;
}

std::string unknownKeyError(const std::string& plugin, const std::string& key,
                            const std::vector<std::string>& known) {
  std::string message = "[" + plugin + "] unknown key '" + key + "'";
  std::string hint = nearestName(key, known);
  if (!hint.empty()) {
    return message + " (did you mean '" + hint + "'?)";
  }
  std::string list;
  for (const auto& candidate : known) list += (list.empty() ? "" : ", ") + candidate;
  return message + " (known keys: " + list + ")";
}

void flatten(const Poco::Util::AbstractConfiguration& config, const std::string& full,
             const std::string& relative, ConfigSection& out) {
  Poco::Util::AbstractConfiguration::Keys keys;
  config.keys(full, keys);
  for (const auto& key : keys) {
    std::string full_key = full + "." + key;
    std::string relative_key = relative.empty() ? key : relative + "." + key;
    if (config.has(full_key)) {
      try {
        out[relative_key] = config.getString(full_key);
      } catch (const Poco::Exception&) {  // a ${…} reference that does not resolve
        out[relative_key] = config.getRawString(full_key);
      }
    }
    flatten(config, full_key, relative_key, out);
  }
}

}  // namespace

std::vector<ConfigKeyInfo> describePluginKeys(const sdk::Descriptor& descriptor) {
  std::vector<ConfigKeyInfo> keys{
      {descriptor.name, "enabled", "true", "start this plugin", "bool"},
      {descriptor.name, "on_error", "fail",
       "when it cannot start: fail (stay failed), retry (with backoff), ignore (no issue)",
       "string"}};
  for (std::size_t i = 0; i < descriptor.config_key_count; ++i) {
    const sdk::ConfigKey& key = descriptor.config_keys[i];
    keys.push_back({descriptor.name, key.name, key.default_value ? key.default_value : "",
                    key.help ? key.help : "", sdk::configKindAndRange(key)});
  }
  return keys;
}

ConfigSection readSection(const Poco::Util::AbstractConfiguration& config,
                          const std::string& name) {
  ConfigSection section;
  flatten(config, name, "", section);
  return section;
}

PluginConfig parsePluginConfig(const ConfigSection& section) {
  PluginConfig config;
  if (auto it = section.find("enabled"); it != section.end()) {
    config.enabled = sdk::parseFlag(it->second).value_or(true);
  }
  if (auto it = section.find("on_error"); it != section.end()) {
    config.on_error = parseOnError(it->second).value_or(PluginConfig::OnError::Fail);
  }
  return config;
}

std::vector<std::string> validateSection(const std::string& name, const sdk::Descriptor* descriptor,
                                         const ConfigSection& section) {
  std::vector<std::string> errors;
  std::string prefix = "[" + name + "] ";
  std::vector<std::string> known{"enabled", "on_error"};
  for (std::size_t i = 0; descriptor && i < descriptor->config_key_count; ++i) {
    known.push_back(descriptor->config_keys[i].name);
  }
  for (const auto& [key, value] : section) {
    if (key == "enabled") {
      if (!sdk::parseFlag(value))
        errors.push_back(prefix + "enabled: expected true or false, got '" + value + "'");
    } else if (key == "on_error") {
      if (!parseOnError(value)) {
        errors.push_back(prefix + "on_error: expected fail, retry or ignore, got '" + value + "'");
      }
    } else if (descriptor) {  // a plugin that did not load has no key list to check against
      auto it = std::find(known.begin(), known.end(), key);
      if (it == known.end()) {
        errors.push_back(unknownKeyError(name, key, known));
        continue;
      }
      // The loader refuses descriptor keys named enabled/on_error, so index 2 is key 0.
      const sdk::ConfigKey& declared = descriptor->config_keys[(it - known.begin()) - 2];
      std::string problem = sdk::configValueProblem(declared, value);
      if (!problem.empty()) errors.push_back(prefix + key + ": " + problem);
    }
  }
  return errors;
}

Poco::AutoPtr<Poco::Util::AbstractConfiguration> pluginConfiguration(
    const sdk::Descriptor& descriptor, const ConfigSection& section) {
  Poco::AutoPtr<Poco::Util::MapConfiguration> config = new Poco::Util::MapConfiguration;
  for (std::size_t i = 0; i < descriptor.config_key_count; ++i) {
    const sdk::ConfigKey& key = descriptor.config_keys[i];
    if (key.default_value && *key.default_value) config->setString(key.name, key.default_value);
  }
  for (const auto& [key, value] : section) config->setString(key, value);
  return Poco::AutoPtr<Poco::Util::AbstractConfiguration>(config);
}

}  // namespace oxd::core
