#include "oxctl/status/Health.h"

namespace oxd::cli::status {

Health assessHealth(const StatusView& view, TimePoint now) {
  Health health = Health::Healthy;
  auto raise = [&](Health level) {
    if (static_cast<int>(level) > static_cast<int>(health)) health = level;
  };
  if (view.recent_error_count >= 5) raise(Health::Critical);
  if (view.recent_error_count > 0) raise(Health::Warning);
  if (view.last_sync && !isZero(*view.last_sync) && view.sync_interval_ns > 0 &&
      now - *view.last_sync > 2 * std::chrono::nanoseconds(view.sync_interval_ns)) {
    raise(Health::Critical);
  }
  for (const IssueView& issue : view.issues) {
    raise(severityRank(issue.severity) >= 3 ? Health::Critical : Health::Warning);
  }
  return health;
}

const char* healthWord(Health health) {
  switch (health) {
    case Health::Healthy:
      return "Healthy";
    case Health::Warning:
      return "Warning";
    case Health::Critical:
      return "Critical";
  }
  return "Critical";
}

const char* healthIcon(Health health) {
  switch (health) {
    case Health::Healthy:
      return "●";
    case Health::Warning:
      return "◐";
    case Health::Critical:
      return "○";
  }
  return "○";
}

const char* healthKey(Health health) {
  switch (health) {
    case Health::Healthy:
      return "healthy";
    case Health::Warning:
      return "warning";
    case Health::Critical:
      return "critical";
  }
  return "critical";
}

RepoState repoState(const WorkspaceView& workspace) {
  if (!workspace.exists) return RepoState::NotCloned;
  if (!workspace.last_error.empty()) return RepoState::Error;
  if (workspace.syncing) return RepoState::Syncing;
  if (isZero(workspace.last_sync)) return RepoState::NotSynced;
  return RepoState::Synced;
}

const char* repoStateKey(RepoState state) {
  switch (state) {
    case RepoState::NotCloned:
      return "not_cloned";
    case RepoState::Error:
      return "error";
    case RepoState::Syncing:
      return "syncing";
    case RepoState::NotSynced:
      return "not_synced";
    case RepoState::Synced:
      return "synced";
  }
  return "error";
}

std::optional<std::chrono::nanoseconds> gcRemaining(const WorkspaceView& workspace, TimePoint now) {
  if (isZero(workspace.last_gc)) return std::nullopt;
  int days = workspace.gc_interval_days > 0 ? workspace.gc_interval_days : 7;
  auto remaining = std::chrono::duration_cast<std::chrono::nanoseconds>(
      workspace.last_gc + std::chrono::hours(24) * days - now);
  if (remaining <= std::chrono::nanoseconds::zero()) return std::nullopt;
  return remaining;
}

}  // namespace oxd::cli::status
