// The plugin's part of `status` (docs/protocol.md#status). The core merges each status section at
// the top level of the reply under the section's name (core/daemon/StatusReport.cpp: a key the core
// already set wins), so each top-level field is its own section:
//   last_sync, sync_interval_read, total_syncs, syncs_last_hour, avg_sync_time, p95_sync_time,
//   workspaces {"ledger":[W], "team-context":[W]}
// recent_error_count / last_error / last_error_time come from the core's error store, which the
// plugin feeds through Host::errors(). Providers only read in-memory state (no git, no disk).
#pragma once

#include <oxd/host.h>

#include <Poco/JSON/Array.h>

#include "RepoSet.h"
#include "SyncHistory.h"
#include "SyncSettings.h"

namespace oxd::sync {

// The sections' providers (registered by Messages.cpp).
Poco::Dynamic::Var LastSyncSection(const RepoSet& repos);
Poco::Dynamic::Var SyncIntervalSection(const SyncSettings& settings);
Poco::Dynamic::Var TotalSyncsSection(const SyncHistory& history);
Poco::Dynamic::Var SyncsLastHourSection(const SyncHistory& history);
Poco::Dynamic::Var AvgSyncTimeSection(const SyncHistory& history);
Poco::Dynamic::Var P95SyncTimeSection(const SyncHistory& history);
Poco::Dynamic::Var WorkspacesSection(const RepoSet& repos, int gc_interval_days);

// [{time, type, workspace_id, duration(ns), files_changed}] oldest first: a bare array of
// SyncEvent, as the original's client decodes it (docs/protocol.md#sync_history).
Poco::JSON::Array::Ptr HistoryJson(const SyncHistory& history);

}  // namespace oxd::sync
