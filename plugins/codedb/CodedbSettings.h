// The codedb plugin's config section ([codedb] in oxd.ini), parsed and checked once at start.
#pragma once

#include <Poco/Util/AbstractConfiguration.h>

#include <chrono>
#include <cstdint>

#include "extract/SkipRules.h"

namespace oxd::codedb {

struct CodedbSettings {
  // How often the project's HEAD fingerprint is compared with the last indexed one (0: only
  // at start, on code_index and when the overlay sees HEAD move).
  std::chrono::nanoseconds check_interval = std::chrono::minutes(5);
  // The same for the ledger's index (besides every repo.pulled of the ledger); 0: pulls only.
  std::chrono::nanoseconds ledger_check_interval = std::chrono::minutes(5);
  // File events are collapsed until this long passes with none.
  std::chrono::nanoseconds settle = std::chrono::milliseconds(100);
  bool overlay = true;  // the dirty overlay of the working tree (inotify)
  SkipOptions skip;     // max_file_size, max_unique_trigram_ratio…
};

// Throws std::invalid_argument naming the key and the value on anything malformed.
CodedbSettings ReadCodedbSettings(const Poco::Util::AbstractConfiguration& config);

}  // namespace oxd::codedb
