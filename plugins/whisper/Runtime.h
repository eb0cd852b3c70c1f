// What the plugin's parts share while it runs: the host services they use, the settings, the
// stores, the local agents, the relay and the status board. Built in WhisperPlugin::start(),
// destroyed after stop(); every member is thread-safe on its own.
#pragma once

#include <oxd/disk_issue.h>
#include <oxd/host.h>

#include <memory>
#include <mutex>
#include <string>

#include "LocalAgents.h"
#include "MurmurRelay.h"
#include "StoreSet.h"
#include "WhisperSettings.h"

namespace oxd::whisper {

// Facts the status section shows and the sources compare against; all times 0 = never.
struct StatusBoard {
  Nanos last_relay = 0;
  std::string last_relay_repo;
  int last_relay_count = 0;
  std::int64_t relayed_total = 0;
  Nanos last_maintenance = 0;
  std::int64_t last_maintenance_pruned = 0;
  std::int64_t nudges_sent = 0;
  std::int64_t activity_sent = 0;
  Nanos last_ledger_sync = 0;  // from sync.complete events
};

struct Runtime {
  Runtime(sdk::Reporting reporting_to, sdk::Caller& calls_to, sdk::Publisher& publisher_to,
          sdk::Metrics& metrics_ref, const sdk::Workspace& workspace_ref,
          WhisperSettings settings_value)
      : reporting(reporting_to),
        calls(calls_to),
        publisher(publisher_to),
        metrics(metrics_ref),
        workspace(workspace_ref),
        settings(settings_value),
        deliveries(metrics.counter("oxd_whisper_deliveries_total",
                                   "Whisper entries handed to agents by `whispers`.")),
        disk(reporting.issues, "whisper") {}

  sdk::Reporting reporting;
  sdk::Caller& calls;         // instances (active agents) and the sync plugin's murmur
  sdk::Publisher& publisher;  // whispers.delivered (the core stamps instances[].last_whisper)
  sdk::Metrics& metrics;
  const sdk::Workspace& workspace;
  const WhisperSettings settings;
  sdk::Counter& deliveries;
  sdk::DiskIssues disk;  // disk_full / read_only of the stores' dir
  std::unique_ptr<StoreSet> stores;
  std::unique_ptr<LocalAgents> agents;
  std::unique_ptr<MurmurRelay> relay;

  template <typename Change>
  void UpdateBoard(Change&& change) {
    std::lock_guard lock(board_mutex_);
    change(board_);
  }
  StatusBoard Board() const {
    std::lock_guard lock(board_mutex_);
    return board_;
  }
  CreatedAtClock Clock() {
    return [this] { return stores->NextCreatedAt(); };
  }

 private:
  mutable std::mutex board_mutex_;
  StatusBoard board_;
};

}  // namespace oxd::whisper
