// The plugin's config keys (the descriptor's table, in SyncPlugin.cpp, is kSyncKeys), read once
// at start. The token is not read here: it is read fresh at every sync (TokenSource.h) so a
// rotated one works without a restart.
#pragma once

#include <oxd/descriptor.h>

#include <Poco/Util/AbstractConfiguration.h>

#include <chrono>
#include <map>
#include <string>

namespace oxd::sync {

inline constexpr sdk::ConfigKey kSyncKeys[] = {
    {.name = "interval",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "5m",
     .min = "1s",
     .help = "how often the ledger is pulled (and missing repos cloned)"},
    {.name = "team_interval",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "1m",
     .min = "1s",
     .help = "how often the team contexts are pulled"},
    {.name = "network_timeout",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "120s",
     .min = "1s",
     .help = "deadline of one fetch, ref listing or clone"},
    {.name = "token",
     .kind = sdk::ConfigKind::String,
     .help = "git access token when no heartbeat brought one (else $OXD_GIT_TOKEN)"},
    {.name = "host_tokens",
     .kind = sdk::ConfigKind::List,
     .help = "HOST=TOKEN entries: git tokens by host, preferred over token"},
    {.name = "gc_interval_days",
     .kind = sdk::ConfigKind::Int,
     .default_value = "7",
     .min = "1",
     .help = "days between blue-green reclones of each team context"},
    {.name = "team_urls",
     .kind = sdk::ConfigKind::List,
     .help = "TEAM_ID=URL entries: where to clone a team a heartbeat names and the project file "
             "does not"},
};

// Defaults: kSyncKeys.
struct SyncSettings {
  std::chrono::milliseconds ledger_interval{};
  std::chrono::milliseconds team_interval{};
  std::chrono::milliseconds network_timeout{};
  int gc_interval_days = 0;  // team-context reclone period (GarbageCollector.h)
  // `team_urls`: clone URLs of team contexts the project file does not give, by team id; used
  // when a heartbeat names the team (TeamDiscovery.h).
  std::map<std::string, std::string> team_urls;
  // `host_tokens`: git tokens by host, preferred over `token` (TokenSource.h).
  std::map<std::string, std::string> host_tokens;

  // A background pull skips the fetch when FETCH_HEAD is younger than this (docs/behavior.md#pull,
  // docs/behavior.md#team-sync): another daemon sharing the checkout, or our previous tick, fetched
  // moments ago.
  std::chrono::milliseconds LedgerMinFetchAge() const;
  std::chrono::milliseconds TeamMinFetchAge() const;
};

// Throws std::invalid_argument naming the key ("sync.interval: …") when a value is not of its
// key's kind and range, or a list entry is malformed.
SyncSettings ReadSyncSettings(const Poco::Util::AbstractConfiguration& config);

}  // namespace oxd::sync
