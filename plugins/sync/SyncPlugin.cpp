// The sync plugin: keeps the ledger and the team contexts of the project pulled, in process,
// with libgit2 (the git layer in git/). This file holds the descriptor and the wiring; each part
// lives in its own file (README.md lists them).

#include <oxd/plugin.h>

#include <algorithm>
#include <atomic>
#include <memory>

#include "BackgroundClones.h"
#include "Checkout.h"
#include "CloneSlots.h"
#include "Events.h"
#include "Messages.h"
#include "RepoSet.h"
#include "SyncEngine.h"
#include "SyncHistory.h"
#include "SyncSettings.h"
#include "SyncStatus.h"
#include "git/Libgit2Runtime.h"

namespace {

const oxd::sdk::ConfigKey kKeys[] = {
    {"interval", "5m", "how often the ledger is pulled (and missing repos cloned)"},
    {"team_interval", "1m", "how often the team contexts are pulled"},
    {"network_timeout", "120s", "deadline of one fetch, ref listing or clone"},
    {"token", "", "git access token when no heartbeat brought one (else $OXD_GIT_TOKEN)"},
};

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
    sync::git::EnsureLibgit2();
    settings_ = sync::ReadSyncSettings(host.config());
    const oxd::sdk::Workspace& workspace = host.workspace();
    repos_ = std::make_unique<sync::RepoSet>(sync::RepoSet::FromWorkspace(workspace));
    events_ = std::make_unique<sync::EventPublisher>(host);
    clones_ = std::make_unique<sync::BackgroundClones>(host, *repos_, slots_, *events_,
                                                       [this] { return engine_->Network(); });
    engine_ = std::make_unique<sync::SyncEngine>(host, settings_, *repos_, history_, *events_,
                                                 *clones_, stopping_);
    // Checkouts may land in the data dir or beside the project (a sibling ledger), never in it.
    sync::RepoPathPolicy policy{{workspace.data_dir, workspace.project_root.parent_path()},
                                {workspace.project_root}};
    checkout_ = std::make_unique<sync::Checkout>(
        host, *repos_, slots_, *events_, [this] { return engine_->Network(); }, policy);

    sync::RegisterMessages(host, *engine_, *checkout_, history_);
    sync::RegisterStatusSections(host, settings_, *repos_, history_);
    ScheduleTicks(host);
    // Clone what is missing right away, on the clone threads: start() does not wait for it.
    engine_->AntiEntropy();
  }

  void stop() override {
    stopping_.store(true);  // network operations in flight stop within ~100 ms
    if (clones_) clones_->StopAndJoin();
  }

 private:
  void ScheduleTicks(oxd::sdk::Host& host) {
    using std::chrono::milliseconds;
    // Nothing to sync, nothing scheduled: an idle daemon stays idle.
    if (repos_->Find("ledger")) {
      oxd::sdk::TaskSchedule ledger;
      ledger.interval = settings_.ledger_interval;
      ledger.jitter =
          std::min<milliseconds>(settings_.ledger_interval / 10, std::chrono::seconds(30));
      host.every("ledger", ledger, [this](const oxd::sdk::StopToken&) {
        engine_->AntiEntropy();
        engine_->SyncLedger(sync::SyncMode::kBackground, {});
      });
    }
    if (!repos_->OfType(sync::kTeamContextType).empty()) {
      oxd::sdk::TaskSchedule teams;
      teams.interval = settings_.team_interval;
      teams.jitter = std::min<milliseconds>(settings_.team_interval / 10, std::chrono::seconds(10));
      teams.initial_delay = std::chrono::seconds(5);  // after the ledger's first pull (spec §3.2)
      host.every("team", teams, [this](const oxd::sdk::StopToken&) {
        engine_->AntiEntropy();
        engine_->SyncTeams(sync::SyncMode::kBackground, {});
      });
    }
  }

  std::atomic<bool> stopping_{false};
  sync::SyncSettings settings_;
  sync::SyncHistory history_;
  sync::CloneSlots slots_;
  std::unique_ptr<sync::RepoSet> repos_;
  std::unique_ptr<sync::EventPublisher> events_;
  std::unique_ptr<sync::BackgroundClones> clones_;
  std::unique_ptr<sync::SyncEngine> engine_;
  std::unique_ptr<sync::Checkout> checkout_;
};

}  // namespace

OXD_PLUGIN(kDescriptor, SyncPlugin)
