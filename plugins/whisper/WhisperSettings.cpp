#include "WhisperSettings.h"

#include <oxd/bytesize.h>
#include <oxd/settings.h>

#include <stdexcept>

namespace oxd::whisper {

WhisperSettings ReadWhisperSettings(const Poco::Util::AbstractConfiguration& config) {
  using std::chrono::minutes;
  WhisperSettings settings;
  settings.retention = sdk::durationSetting(config, "whisper", "retention", settings.retention);
  if (settings.retention.count() == 0) {
    throw std::invalid_argument("whisper.retention: must be longer than 0");
  }
  if (config.hasProperty("max_store_size")) {
    std::string text = config.getString("max_store_size");
    auto bytes = sdk::parseByteSize(text);
    if (!bytes) {
      throw std::invalid_argument(
          "whisper.max_store_size: expected a size such as 64MB or 512KB (0 = no cap), got '" +
          text + "'");
    }
    settings.max_store_bytes = *bytes;
  }
  settings.relay_window =
      sdk::durationSetting(config, "whisper", "relay_window", settings.relay_window);
  settings.new_agent_backlog =
      sdk::durationSetting(config, "whisper", "new_agent_backlog", settings.new_agent_backlog);
  settings.nudge_interval =
      sdk::durationSetting(config, "whisper", "nudge_interval", settings.nudge_interval);
  auto floor = sdk::durationSetting(config, "whisper", "nudge_min_interval", minutes(10));
  if (settings.nudge_interval.count() != 0 && settings.nudge_interval < floor) {
    throw std::invalid_argument(
        "whisper.nudge_interval: at least whisper.nudge_min_interval (10m), or 0 for no nudges");
  }
  settings.activity_interval =
      sdk::durationSetting(config, "whisper", "activity_interval", settings.activity_interval);
  settings.maintenance_interval = sdk::durationSetting(config, "whisper", "maintenance_interval",
                                                       settings.maintenance_interval);
  if (settings.maintenance_interval.count() == 0) {
    throw std::invalid_argument("whisper.maintenance_interval: must be longer than 0");
  }
  settings.file_change_interval = sdk::durationSetting(config, "whisper", "file_change_interval",
                                                       settings.file_change_interval);
  return settings;
}

}  // namespace oxd::whisper
