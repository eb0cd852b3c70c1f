// The whisper plugin: durable whispers for agents (SQLite stores, exactly-once delivery), the
// murmur relay, nudges, activity summaries and store maintenance. This file holds the
// descriptor and the wiring; each part lives in its own file (README.md lists them).

#include <oxd/plugin.h>

#include <Poco/Data/DataException.h>
#include <Poco/JSON/Object.h>

#include <memory>

#include "ActivitySource.h"
#include "FileChangeMurmurs.h"
#include "Maintenance.h"
#include "Messages.h"
#include "NudgeSource.h"
#include "RepoEvents.h"
#include "Runtime.h"
#include "SyncWhispers.h"
#include "WhisperStatus.h"

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
using whisper::RepoEvent;

class WhisperPlugin final : public oxd::sdk::Plugin {
 public:
  void start(oxd::sdk::Host& host) override {
    runtime_ =
        std::make_unique<whisper::Runtime>(host, whisper::ReadWhisperSettings(host.config()));
    whisper::Runtime& runtime = *runtime_;
    const oxd::sdk::Workspace& workspace = host.workspace();
    std::vector<std::string> team_ids;
    for (const auto& team : workspace.team_contexts) team_ids.push_back(team.id);
    runtime.stores = std::make_unique<whisper::StoreSet>(
        workspace.workspace_data_dir / "whispers", team_ids,
        [&host](const whisper::StoreIdentity& store, const std::string& problem,
                const std::filesystem::path& moved_to) {
          whisper::ReportCorruptStore(host, store, problem, moved_to);
        });
    runtime.agents = std::make_unique<whisper::LocalAgents>(*runtime.stores);
    runtime.relay = std::make_unique<whisper::MurmurRelay>(
        [&runtime] { return runtime.agents->Ids(); },
        [&host](const std::string& line) { host.logger().debug("%s", line); });

    whisper::RegisterMessages(runtime);
    whisper::RegisterStatusSection(runtime);
    host.doctor([&runtime]() -> Poco::Dynamic::Var {
      return whisper::RunMaintenance(runtime, whisper::NowNanos());
    });
    Subscribe(host);
    Schedule(host);
    // Murmurs pulled just before a crash (pull done, relay not yet) are relayed now; the relay
    // marks make this a no-op for everything relayed before.
    RelayCheckout({"ledger", "ledger", workspace.ledger_path.string(), {}});
    for (const auto& team : workspace.team_contexts) {
      RelayCheckout({"team-context", team.id, team.path.string(), {}});
    }
  }

  void stop() override {}

 private:
  void Subscribe(oxd::sdk::Host& host) {
    host.subscribe("repo.pulled", [this](const Poco::Dynamic::Var& event) {
      auto repo = whisper::ParseRepoEvent(event);
      if (!repo) return;
      RelayCheckout(*repo);
      Guarded("team change whisper for " + repo->id,
              [&] { whisper::WhisperTeamChange(*runtime_, *repo); });
    });
    host.subscribe("repo.cloned", [this](const Poco::Dynamic::Var& event) {
      if (auto repo = whisper::ParseRepoEvent(event)) RelayCheckout(*repo);
    });
    host.subscribe("heartbeat", [this](const Poco::Dynamic::Var& event) {
      if (event.type() != typeid(Poco::JSON::Object::Ptr)) return;
      auto payload = event.extract<Poco::JSON::Object::Ptr>();
      if (!payload || !payload->has("agent_id") || !payload->get("agent_id").isString()) return;
      std::string agent = payload->getValue<std::string>("agent_id");
      if (agent.empty() || agent.size() > 128) return;
      runtime_->agents->Seen(agent, whisper::NowNanos());
    });
    if (runtime_->settings.file_change_interval.count() > 0) {
      host.subscribe("files.changed", [this](const Poco::Dynamic::Var& event) {
        if (!file_changes_.Add(event)) {
          runtime_->host.logger().debug("files.changed event of an unknown shape ignored");
        }
      });
    }
    host.subscribe("sync.complete", [this](const Poco::Dynamic::Var& event) {
      if (event.type() != typeid(Poco::JSON::Object::Ptr)) return;
      auto object = event.extract<Poco::JSON::Object::Ptr>();
      if (!object || object->optValue<std::string>("type", "") != "ledger" ||
          object->optValue<std::string>("status", "") != "ok") {
        return;
      }
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
      runtime_->host.logger().error("%s failed: %s", what, error.displayText());
    } catch (const std::exception& error) {
      runtime_->host.logger().error("%s failed: %s", what, std::string(error.what()));
    }
  }

  void RelayCheckout(const RepoEvent& repo) {
    whisper::Runtime& runtime = *runtime_;
    std::shared_ptr<whisper::WhisperStore> store =
        repo.scope == "ledger" ? runtime.stores->Ledger() : runtime.stores->TeamOrCreate(repo.id);
    Guarded("murmur relay from " + repo.id, [&] {
      whisper::Nanos now = whisper::NowNanos();
      whisper::RelayOutcome outcome = runtime.relay->RelayFromPath(
          repo.path, *store, runtime.Clock(), now, runtime.settings.relay_window.count());
      runtime.UpdateBoard([&](whisper::StatusBoard& board) {
        board.last_relay = now;
        board.last_relay_repo = repo.id;
        board.last_relay_count = outcome.relayed;
        board.relayed_total += outcome.relayed;
      });
      if (outcome.relayed > 0) {
        runtime.host.logger().information(
            "relayed %d murmur(s) from %s (skipped: %d local, %d already relayed, %d invalid)",
            outcome.relayed, repo.id, outcome.skipped_local, outcome.skipped_relayed,
            outcome.skipped_invalid);
      }
    });
  }

  std::unique_ptr<whisper::Runtime> runtime_;
  whisper::ChangeBatch file_changes_;
};

}  // namespace

OXD_PLUGIN(kDescriptor, WhisperPlugin)
