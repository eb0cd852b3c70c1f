#include "SyncSettings.h"

#include <oxd/duration.h>

#include <algorithm>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>

namespace oxd::sync {

namespace {

std::chrono::milliseconds PositiveDuration(const Poco::Util::AbstractConfiguration& config,
                                           const std::string& key, const std::string& fallback) {
  std::string text = config.getString(key, fallback);
  auto duration = sdk::parseDuration(text);
  if (!duration || duration->count() <= 0) {
    throw std::invalid_argument("[sync] " + key + ": expected a positive duration, got '" + text +
                                "'");
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(*duration);
}

// "a=x b=y" (spaces or commas between entries) → {a: x, b: y}. `shown` is how the error names
// a bad entry: token values must not appear in it.
std::map<std::string, std::string> KeyValueEntries(
    const std::string& key, const std::string& text, const std::string& form,
    const std::function<std::string(const std::string& entry, int index)>& shown) {
  std::map<std::string, std::string> entries;
  std::string spaced = text;
  std::replace(spaced.begin(), spaced.end(), ',', ' ');
  std::istringstream words(spaced);
  std::string entry;
  for (int index = 1; words >> entry; ++index) {
    std::size_t equals = entry.find('=');
    if (equals == 0 || equals == std::string::npos || equals + 1 == entry.size()) {
      throw std::invalid_argument("[sync] " + key + ": expected " + form + " entries, got " +
                                  shown(entry, index));
    }
    entries[entry.substr(0, equals)] = entry.substr(equals + 1);
  }
  return entries;
}

}  // namespace

std::chrono::milliseconds SyncSettings::LedgerMinFetchAge() const {
  return std::max<std::chrono::milliseconds>(ledger_interval / 2, std::chrono::minutes(2));
}

std::chrono::milliseconds SyncSettings::TeamMinFetchAge() const {
  return std::max<std::chrono::milliseconds>(team_interval / 2, std::chrono::minutes(5));
}

SyncSettings ReadSyncSettings(const Poco::Util::AbstractConfiguration& config) {
  SyncSettings settings;
  settings.ledger_interval = PositiveDuration(config, "interval", "5m");
  settings.team_interval = PositiveDuration(config, "team_interval", "1m");
  settings.network_timeout = PositiveDuration(config, "network_timeout", "120s");
  std::string days = config.getString("gc_interval_days", "7");
  try {
    std::size_t used = 0;
    settings.gc_interval_days = std::stoi(days, &used);
    if (used != days.size() || settings.gc_interval_days <= 0) throw std::invalid_argument(days);
  } catch (const std::exception&) {
    throw std::invalid_argument(
        "[sync] gc_interval_days: expected a positive number of days, got '" + days + "'");
  }
  settings.team_urls =
      KeyValueEntries("team_urls", config.getString("team_urls", ""), "TEAM_ID=URL",
                      [](const std::string& entry, int) { return "'" + entry + "'"; });
  settings.host_tokens =
      KeyValueEntries("host_tokens", config.getString("host_tokens", ""), "HOST=TOKEN",
                      [](const std::string&, int index) {
                        return "entry " + std::to_string(index) + " (value not shown)";
                      });
  return settings;
}

}  // namespace oxd::sync
