#include "SyncSettings.h"

#include <oxd/settings.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>

namespace oxd::sync {

namespace {

// HOST=x / TEAM_ID=y entries → {HOST: x}. `shown` is how the error names a bad entry: token
// values must not appear in it.
std::map<std::string, std::string> KeyValueEntries(
    const sdk::Settings& settings, const std::string& key, const std::string& form,
    const std::function<std::string(const std::string& entry, int index)>& shown) {
  std::map<std::string, std::string> entries;
  int index = 0;
  for (const std::string& entry : settings.list(key)) {
    ++index;
    std::size_t equals = entry.find('=');
    if (equals == 0 || equals == std::string::npos || equals + 1 == entry.size()) {
      throw settings.invalid(key, "expected " + form + " entries, got " + shown(entry, index));
    }
    entries[entry.substr(0, equals)] = entry.substr(equals + 1);
  }
  return entries;
}

std::chrono::milliseconds Milliseconds(std::chrono::nanoseconds duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration);
}

}  // namespace

std::chrono::milliseconds SyncSettings::LedgerMinFetchAge() const {
  return std::max<std::chrono::milliseconds>(ledger_interval / 2, std::chrono::minutes(2));
}

std::chrono::milliseconds SyncSettings::TeamMinFetchAge() const {
  return std::max<std::chrono::milliseconds>(team_interval / 2, std::chrono::minutes(5));
}

SyncSettings ReadSyncSettings(const Poco::Util::AbstractConfiguration& config) {
  sdk::Settings read(config, "sync", kSyncKeys);
  SyncSettings settings;
  settings.ledger_interval = Milliseconds(read.duration("interval"));
  settings.team_interval = Milliseconds(read.duration("team_interval"));
  settings.network_timeout = Milliseconds(read.duration("network_timeout"));
  // The range check keeps it within int: at least 1, and days beyond 2^31 mean "never".
  settings.gc_interval_days = static_cast<int>(
      std::min<std::int64_t>(read.integer("gc_interval_days"), std::numeric_limits<int>::max()));
  settings.team_urls =
      KeyValueEntries(read, "team_urls", "TEAM_ID=URL",
                      [](const std::string& entry, int) { return "'" + entry + "'"; });
  settings.host_tokens =
      KeyValueEntries(read, "host_tokens", "HOST=TOKEN", [](const std::string&, int index) {
        return "entry " + std::to_string(index) + " (value not shown)";
      });
  return settings;
}

}  // namespace oxd::sync
