// The codedb plugin: the project's (and the ledger's) code and history in SQLite/FTS5 for
// search, with the working tree's uncommitted changes merged in (the dirty overlay). This file
// holds the descriptor and the wiring; README.md lists the parts.

#include <oxd/events.h>
#include <oxd/plugin.h>

#include <memory>
#include <system_error>

#include "Messages.h"
#include "Runtime.h"
#include "index/HeadFingerprint.h"

namespace {

// The key table lives with the code that reads it (CodedbSettings.h).
constexpr const auto& kKeys = oxd::codedb::kCodedbKeys;

const oxd::sdk::Descriptor kDescriptor{oxd::sdk::kAbiVersion,
                                       oxd::sdk::kBuildFingerprint,
                                       "codedb",
                                       "0.1.0",
                                       "code and history search for the project and the ledger",
                                       kKeys,
                                       sizeof kKeys / sizeof kKeys[0]};

namespace codedb = oxd::codedb;
namespace fs = std::filesystem;

class CodedbPlugin final : public oxd::sdk::Plugin {
 public:
  void start(oxd::sdk::Host& host) override {
    runtime_ = std::make_unique<codedb::Runtime>(host.reporting(), host, host, host, host.metrics(),
                                                 host.workspace(),
                                                 codedb::ReadCodedbSettings(host.config()));
    codedb::Runtime& runtime = *runtime_;
    const oxd::sdk::Workspace& workspace = host.workspace();
    std::error_code error;
    if (fs::exists(workspace.project_root / ".git", error)) {
      runtime.project = std::make_unique<codedb::IndexStore>(
          codedb::IndexTarget{"project", workspace.project_root, runtime.data_dir / "project.db"});
    } else {
      host.logger().information("codedb: %s is not a git repository; only the ledger is indexed",
                                workspace.project_root.string());
    }
    if (!workspace.ledger_url.empty() || fs::exists(workspace.ledger_path / ".git", error)) {
      runtime.ledger = std::make_unique<codedb::IndexStore>(
          codedb::IndexTarget{"ledger", workspace.ledger_path, runtime.data_dir / "ledger.db"});
    }
    runtime.background =
        std::make_unique<codedb::BackgroundIndexer>([&runtime](codedb::IndexStore& store) {
          std::error_code missing;
          if (fs::exists(store.target().repo / ".git", missing)) runtime.Index(store, {}, true);
        });
    codedb::RegisterMessages(host, runtime);
    StartOverlay(runtime);
    Subscribe(host);
    Schedule(host);
    // The caches are empty at start, so the first check always runs (docs/behavior.md#code-index):
    // a no-op run over an index that is current costs milliseconds.
    if (runtime.project) runtime.background->Request(*runtime.project);
    if (runtime.ledger) runtime.background->Request(*runtime.ledger);
  }

  void stop() override {
    if (!runtime_) return;
    runtime_->runs.Shutdown();
    if (runtime_->overlay) runtime_->overlay->Stop();
    if (runtime_->background) runtime_->background->Stop();
  }

 private:
  void StartOverlay(codedb::Runtime& runtime) {
    if (!runtime.settings.overlay || !runtime.project) return;
    auto settle = std::chrono::duration_cast<std::chrono::milliseconds>(runtime.settings.settle);
    try {
      runtime.overlay = std::make_unique<codedb::LiveOverlay>(
          runtime.project->target().repo.string(), settle,
          [this](const std::vector<codedb::OverlayChange>& changes) { Settled(changes); },
          runtime.settings.skip);
      runtime.overlay->Start();
      runtime.reporting.issues.clear("dirty_overlay_failed", "");
    } catch (const std::exception& failure) {
      runtime.overlay.reset();
      runtime.reporting.log.error("codedb: the dirty overlay could not start: %s",
                                  std::string(failure.what()));
      runtime.reporting.issues.set(oxd::sdk::Issue{
          "dirty_overlay_failed", oxd::sdk::Severity::Warning, "",
          std::string("uncommitted changes are not searchable: ") + failure.what()});
    }
  }

  // On the overlay's thread, once per settled batch of file events.
  void Settled(const std::vector<codedb::OverlayChange>& changes) {
    codedb::Runtime& runtime = *runtime_;
    if (!changes.empty()) {
      oxd::sdk::FilesChangedEvent event;
      for (const codedb::OverlayChange& change : changes) {
        event.changes.push_back({change.path, change.type});
      }
      oxd::sdk::publish(runtime.bus, event);
    }
    // A commit, checkout or reset moved HEAD: the committed index follows at once, so a file
    // that left the overlay (committed) is searchable again within one small run.
    auto now = codedb::ReadHeadFingerprint(runtime.project->target().repo.string());
    if (now.ok && now.value != runtime.project->Fingerprint()) {
      runtime.background->Request(*runtime.project);
    }
  }

  void Subscribe(oxd::sdk::Host& host) {
    auto ledger_moved = [this](const std::string& scope) {
      if (runtime_->ledger && scope == "ledger") runtime_->background->Request(*runtime_->ledger);
    };
    oxd::sdk::subscribe<oxd::sdk::RepoPulledEvent>(
        host,
        [ledger_moved](const oxd::sdk::RepoPulledEvent& pulled) { ledger_moved(pulled.scope); });
    oxd::sdk::subscribe<oxd::sdk::RepoClonedEvent>(
        host,
        [ledger_moved](const oxd::sdk::RepoClonedEvent& cloned) { ledger_moved(cloned.scope); });
    // The daemon's own commits in the ledger (the github mirror through sync's ledger_write).
    oxd::sdk::subscribe<oxd::sdk::LedgerChangedEvent>(
        host, [ledger_moved](const oxd::sdk::LedgerChangedEvent&) { ledger_moved("ledger"); });
  }

  void Schedule(oxd::sdk::Host& host) {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    const codedb::CodedbSettings& settings = runtime_->settings;
    auto check = [this](codedb::IndexStore* store) {
      if (!store) return;
      auto now = codedb::ReadHeadFingerprint(store->target().repo.string());
      if (now.ok && now.value != store->Fingerprint()) runtime_->background->Request(*store);
    };
    if (settings.check_interval.count() > 0 && runtime_->project) {
      oxd::sdk::TaskSchedule schedule;
      schedule.interval = duration_cast<milliseconds>(settings.check_interval);
      schedule.initial_delay = schedule.interval;
      host.every("freshness", schedule,
                 [this, check](const oxd::sdk::StopToken&) { check(runtime_->project.get()); });
    }
    if (settings.ledger_check_interval.count() > 0 && runtime_->ledger) {
      oxd::sdk::TaskSchedule schedule;
      schedule.interval = duration_cast<milliseconds>(settings.ledger_check_interval);
      schedule.initial_delay = schedule.interval;
      host.every("ledger-freshness", schedule,
                 [this, check](const oxd::sdk::StopToken&) { check(runtime_->ledger.get()); });
    }
  }

  std::unique_ptr<codedb::Runtime> runtime_;
};

}  // namespace

OXD_PLUGIN(kDescriptor, CodedbPlugin)
