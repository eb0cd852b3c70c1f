#include "WhisperSettings.h"

#include <oxd/settings.h>

namespace oxd::whisper {

WhisperSettings ReadWhisperSettings(const Poco::Util::AbstractConfiguration& config) {
  sdk::Settings read(config, "whisper", kWhisperKeys);
  WhisperSettings settings;
  settings.retention = read.duration("retention");
  settings.max_store_bytes = read.bytes("max_store_size");
  settings.relay_window = read.duration("relay_window");
  settings.new_agent_backlog = read.duration("new_agent_backlog");
  settings.nudge_interval = read.duration("nudge_interval");
  auto floor = read.duration("nudge_min_interval");
  if (settings.nudge_interval.count() != 0 && settings.nudge_interval < floor) {
    throw read.invalid("nudge_interval", "at least whisper.nudge_min_interval, or 0 for no nudges");
  }
  settings.activity_interval = read.duration("activity_interval");
  settings.maintenance_interval = read.duration("maintenance_interval");
  settings.file_change_interval = read.duration("file_change_interval");
  return settings;
}

}  // namespace oxd::whisper
