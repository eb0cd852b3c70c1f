#pragma once
// Reading a plugin's typed settings from its config view (Host::config()), with errors that
// name the setting the way an operator writes it ("whisper.retention"). Header-only.

#include <oxd/duration.h>

#include <Poco/Util/AbstractConfiguration.h>

#include <chrono>
#include <stdexcept>
#include <string>

namespace oxd::sdk {

// `section.key` as a duration ("30s", "5m", "0"); `fallback` when unset. A malformed or
// negative value throws std::invalid_argument, which fails the plugin's start with that text.
inline std::chrono::nanoseconds durationSetting(const Poco::Util::AbstractConfiguration& config,
                                                const std::string& section, const std::string& key,
                                                std::chrono::nanoseconds fallback) {
  if (!config.hasProperty(key)) return fallback;
  std::string text = config.getString(key);
  auto parsed = parseDuration(text);
  if (!parsed || parsed->count() < 0) {
    throw std::invalid_argument(section + "." + key +
                                ": expected a duration such as 30s or 5m, got '" + text + "'");
  }
  return *parsed;
}

}  // namespace oxd::sdk
