// The plugin's config keys (descriptor in SyncPlugin.cpp), read once at start. The token is not
// here: it is read fresh at every sync (TokenSource.h) so a rotated one works without a restart.
#pragma once

#include <Poco/Util/AbstractConfiguration.h>

#include <chrono>
#include <map>
#include <string>

namespace oxd::sync {

struct SyncSettings {
  std::chrono::milliseconds ledger_interval{std::chrono::minutes(5)};
  std::chrono::milliseconds team_interval{std::chrono::minutes(1)};
  std::chrono::milliseconds network_timeout{std::chrono::seconds(120)};
  int gc_interval_days = 7;  // team-context reclone period (GarbageCollector.h)
  // `team_urls`: clone URLs of team contexts the project file does not give, by team id; used
  // when a heartbeat names the team (TeamDiscovery.h).
  std::map<std::string, std::string> team_urls;
  // `host_tokens`: git tokens by host, preferred over `token` (TokenSource.h).
  std::map<std::string, std::string> host_tokens;

  // A background pull skips the fetch when FETCH_HEAD is younger than this (spec §3.3 step 8,
  // §3.4): another daemon sharing the checkout, or our previous tick, fetched moments ago.
  std::chrono::milliseconds LedgerMinFetchAge() const;
  std::chrono::milliseconds TeamMinFetchAge() const;
};

// Throws std::invalid_argument naming the key when a value is not a positive duration.
SyncSettings ReadSyncSettings(const Poco::Util::AbstractConfiguration& config);

}  // namespace oxd::sync
