#pragma once
// Judgements the text and JSON views share, so both always agree: overall health
// (docs/behavior.md#oxctl-status), the state of one synced repository
// (docs/behavior.md#oxctl-status) and when its GC reclone is due.

#include <chrono>
#include <optional>
#include <string>

#include "oxctl/status/StatusView.h"

namespace oxd::cli::status {

enum class Health { Healthy, Warning, Critical };

// docs/behavior.md#oxctl-status: Critical when recent_error_count ≥ 5 or last_sync is non-zero and
// older than 2 × sync_interval_read; Warning when recent_error_count > 0; else Healthy. Beyond the
// Go rule, open issues count too (the view must not say "Healthy" above an issue list): a critical
// issue makes it Critical, any other issue at least Warning.
Health assessHealth(const StatusView& view, TimePoint now);
const char* healthWord(Health health);  // "Healthy" | "Warning" | "Critical"
const char* healthIcon(Health health);  // "●" | "◐" | "○"
const char* healthKey(Health health);   // "healthy" | "warning" | "critical" (JSON)

enum class RepoState { NotCloned, Error, Syncing, NotSynced, Synced };

// First match wins, in the order of the Go `ox` view: not exists, last_error, syncing, zero
// last_sync.
RepoState repoState(const WorkspaceView& workspace);
const char* repoStateKey(RepoState state);  // JSON: not_cloned, error, syncing, not_synced, synced

// Time left until the GC reclone is due; nullopt when it is due now (never GC'd, or the
// interval — gc_interval_days, 7 when unset — has passed).
std::optional<std::chrono::nanoseconds> gcRemaining(const WorkspaceView& workspace, TimePoint now);

}  // namespace oxd::cli::status
