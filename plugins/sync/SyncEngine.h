// What a sync does around one PullJob: backoff (sync_backoff issue), one pull per repo at a time,
// history, events, errors and the per-repo state shown in status — and the three entry points
// the scheduler and the messages share: the ledger sync, the team sync and anti-entropy.
// Thread-safe; every call runs on the caller's (worker) thread and may block on the network.
#pragma once

#include <oxd/host.h>

#include <atomic>
#include <optional>
#include <string>

#include "BackgroundClones.h"
#include "Events.h"
#include "PullJob.h"
#include "RepoSet.h"
#include "RepoStateFiles.h"
#include "SyncHistory.h"
#include "SyncSettings.h"
#include "TokenSource.h"

namespace oxd::sync {

class SyncEngine {
 public:
  SyncEngine(sdk::Reporting report, sdk::Metrics& metrics, TokenSource tokens,
             const SyncSettings& settings, RepoSet& repos, SyncHistory& history,
             EventPublisher& events, BackgroundClones& clones, RepoStateFiles& state_files,
             const std::atomic<bool>& stopping);

  // The ledger pull (docs/behavior.md#pull). An error message for the `sync` reply, or nullopt on
  // success (skips included).
  std::optional<std::string> SyncLedger(SyncMode mode, const StageSink& stages);
  // Every team context (docs/behavior.md#team-sync), with its stage lines; per-team failures are
  // stages only.
  void SyncTeams(SyncMode mode, const StageSink& stages);
  // Starts a background clone of each missing repo that has a URL; returns how many started.
  int AntiEntropy(bool honour_backoff = true);

  // Deadline, current token and the stop flag for one network operation.
  git::NetworkOptions Network() const;

 private:
  PullResult SyncRepo(const Repo& repo, SyncMode mode, const StageSink& stages);
  void RecordSuccess(const Repo& repo, const PullResult& result);
  void RecordFailure(const Repo& repo, const PullResult& result);
  void CountSync(const Repo& repo, const PullResult& result);

  sdk::Reporting report_;
  sdk::Metrics& metrics_;
  const SyncSettings& settings_;
  RepoSet& repos_;
  SyncHistory& history_;
  EventPublisher& events_;
  BackgroundClones& clones_;
  RepoStateFiles& state_files_;  // sync-state.json of each repo
  TokenSource tokens_;
  const std::atomic<bool>& stopping_;
};

}  // namespace oxd::sync
