// Everything the plugin registers with the host, in one table (Messages.cpp):
//   sync          ST  ledger pull, manual mode (clears backoff); stages skipped / cloning /
//                     fetching / pulling / complete; error "ledger fetch failed: …" etc.
//   team_sync     ST  every team context; stages starting / syncing / skipped / cloning /
//                     synced / error / complete; success even when a team failed
//   sync_history  RR  [{time, type, workspace_id, duration(ns), files_changed}]
//   checkout      ST  sdk::CheckoutRequest {repo_path, clone_url, repo_type} →
//                     {path, already_exists, cloned}
//   trigger_gc    RR  GcMessages.h
//   ledger_write  RR  sdk::LedgerWriteRequest {files, message, theirs_prefix} (in process, from
//                     the github plugin) → {committed, pushed, commit, error}; ledger.changed
//   murmur, session_finalize, session_watch_start, session_watch_stop   one-way, DaemonWrites.h
// the status sections of SyncStatus.h, and the doctor hook: anti-entropy now →
// {anti_entropy_triggered:true, clones_triggered:N}. Payloads and replies: docs/protocol.md.5.
#pragma once

#include <oxd/host.h>

#include "Checkout.h"
#include "RepoSet.h"
#include "SyncEngine.h"
#include "SyncHistory.h"
#include "SyncSettings.h"
#include "gc/GarbageCollector.h"
#include "writes/DaemonWrites.h"

namespace oxd::sync {

// The parts the messages reach; each outlives the plugin's registrations.
struct MessageParts {
  const SyncSettings& settings;
  const RepoSet& repos;
  const SyncHistory& history;
  SyncEngine& engine;
  Checkout& checkout;
  GarbageCollector& gc;
  DaemonWrites& writes;
};

void RegisterMessages(sdk::Host& host, const MessageParts& parts);

}  // namespace oxd::sync
