// The sync plugin: keeps the ledger and the team contexts of the project pulled, in process,
// with libgit2 (the git layer in git/). This file holds the descriptor and the wiring; each part
// lives in its own file (README.md lists them).

#include <oxd/events.h>
#include <oxd/plugin.h>

#include <algorithm>
#include <atomic>
#include <memory>

#include "BackgroundClones.h"
#include "Checkout.h"
#include "CloneSlots.h"
#include "Events.h"
#include "Heartbeats.h"
#include "Messages.h"
#include "RepoSet.h"
#include "RepoStateFiles.h"
#include "SyncEngine.h"
#include "SyncHistory.h"
#include "SyncSettings.h"
#include "TeamDiscovery.h"
#include "gc/GarbageCollector.h"
#include "git/Libgit2Runtime.h"
#include "writes/DaemonWrites.h"

namespace {

// The key table lives with the code that reads it (SyncSettings.h).
constexpr const auto& kKeys = oxd::sync::kSyncKeys;

const oxd::sdk::Descriptor kDescriptor{oxd::sdk::kAbiVersion,
                                       oxd::sdk::kBuildFingerprint,
                                       "sync",
                                       "0.2.0",
                                       "keeps the ledger and team contexts pulled (libgit2)",
                                       kKeys,
                                       sizeof kKeys / sizeof kKeys[0]};

namespace sync = oxd::sync;

class SyncPlugin final : public oxd::sdk::Plugin {
 public:
  // The clone threads call back into engine_: they must be gone before the members are.
  ~SyncPlugin() override { stop(); }

  void start(oxd::sdk::Host& host) override {
    stopping_.store(false);
    oxd::git::EnsureNetworkDeadlines();
    settings_ = sync::ReadSyncSettings(host.config());
    const oxd::sdk::Workspace& workspace = host.workspace();
    std::vector<sync::Repo> repos = sync::RepoSet::FromWorkspace(workspace);
    for (sync::Repo& team :
         sync::TeamDiscovery::Remembered(workspace.workspace_data_dir, settings_.team_urls)) {
      bool known = std::any_of(repos.begin(), repos.end(),
                               [&](const sync::Repo& repo) { return repo.id == team.id; });
      if (!known) repos.push_back(std::move(team));
    }
    // A GC swap a crash interrupted is undone before anything looks at the checkouts.
    sync::GarbageCollector::RecoverLeftovers(repos, host.logger());
    repos_ = std::make_unique<sync::RepoSet>(std::move(repos));
    state_files_ = std::make_unique<sync::RepoStateFiles>(workspace.workspace_data_dir);
    LoadPersistedState();
    const oxd::sdk::Reporting report = host.reporting();
    events_ = std::make_unique<sync::EventPublisher>(host.logger(), host);
    clones_ = std::make_unique<sync::BackgroundClones>(report, *repos_, slots_, *events_,
                                                       [this] { return engine_->Network(); });
    engine_ = std::make_unique<sync::SyncEngine>(
        report, host.metrics(), sync::TokenSource(host, host.config(), settings_.host_tokens),
        settings_, *repos_, history_, *events_, *clones_, *state_files_, stopping_);
    gc_ = std::make_unique<sync::GarbageCollector>(
        report, *repos_, *state_files_, *events_, [this] { return engine_->Network(); },
        settings_.gc_interval_days);
    heartbeats_ = std::make_unique<sync::HeartbeatFiles>(host.logger(), workspace, *repos_);
    // Checkouts may land in the data dir or beside the project (a sibling ledger), never in it.
    sync::RepoPathPolicy policy{{workspace.data_dir, workspace.project_root.parent_path()},
                                {workspace.project_root}};
    checkout_ = std::make_unique<sync::Checkout>(
        report, workspace, *repos_, slots_, *events_, [this] { return engine_->Network(); },
        policy);

    writes_ = std::make_unique<sync::DaemonWrites>(
        report, host, workspace, *repos_, [this] { return engine_->Network(); }, stopping_);
    sync::RegisterMessages(host,
                           {settings_, *repos_, history_, *engine_, *checkout_, *gc_, *writes_});
    discovery_ = std::make_unique<sync::TeamDiscovery>(
        host.logger(), workspace, *repos_, settings_.team_urls, [this](const sync::Repo& team) {
          LoadPersistedState(team);
          engine_->AntiEntropy();  // clones it now, on the clone threads
        });
    oxd::sdk::subscribe<oxd::sdk::TeamSeenEvent>(
        host, [this](const oxd::sdk::TeamSeenEvent& event) { discovery_->OnTeamSeen(event); });
    ScheduleTicks(host);
    // Clone what is missing right away, on the clone threads: start() does not wait for it.
    engine_->AntiEntropy();
  }

  void stop() override {
    stopping_.store(true);  // network operations in flight stop within ~100 ms
    if (clones_) clones_->StopAndJoin();
    if (writes_) writes_->Stop();
  }

 private:
  // last_sync and last_gc from the state files, so a restart shows them and is not "due".
  void LoadPersistedState() {
    for (const sync::Repo& repo : repos_->repos()) LoadPersistedState(repo);
  }
  void LoadPersistedState(const sync::Repo& repo) {
    sync::SyncStateFile synced = state_files_->LoadSync(repo.id);
    sync::Clock::time_point last_gc = state_files_->LoadLastGc(repo.id);
    repos_->Update(repo.id, [&](sync::RepoRuntime& state) {
      state.last_sync = synced.last_sync;
      state.last_gc = last_gc;
    });
  }

  void ScheduleTicks(oxd::sdk::Host& host) {
    using std::chrono::milliseconds;
    // Nothing to sync, nothing scheduled: an idle daemon stays idle. Tasks can only be scheduled
    // in start(): teams a heartbeat brings later ride on the team task when there is one (there
    // is whenever `team_urls` is set), else on the ledger's.
    bool team_task =
        !repos_->OfType(sync::kTeamContextType).empty() || !settings_.team_urls.empty();
    if (repos_->Find("ledger")) {
      oxd::sdk::TaskSchedule ledger;
      ledger.interval = settings_.ledger_interval;
      ledger.jitter =
          std::min<milliseconds>(settings_.ledger_interval / 10, std::chrono::seconds(30));
      host.every("ledger", ledger, [this, team_task](const oxd::sdk::StopToken&) {
        engine_->AntiEntropy();
        engine_->SyncLedger(sync::SyncMode::kBackground, {});
        if (!team_task && !repos_->OfType(sync::kTeamContextType).empty()) {
          engine_->SyncTeams(sync::SyncMode::kBackground, {});
        }
      });
    }
    if (team_task) {
      oxd::sdk::TaskSchedule teams;
      teams.interval = settings_.team_interval;
      teams.jitter = std::min<milliseconds>(settings_.team_interval / 10, std::chrono::seconds(10));
      teams.initial_delay = std::chrono::seconds(5);  // after the ledger's first pull
      host.every("team", teams, [this](const oxd::sdk::StopToken&) {
        engine_->AntiEntropy();
        engine_->SyncTeams(sync::SyncMode::kBackground, {});
      });
      // The GC due-check is cheap (no git unless due); hourly, first one after 15 min.
      oxd::sdk::TaskSchedule gc;
      gc.interval = std::chrono::hours(1);
      gc.jitter = std::chrono::minutes(5);
      gc.initial_delay = std::chrono::minutes(15);
      host.every("gc", gc, [this](const oxd::sdk::StopToken&) { gc_->RunDue(); });
    }
    if (!host.workspace().repo_id.empty() && !repos_->repos().empty()) {
      // docs/behavior.md#heartbeat-files: at start (written by start() itself: a task due at once
      // can be dispatched before the plugin's gate opens, and is then skipped until its next
      // period), then every 5 minutes.
      heartbeats_->WriteAll();
      oxd::sdk::TaskSchedule heartbeat;
      heartbeat.interval = std::chrono::minutes(5);
      heartbeat.initial_delay = heartbeat.interval;
      host.every("heartbeat", heartbeat,
                 [this](const oxd::sdk::StopToken&) { heartbeats_->WriteAll(); });
    }
  }

  std::atomic<bool> stopping_{false};
  sync::SyncSettings settings_;
  sync::SyncHistory history_;
  sync::CloneSlots slots_;
  std::unique_ptr<sync::RepoSet> repos_;
  std::unique_ptr<sync::RepoStateFiles> state_files_;
  std::unique_ptr<sync::EventPublisher> events_;
  std::unique_ptr<sync::BackgroundClones> clones_;
  std::unique_ptr<sync::SyncEngine> engine_;
  std::unique_ptr<sync::Checkout> checkout_;
  std::unique_ptr<sync::DaemonWrites> writes_;  // murmur, session_finalize, session watches
  std::unique_ptr<sync::GarbageCollector> gc_;
  std::unique_ptr<sync::HeartbeatFiles> heartbeats_;
  std::unique_ptr<sync::TeamDiscovery> discovery_;
};

}  // namespace

OXD_PLUGIN(kDescriptor, SyncPlugin)
