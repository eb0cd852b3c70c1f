// The plugin's messages (spec §1.5; payloads and replies there):
//   sync          ST  ledger pull, manual mode (clears backoff); stages skipped / cloning /
//                     fetching / pulling / complete; error "ledger fetch failed: …" etc.
//   team_sync     ST  every team context; stages starting / syncing / skipped / cloning /
//                     synced / error / complete; success even when a team failed
//   sync_history  RR  {"events":[{time, type, workspace_id, duration(ns), files_changed}]}
//   checkout      ST  {repo_path, clone_url, repo_type} → {path, already_exists, cloned}
// and the doctor hook: anti-entropy now → {anti_entropy_triggered:true, clones_triggered:N}.
// The one-way murmur / session_finalize / session_watch_start / session_watch_stop are
// registered by DaemonWrites.h.
#pragma once

#include <oxd/host.h>

#include "Checkout.h"
#include "SyncEngine.h"
#include "SyncHistory.h"

namespace oxd::sync {

void RegisterMessages(sdk::Host& host, SyncEngine& engine, Checkout& checkout,
                      const SyncHistory& history);

}  // namespace oxd::sync
