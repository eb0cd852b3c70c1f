#include "CodedbSettings.h"

#include <oxd/settings.h>

namespace oxd::codedb {

CodedbSettings ReadCodedbSettings(const Poco::Util::AbstractConfiguration& config) {
  sdk::Settings read(config, "codedb", kCodedbKeys);
  CodedbSettings settings;
  settings.check_interval = read.duration("check_interval");
  settings.ledger_check_interval = read.duration("ledger_check_interval");
  settings.settle = read.duration("settle");
  settings.overlay = read.flag("overlay");
  settings.skip.max_bytes = static_cast<std::size_t>(read.bytes("max_file_size"));
  settings.skip.max_trigram_density = read.number("max_trigram_density");
  return settings;
}

}  // namespace oxd::codedb
