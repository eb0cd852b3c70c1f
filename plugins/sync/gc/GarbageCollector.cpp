#include "gc/GarbageCollector.h"

#include <Poco/JSON/Array.h>

#include <system_error>

#include "gc/GcReclone.h"
#include "gc/GcRecovery.h"

namespace oxd::sync {

namespace fs = std::filesystem;

namespace {

constexpr const char* kDirtyIssue = "dirty_workspace";

// Holds the running flag for one GC; a second GC at the same time does nothing.
class RunningFlag {
 public:
  explicit RunningFlag(std::atomic<bool>& flag) : flag_(flag), held_(!flag.exchange(true)) {}
  ~RunningFlag() {
    if (held_) flag_.store(false);
  }
  RunningFlag(const RunningFlag&) = delete;
  RunningFlag& operator=(const RunningFlag&) = delete;
  bool held() const { return held_; }

 private:
  std::atomic<bool>& flag_;
  bool held_;
};

}  // namespace

Poco::JSON::Object::Ptr GcReport::ToJson() const {
  Poco::JSON::Object::Ptr data = new Poco::JSON::Object(true);
  if (busy) {
    data->set("skipped", 1);
    return data;
  }
  data->set("triggered", triggered);
  data->set("skipped", skipped);
  // The original's omitempty: present only when the ledger was recloned.
  if (ledger_triggered) data->set("ledger_triggered", true);
  if (!errors.empty()) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const std::string& error : errors) list->add(error);
    data->set("errors", list);
  }
  return data;
}

GarbageCollector::GarbageCollector(sdk::Reporting report, RepoSet& repos, RepoStateFiles& files,
                                   EventPublisher& events, NetworkFactory network,
                                   int interval_days)
    : report_(report),
      repos_(repos),
      files_(files),
      events_(events),
      network_(std::move(network)),
      interval_(std::chrono::hours(24) * (interval_days > 0 ? interval_days : 7)) {}

void GarbageCollector::RecoverLeftovers(const std::vector<Repo>& repos, Poco::Logger& logger) {
  for (const Repo& repo : repos) {
    if (repo.path.empty()) continue;
    try {
      for (const std::string& line :
           ApplyGcRecovery(repo.path, PlanGcRecovery(repo.path, IsUsableCheckout))) {
        logger.warning("%s: GC recovery: %s", repo.name, line);
      }
    } catch (const std::exception& error) {
      logger.error("%s: GC recovery failed: %s", repo.name, std::string(error.what()));
    }
  }
}

bool GarbageCollector::Due(const Repo& repo) {
  Clock::time_point last = repos_.State(repo.id).last_gc;
  Clock::time_point now = Clock::now();
  if (last == Clock::time_point{}) {
    repos_.Update(repo.id, [now](RepoRuntime& state) { state.last_gc = now; });
    if (std::string error = files_.SaveLastGc(repo.id, now); !error.empty()) {
      report_.log.warning("%s: %s", repo.name, error);
    }
    return false;
  }
  auto interval =
      repo.gc_interval_days > 0 ? std::chrono::hours(24) * repo.gc_interval_days : interval_;
  return now - last >= interval;
}

GcReport GarbageCollector::RunDue() {
  GcReport report;
  RunningFlag running(running_);
  if (!running.held()) {
    report.busy = true;
    return report;
  }
  for (const Repo& repo : Collectable()) {
    RepoRuntime state = repos_.State(repo.id);
    if (repo.url.empty() || !state.exists || state.cloning || !Due(repo)) continue;
    Collect(repo, report);
    break;  // one per check: a GC is a full clone, spread them out
  }
  return report;
}

GcReport GarbageCollector::TriggerAll() {
  GcReport report;
  RunningFlag running(running_);
  if (!running.held()) {
    report.busy = true;
    return report;
  }
  for (const Repo& repo : Collectable()) {
    RepoRuntime state = repos_.State(repo.id);
    if (repo.url.empty() || !state.exists) continue;
    Collect(repo, report);
  }
  return report;
}

std::vector<Repo> GarbageCollector::Collectable() const {
  std::vector<Repo> repos = repos_.OfType(kLedgerType);
  for (Repo& team : repos_.OfType(kTeamContextType)) repos.push_back(std::move(team));
  return repos;
}

GarbageCollector::Result GarbageCollector::Collect(const Repo& repo, GcReport& report) {
  Poco::Logger& logger = report_.log;
  if (!repos_.TryBeginClone(repo.id)) {
    ++report.skipped;
    return Result::kSkipped;
  }
  SyncingMark syncing(repos_, repo.id);
  if (!syncing.held()) {
    repos_.EndClone(repo.id);
    ++report.skipped;
    return Result::kSkipped;
  }
  struct EndClone {
    RepoSet& repos;
    const std::string& id;
    ~EndClone() { repos.EndClone(id); }
  } end_clone{repos_, repo.id};

  RecoverLeftovers({repo}, logger);
  if (auto work = LocalWorkBlockingGc(repo.path)) {
    report_.issues.set(sdk::Issue{kDirtyIssue,
                                  sdk::Severity::Warning,
                                  repo.id,
                                  "uncommitted changes blocking GC (commit or discard to allow "
                                  "reclone): " +
                                      *work,
                                  {},
                                  false});
    report.errors.push_back(repo.name +
                            ": uncommitted changes (commit or discard before GC): " + *work);
    logger.warning("%s: GC skipped: %s", repo.name, *work);
    return Result::kDirty;
  }
  try {
    logger.information("%s: GC: recloning %s", repo.name, repo.path.string());
    std::string head = RecloneAndSwap(repo.path, repo.url, network_(), logger);
    Clock::time_point now = Clock::now();
    repos_.Update(repo.id, [now](RepoRuntime& state) {
      state.last_gc = now;
      state.exists = true;
    });
    if (std::string error = files_.SaveLastGc(repo.id, now); !error.empty()) {
      logger.warning("%s: %s", repo.name, error);
    }
    report_.issues.clear(kDirtyIssue, repo.id);
    logger.information("%s: GC done: %s recloned at %s", repo.name, repo.path.string(), head);
    events_.RepoCloned(repo, head, true);
    if (repo.is_ledger()) {
      report.ledger_triggered = true;
    } else {
      ++report.triggered;
    }
    return Result::kDone;
  } catch (const std::exception& error) {
    logger.error("%s: GC reclone failed, checkout kept: %s", repo.name, std::string(error.what()));
    report.errors.push_back(repo.name + ": reclone failed (check daemon logs)");
    return Result::kFailed;
  }
}

}  // namespace oxd::sync
