#include "CodedbSettings.h"

#include <oxd/bytesize.h>
#include <oxd/settings.h>

#include <stdexcept>
#include <string>

namespace oxd::codedb {

CodedbSettings ReadCodedbSettings(const Poco::Util::AbstractConfiguration& config) {
  CodedbSettings settings;
  settings.check_interval =
      sdk::durationSetting(config, "codedb", "check_interval", settings.check_interval);
  settings.ledger_check_interval = sdk::durationSetting(config, "codedb", "ledger_check_interval",
                                                        settings.ledger_check_interval);
  settings.settle = sdk::durationSetting(config, "codedb", "settle", settings.settle);
  if (settings.settle < std::chrono::milliseconds(1) || settings.settle > std::chrono::minutes(1)) {
    throw std::invalid_argument("codedb.settle: expected 1ms to 1m, got '" +
                                config.getString("settle") + "'");
  }
  if (config.hasProperty("overlay")) {
    std::string text = config.getString("overlay");
    if (text != "true" && text != "false") {
      throw std::invalid_argument("codedb.overlay: expected true or false, got '" + text + "'");
    }
    settings.overlay = text == "true";
  }
  if (config.hasProperty("max_file_size")) {
    std::string text = config.getString("max_file_size");
    auto bytes = sdk::parseByteSize(text);
    if (!bytes || *bytes < 1024 || *bytes > (std::int64_t{1} << 30)) {
      throw std::invalid_argument(
          "codedb.max_file_size: expected a size from 1KB to 1GB such as 1MB, got '" + text + "'");
    }
    settings.skip.max_bytes = static_cast<std::size_t>(*bytes);
  }
  if (config.hasProperty("max_trigram_density")) {
    std::string text = config.getString("max_trigram_density");
    std::size_t used = 0;
    double density = -1;
    try {
      density = std::stod(text, &used);
    } catch (const std::exception&) {
    }
    if (used != text.size() || !(density > 0 && density <= 1)) {
      throw std::invalid_argument(
          "codedb.max_trigram_density: expected a number in (0, 1] such as 0.35, got '" + text +
          "'");
    }
    settings.skip.max_trigram_density = density;
  }
  return settings;
}

}  // namespace oxd::codedb
