#pragma once
// A plugin's config section: reading it out of the layered configuration, checking it against
// the plugin's descriptor, and the stable copy a running plugin sees as Host::config().
// Pure functions; thread-safe.

#include <oxd/descriptor.h>

#include <Poco/AutoPtr.h>
#include <Poco/Util/AbstractConfiguration.h>

#include <map>
#include <string>
#include <vector>

namespace oxd::core {

// The keys the host itself reads from every plugin's section.
struct PluginConfig {
  bool enabled = true;
  enum class OnError { Fail, Retry, Ignore } on_error = OnError::Fail;
};

// One documented key: what `oxd --print-default-config` (packaging/oxd.ini) lists.
struct ConfigKeyInfo {
  std::string section;
  std::string key;
  std::string default_value;
  std::string help;
  std::string kind;  // and range, as oxd.ini shows it: "duration, at least 1s"
};

// Every key of a plugin's section: the host's own (enabled, on_error), then the descriptor's.
std::vector<ConfigKeyInfo> describePluginKeys(const sdk::Descriptor& descriptor);

// A section, flattened: key relative to the section (dotted when nested) → value, with ${…}
// references expanded.
using ConfigSection = std::map<std::string, std::string>;

ConfigSection readSection(const Poco::Util::AbstractConfiguration& config, const std::string& name);

// `enabled` and `on_error`; invalid values fall back to the defaults (validation reports them).
PluginConfig parsePluginConfig(const ConfigSection& section);

// Every problem of [name]: an unknown key (with the nearest known key as a hint), a bad
// `enabled` or `on_error`, a value not of its key's kind or outside its range. With a null
// descriptor (the plugin did not load) only `enabled` and `on_error` are checked.
std::vector<std::string> validateSection(const std::string& name, const sdk::Descriptor* descriptor,
                                         const ConfigSection& section);

// The descriptor's defaults overlaid with the section: what Host::config() returns.
Poco::AutoPtr<Poco::Util::AbstractConfiguration> pluginConfiguration(
    const sdk::Descriptor& descriptor, const ConfigSection& section);

}  // namespace oxd::core
