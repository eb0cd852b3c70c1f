// The codedb plugin's config section ([codedb] in oxd.ini; kCodedbKeys is the descriptor's
// table), parsed and checked once at start.
#pragma once

#include <oxd/descriptor.h>

#include <Poco/Util/AbstractConfiguration.h>

#include <chrono>
#include <cstdint>

#include "extract/SkipRules.h"

namespace oxd::codedb {

inline constexpr sdk::ConfigKey kCodedbKeys[] = {
    {.name = "check_interval",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "5m",
     .help = "how often the project's HEAD is compared with the indexed one (0: start, overlay, "
             "code_index only)"},
    {.name = "ledger_check_interval",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "5m",
     .help = "the same for the ledger's index, besides every pull of the ledger (0: pulls only)"},
    {.name = "settle",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "100ms",
     .min = "1ms",
     .max = "1m",
     .help = "file events are collapsed until this long passes without one"},
    {.name = "overlay",
     .kind = sdk::ConfigKind::Bool,
     .default_value = "true",
     .help = "merge the working tree's uncommitted changes into searches (inotify)"},
    {.name = "max_file_size",
     .kind = sdk::ConfigKind::ByteSize,
     .default_value = "1MB",
     .min = "1KB",
     .max = "1GB",
     .help = "larger files are not indexed (their path still is)"},
    {.name = "max_trigram_density",
     .kind = sdk::ConfigKind::Double,
     .default_value = "0.35",
     .min = "0.01",
     .max = "1",
     .help = "files with more distinct trigrams per byte are data, not code: not indexed"},
};

// Defaults: kCodedbKeys.
struct CodedbSettings {
  // How often the project's HEAD fingerprint is compared with the last indexed one (0: only
  // at start, on code_index and when the overlay sees HEAD move).
  std::chrono::nanoseconds check_interval{};
  // The same for the ledger's index (besides every repo.pulled of the ledger); 0: pulls only.
  std::chrono::nanoseconds ledger_check_interval{};
  // File events are collapsed until this long passes with none.
  std::chrono::nanoseconds settle{};
  bool overlay = false;  // the dirty overlay of the working tree (inotify)
  SkipOptions skip;      // max_file_size, max_unique_trigram_ratio…
};

// Throws std::invalid_argument naming the key and the value on anything malformed.
CodedbSettings ReadCodedbSettings(const Poco::Util::AbstractConfiguration& config);

}  // namespace oxd::codedb
