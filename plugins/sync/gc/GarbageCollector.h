// GC of the ledger and the team contexts (docs/behavior.md#gc-reclone): a blue-green reclone
// (GcReclone.h) every `gc_interval_days` and on `trigger_gc`, with crash recovery (GcRecovery.h)
// at start and before each GC. The ledger follows the team contexts' rules: never with local work
// (uncommitted files, unpushed murmurs or sessions, a stash), never while a write or pull holds it.
//
//   due-check  hourly on the host scheduler; the first due repo only (ledger first); a team never
//              GC'd gets its baseline (now) recorded instead of a reclone — a clone is as fresh
//              as a GC — so a new checkout is not recloned an hour after its first clone
//   trigger    the ledger and every eligible team context now, ignoring the interval
//   eligible   exists and has a clone URL; a clone or pull in flight ⇒ skipped
//   dirty      uncommitted/untracked files, unpushed commits or a stash ⇒ not recloned,
//              `dirty_workspace` warning (key: team id), cleared by the next successful GC
//   after      last_gc persisted (RepoStateFiles), `repo.cloned` published with `"gc":true`
//
// One GC at a time (a second caller gets `busy`). Holds the repo's syncing and cloning marks
// for the whole reclone, so no pull touches it and anti-entropy does not see the swap's gap.
#pragma once

#include <oxd/host.h>

#include <Poco/JSON/Object.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "Events.h"
#include "RepoSet.h"
#include "RepoStateFiles.h"
#include "git/NetworkOptions.h"

namespace oxd::sync {

struct GcReport {
  bool busy = false;              // another GC was running: nothing done
  int triggered = 0;              // team contexts recloned
  bool ledger_triggered = false;  // the ledger was recloned
  int skipped = 0;
  std::vector<std::string> errors;

  // `trigger_gc` reply: {"skipped":1} when busy, else {triggered, skipped, ledger_triggered?,
  // errors?}.
  Poco::JSON::Object::Ptr ToJson() const;
};

class GarbageCollector {
 public:
  using NetworkFactory = std::function<git::NetworkOptions()>;

  GarbageCollector(sdk::Reporting report, RepoSet& repos, RepoStateFiles& files,
                   EventPublisher& events, NetworkFactory network, int interval_days);

  // Before anything looks at the checkouts: undo or finish a swap a crash interrupted.
  static void RecoverLeftovers(const std::vector<Repo>& repos, Poco::Logger& logger);

  GcReport RunDue();
  GcReport TriggerAll();

 private:
  enum class Result { kDone, kSkipped, kDirty, kFailed };
  Result Collect(const Repo& repo, GcReport& report);
  bool Due(const Repo& repo);
  std::vector<Repo> Collectable() const;  // the ledger, then the team contexts

  sdk::Reporting report_;
  RepoSet& repos_;
  RepoStateFiles& files_;
  EventPublisher& events_;
  NetworkFactory network_;
  std::chrono::hours interval_;
  std::atomic<bool> running_{false};
};

}  // namespace oxd::sync
