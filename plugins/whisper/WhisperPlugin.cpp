// The whisper plugin: durable whispers for agents (SQLite stores, exactly-once delivery), the
// murmur relay, nudges, activity summaries and store maintenance. This file holds the
// descriptor and the wiring; each part lives in its own file (README.md lists them).

#include <oxd/events.h>
#include <oxd/plugin.h>

#include <Poco/Data/DataException.h>
#include <Poco/JSON/Object.h>

#include <memory>

#include "ActivitySource.h"
#include "FileChangeMurmurs.h"
#include "Maintenance.h"
#include "Messages.h"
#include "NudgeSource.h"
#include "Runtime.h"
#include "SyncWhispers.h"

namespace {

// The key table lives with the code that reads it (WhisperSettings.h).
constexpr const auto& kKeys = oxd::whisper::kWhisperKeys;

const oxd::sdk::Descriptor kDescriptor{oxd::sdk::kAbiVersion,
                                       oxd::sdk::kBuildFingerprint,
                                       "whisper",
                                       "0.1.0",
                                       "durable whispers for agents, murmur relay and nudges",
                                       kKeys,
                                       sizeof kKeys / sizeof kKeys[0]};

namespace whisper = oxd::whisper;

class WhisperPlugin final : public oxd::sdk::Plugin {
 public:
  void start(oxd::sdk::Host& host) override {
    runtime_ = std::make_unique<whisper::Runtime>(host.reporting(), host, host, host.metrics(),
                                                  host.workspace(),
                                                  whisper::ReadWhisperSettings(host.config()));
    whisper::Runtime& runtime = *runtime_;
    const oxd::sdk::Workspace& workspace = host.workspace();
    std::vector<std::string> team_ids;
    for (const auto& team : workspace.team_contexts) team_ids.push_back(team.id);
    runtime.stores = std::make_unique<whisper::StoreSet>(
        workspace.workspace_data_dir / "whispers", team_ids,
        [&host](const whisper::StoreIdentity& store, const std::string& problem,
                const std::filesystem::path& moved_to) {
          whisper::ReportCorruptStore(host.reporting(), store, problem, moved_to);
        });
    runtime.agents = std::make_unique<whisper::LocalAgents>(*runtime.stores);
    runtime.relay = std::make_unique<whisper::MurmurRelay>(
        [&runtime] { return runtime.agents->Ids(); },
        [&host](const std::string& line) { host.logger().debug("%s", line); });

    whisper::RegisterMessages(host, runtime);
    Subscribe(host);
    Schedule(host);
    // Murmurs pulled just before a crash (pull done, relay not yet) are relayed now; the relay
    // marks make this a no-op for everything relayed before.
    RelayCheckout("ledger", "ledger", workspace.ledger_path.string());
    for (const auto& team : workspace.team_contexts) {
      RelayCheckout("team-context", team.id, team.path.string());
    }
  }

  void stop() override {}

 private:
  // Typed: an event of the wrong shape is refused before these run (logged and counted by the
  // host).
  void Subscribe(oxd::sdk::Host& host) {
    namespace sdk = oxd::sdk;
    sdk::subscribe<sdk::RepoPulledEvent>(host, [this](const sdk::RepoPulledEvent& pulled) {
      if (pulled.path.empty() || pulled.id.empty()) return;
      RelayCheckout(pulled.scope, pulled.id, pulled.path);
      Guarded("team change whisper for " + pulled.id,
              [&] { whisper::WhisperTeamChange(*runtime_, pulled); });
    });
    sdk::subscribe<sdk::RepoClonedEvent>(host, [this](const sdk::RepoClonedEvent& cloned) {
      if (!cloned.path.empty() && !cloned.id.empty()) {
        RelayCheckout(cloned.scope, cloned.id, cloned.path);
      }
    });
    sdk::subscribe<sdk::HeartbeatEvent>(host, [this](const sdk::HeartbeatEvent& heartbeat) {
      const std::string& agent = heartbeat.agent_id;
      if (agent.empty() || agent.size() > 128) return;
      runtime_->agents->Seen(agent, whisper::NowNanos());
    });
    if (runtime_->settings.file_change_interval.count() > 0) {
      sdk::subscribe<sdk::FilesChangedEvent>(
          host, [this](const sdk::FilesChangedEvent& changed) { file_changes_.Add(changed); });
    }
    sdk::subscribe<sdk::SyncCompleteEvent>(host, [this](const sdk::SyncCompleteEvent& done) {
      if (done.type != "ledger" || !done.ok()) return;
      whisper::Nanos now = whisper::NowNanos();
      runtime_->UpdateBoard([now](whisper::StatusBoard& board) { board.last_ledger_sync = now; });
    });
  }

  void Schedule(oxd::sdk::Host& host) {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    const whisper::WhisperSettings& settings = runtime_->settings;
    if (settings.nudge_interval.count() > 0) {
      oxd::sdk::TaskSchedule nudges;
      nudges.interval = whisper::NudgeCheckPeriod(settings.nudge_interval);
      nudges.initial_delay = nudges.interval;
      host.every("nudges", nudges, [this](const oxd::sdk::StopToken&) {
        whisper::RunNudges(*runtime_, whisper::NowNanos());
      });
    }
    if (settings.activity_interval.count() > 0) {
      oxd::sdk::TaskSchedule activity;
      activity.interval = duration_cast<milliseconds>(settings.activity_interval);
      activity.initial_delay = activity.interval;
      host.every("activity", activity, [this](const oxd::sdk::StopToken&) {
        whisper::RunActivitySummary(*runtime_, whisper::NowNanos());
      });
    }
    if (settings.file_change_interval.count() > 0) {
      oxd::sdk::TaskSchedule file_changes;
      file_changes.interval = duration_cast<milliseconds>(settings.file_change_interval);
      file_changes.initial_delay = file_changes.interval;
      host.every("file-change-murmurs", file_changes, [this](const oxd::sdk::StopToken&) {
        whisper::PublishFileChanges(*runtime_, file_changes_, whisper::NowNanos());
      });
    }
    oxd::sdk::TaskSchedule maintenance;
    maintenance.interval = duration_cast<milliseconds>(settings.maintenance_interval);
    maintenance.jitter =
        std::min<milliseconds>(maintenance.interval / 10, std::chrono::minutes(30));
    // Not at start-up: a daemon started by a hook should answer first and tidy up later.
    maintenance.initial_delay =
        std::min<milliseconds>(maintenance.interval, std::chrono::minutes(10));
    host.every("maintenance", maintenance, [this](const oxd::sdk::StopToken&) {
      whisper::RunMaintenance(*runtime_, whisper::NowNanos());
    });
  }

  // Event handlers report their own failures: nobody waits for their result.
  template <typename Body>
  void Guarded(const std::string& what, Body&& body) {
    try {
      body();
    } catch (const Poco::Exception& error) {
      runtime_->reporting.log.error("%s failed: %s", what, error.displayText());
    } catch (const std::exception& error) {
      runtime_->reporting.log.error("%s failed: %s", what, std::string(error.what()));
    }
  }

  // scope: "ledger" or "team-context"; id: "ledger" or the team id; path: the checkout.
  void RelayCheckout(const std::string& scope, const std::string& id, const std::string& path) {
    whisper::Runtime& runtime = *runtime_;
    std::shared_ptr<whisper::WhisperStore> store =
        scope == "ledger" ? runtime.stores->Ledger() : runtime.stores->TeamOrCreate(id);
    Guarded("murmur relay from " + id, [&] {
      whisper::Nanos now = whisper::NowNanos();
      whisper::RelayOutcome outcome = runtime.relay->RelayFromPath(
          path, *store, runtime.Clock(), now, runtime.settings.relay_window.count());
      runtime.UpdateBoard([&](whisper::StatusBoard& board) {
        board.last_relay = now;
        board.last_relay_repo = id;
        board.last_relay_count = outcome.relayed;
        board.relayed_total += outcome.relayed;
      });
      if (outcome.relayed > 0) {
        runtime.reporting.log.information(
            "relayed %d murmur(s) from %s (skipped: %d local, %d already relayed, %d invalid)",
            outcome.relayed, id, outcome.skipped_local, outcome.skipped_relayed,
            outcome.skipped_invalid);
      }
    });
  }

  std::unique_ptr<whisper::Runtime> runtime_;
  whisper::ChangeBatch file_changes_;
};

}  // namespace

OXD_PLUGIN(kDescriptor, WhisperPlugin)
