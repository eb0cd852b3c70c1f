#include "SyncStatus.h"

#include <oxd/json.h>

#include "git/GitError.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace oxd::sync {

namespace {

Poco::JSON::Object::Ptr WorkspaceJson(const Repo& repo, const RepoRuntime& state,
                                      int gc_interval_days) {
  Poco::JSON::Object::Ptr item = new Poco::JSON::Object(true);
  item->set("id", repo.id);
  item->set("type", repo.type);
  item->set("path", repo.path.string());
  if (!repo.url.empty()) item->set("clone_url", git::SanitizeCredentials(repo.url));
  item->set("exists", state.exists);
  if (!repo.is_ledger()) {
    item->set("team_id", repo.id);
    item->set("team_name", repo.name);
    if (!repo.team_slug.empty()) item->set("team_slug", repo.team_slug);
  }
  item->set("last_sync", sdk::formatTime(state.last_sync));
  if (!state.last_error.empty()) item->set("last_error", state.last_error);
  if (state.syncing) item->set("syncing", true);
  if (state.cloning) item->set("cloning", true);
  if (state.pull_backoff.failures() > 0) {
    item->set("consecutive_failures", state.pull_backoff.failures());
    item->set("next_attempt", sdk::formatTime(state.pull_backoff.next_attempt()));
  }
  item->set("last_gc_time", sdk::formatTime(state.last_gc));
  // Only team contexts are GC'd (GarbageCollector.h).
  if (!repo.is_ledger()) {
    item->set("gc_interval_days",
              repo.gc_interval_days > 0 ? repo.gc_interval_days : gc_interval_days);
  }
  // Go time.Duration convention: nanoseconds.
  if (repo.interval.count() > 0) item->set("sync_interval", sdk::toNanoseconds(repo.interval));
  return item;
}

}  // namespace

Poco::JSON::Array::Ptr HistoryJson(const SyncHistory& history) {
  Poco::JSON::Array::Ptr events = sdk::emptyList();
  for (const SyncEvent& event : history.Events()) {
    Poco::JSON::Object::Ptr item = new Poco::JSON::Object(true);
    item->set("time", sdk::formatTime(event.time));
    item->set("type", event.type);
    item->set("workspace_id", event.workspace_id);
    item->set("duration", sdk::toNanoseconds(event.duration));
    item->set("files_changed", event.files_changed);
    events->add(item);
  }
  return events;
}

Poco::Dynamic::Var LastSyncSection(const RepoSet& repos) {
  return sdk::formatTime(repos.State("ledger").last_sync);
}

Poco::Dynamic::Var SyncIntervalSection(const SyncSettings& settings) {
  return sdk::toNanoseconds(std::chrono::nanoseconds(settings.ledger_interval));
}

Poco::Dynamic::Var TotalSyncsSection(const SyncHistory& history) {
  return static_cast<int>(history.Stats(Clock::now()).total);
}

Poco::Dynamic::Var SyncsLastHourSection(const SyncHistory& history) {
  return static_cast<int>(history.Stats(Clock::now()).last_hour);
}

Poco::Dynamic::Var AvgSyncTimeSection(const SyncHistory& history) {
  return sdk::toNanoseconds(history.Stats(Clock::now()).average);
}

Poco::Dynamic::Var P95SyncTimeSection(const SyncHistory& history) {
  return sdk::toNanoseconds(history.Stats(Clock::now()).p95);
}

Poco::Dynamic::Var WorkspacesSection(const RepoSet& repos, int gc_interval_days) {
  Poco::JSON::Array::Ptr ledgers = sdk::emptyList();
  Poco::JSON::Array::Ptr teams = sdk::emptyList();
  for (const Repo& repo : repos.repos()) {
    (repo.is_ledger() ? ledgers : teams)
        ->add(WorkspaceJson(repo, repos.State(repo.id), gc_interval_days));
  }
  Poco::JSON::Object::Ptr workspaces = new Poco::JSON::Object(true);
  workspaces->set(kLedgerType, ledgers);
  workspaces->set(kTeamContextType, teams);
  return workspaces;
}

}  // namespace oxd::sync
