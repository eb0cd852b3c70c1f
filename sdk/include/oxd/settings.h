#pragma once
// Reading a plugin's settings through its descriptor: each key is read as the kind it declares,
// with the descriptor's default when the config does not set it, so a default is written once
// (in the key table). Header-only.
//
//   sdk::Settings settings(host.config(), kDescriptor);
//   auto interval = settings.duration("interval");
//
// A value that is not of the key's kind or lies outside its range throws std::invalid_argument
// "section.key: <problem>" (the host refuses such a config before start(), so a plugin sees
// this only when it reads a config the host did not check, e.g. in its own tests). Asking for
// a key the descriptor does not declare, or with another kind's reader, is a bug in the plugin:
// std::logic_error.

#include <oxd/config_value.h>
#include <oxd/descriptor.h>

#include <Poco/Util/AbstractConfiguration.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace oxd::sdk {

class Settings {
 public:
  // `config` (usually Host::config()) must outlive this view.
  Settings(const Poco::Util::AbstractConfiguration& config, const Descriptor& descriptor)
      : Settings(config, descriptor.name, descriptor.config_keys, descriptor.config_key_count) {}

  // The same from a bare key table, for a plugin's settings reader that lives apart from the
  // descriptor; `section` names the keys in errors ("whisper" → "whisper.retention").
  Settings(const Poco::Util::AbstractConfiguration& config, std::string section,
           const ConfigKey* keys, std::size_t count)
      : config_(config), section_(std::move(section)), keys_(keys), count_(count) {}

  template <std::size_t N>
  Settings(const Poco::Util::AbstractConfiguration& config, std::string section,
           const ConfigKey (&keys)[N])
      : Settings(config, std::move(section), keys, N) {}

  std::chrono::nanoseconds duration(std::string_view key) const {
    return *parseDuration(read(key, ConfigKind::Duration));
  }
  std::int64_t bytes(std::string_view key) const {
    return *parseByteSize(read(key, ConfigKind::ByteSize));
  }
  std::int64_t integer(std::string_view key) const {
    return *parseInteger(read(key, ConfigKind::Int));
  }
  double number(std::string_view key) const { return *parseNumber(read(key, ConfigKind::Double)); }
  bool flag(std::string_view key) const { return *parseFlag(read(key, ConfigKind::Bool)); }
  std::string text(std::string_view key) const { return read(key, ConfigKind::String); }
  std::vector<std::string> list(std::string_view key) const {
    return splitList(read(key, ConfigKind::List));
  }

  // A problem only the plugin can see (one key against another, the entries of a list), in
  // the same form as the kind and range errors: "section.key: problem".
  std::invalid_argument invalid(std::string_view key, const std::string& problem) const {
    return std::invalid_argument(section_ + "." + std::string(key) + ": " + problem);
  }

 private:
  // The key's text (set or default), checked against its kind and range.
  std::string read(std::string_view name, ConfigKind kind) const {
    const ConfigKey* key = nullptr;
    for (std::size_t i = 0; i < count_ && !key; ++i) {
      if (keys_[i].name && name == keys_[i].name) key = &keys_[i];
    }
    std::string full = section_ + "." + std::string(name);
    if (!key) throw std::logic_error(full + " is not declared in the plugin's descriptor");
    if (key->kind != kind) {
      throw std::logic_error(full + " is declared as " + configKindName(key->kind) + ", read as " +
                             configKindName(kind));
    }
    std::string value = config_.hasProperty(key->name)
                            ? config_.getString(key->name)
                            : std::string(key->default_value ? key->default_value : "");
    std::string problem = configValueProblem(*key, value);
    if (!problem.empty()) throw invalid(name, problem);
    return value;
  }

  const Poco::Util::AbstractConfiguration& config_;
  std::string section_;
  const ConfigKey* keys_;
  std::size_t count_;
};

}  // namespace oxd::sdk
