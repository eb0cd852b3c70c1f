#include "Messages.h"

#include <oxd/calls.h>
#include <oxd/events.h>
#include <oxd/handlers.h>

#include <Poco/JSON/Object.h>

#include "SyncStatus.h"
#include "gc/GcMessages.h"
#include "writes/WritePaths.h"

namespace oxd::sync {

namespace {

using sdk::NoPayload;
using sdk::Progress;
using sdk::Reply;

StageSink ToClient(Progress& progress) {
  return [&progress](std::string_view stage, std::string_view message) {
    progress.stage(stage, message);
  };
}

}  // namespace

void RegisterMessages(sdk::Host& host, const MessageParts& parts) {
  SyncEngine& engine = parts.engine;
  Checkout& checkout = parts.checkout;
  GarbageCollector& gc = parts.gc;
  DaemonWrites& writes = parts.writes;
  const SyncHistory& history = parts.history;
  const RepoSet& repos = parts.repos;

  // --- requests ------------------------------------------------------------------------------
  sdk::handleTyped<NoPayload>(host, "sync", [&engine](const NoPayload&, Progress& progress) {
    if (auto error = engine.SyncLedger(SyncMode::kManual, ToClient(progress))) {
      return Reply::fail(*error);
    }
    return Reply::ok();
  });
  sdk::handleTyped<NoPayload>(host, "team_sync", [&engine](const NoPayload&, Progress& progress) {
    engine.SyncTeams(SyncMode::kManual, ToClient(progress));
    return Reply::ok();
  });
  sdk::handleTyped<NoPayload>(host, "sync_history", [&history](const NoPayload&, Progress&) {
    return Reply::ok(HistoryJson(history));
  });
  // Not handleTyped: whether a plugin asked (Host::call) decides where the clone may land.
  host.handle(CheckoutRequest::kType, [&checkout](const sdk::Request& request, Progress& progress) {
    CheckoutRequest parsed = CheckoutRequest::Parse(sdk::Payload(request.payload));
    bool from_plugin = !request.calling_plugin.empty();
    return Reply::ok(checkout.Run(parsed, from_plugin, progress));
  });
  // Another plugin's files into the ledger (the github mirror): written, committed, pushed, and
  // announced on ledger.changed so codedb indexes them.
  sdk::handleTyped<sdk::LedgerWriteRequest>(
      host, sdk::LedgerWriteRequest::kType,
      [&writes, &host](const sdk::LedgerWriteRequest& request, Progress&) {
        LedgerWriteOutcome outcome;
        try {
          outcome = writes.WriteLedger(request);
        } catch (const RefusedWrite& refused) {
          return Reply::fail(std::string("ledger_write refused, nothing written: ") +
                             refused.what());
        }
        if (outcome.write.committed) {
          sdk::publish(host, sdk::LedgerChangedEvent{outcome.paths});
        }
        Poco::JSON::Object::Ptr data = new Poco::JSON::Object(true);
        data->set("committed", outcome.write.committed);
        data->set("pushed", outcome.write.pushed);
        data->set("commit", outcome.write.commit);
        data->set("error", outcome.write.error);
        return Reply::ok(data);
      });
  sdk::handleTyped<NoPayload>(host, "trigger_gc",
                              [&gc](const NoPayload&, Progress&) { return TriggerGc(gc); });

  // --- one-way: the daemon's own writes ------------------------------------------------------
  sdk::handleOneWayTyped<sdk::MurmurRequest>(
      host, sdk::MurmurRequest::kType,
      [&writes](const sdk::MurmurRequest& request) { writes.Murmur(request); },
      [&writes](const sdk::BadPayload& invalid) { writes.RefuseMurmur(invalid); });
  sdk::handleOneWayTyped<SessionFinalizeRequest>(
      host, "session_finalize",
      [&writes](const SessionFinalizeRequest& request) { writes.Finalize(request); },
      [&writes](const sdk::BadPayload& invalid) { writes.RefuseFinalize(invalid); });
  sdk::handleOneWayTyped<SessionWatchStartRequest>(
      host, "session_watch_start",
      [&writes](const SessionWatchStartRequest& request) { writes.WatchStart(request); },
      [&writes](const sdk::BadPayload& invalid) { writes.RefuseWatchStart(invalid.what()); });
  sdk::handleOneWayTyped<SessionWatchStopRequest>(
      host, "session_watch_stop",
      [&writes](const SessionWatchStopRequest& request) { writes.WatchStop(request); },
      [&writes](const sdk::BadPayload& invalid) { writes.RefuseWatchStop(invalid.what()); });

  // --- status sections (SyncStatus.h) and doctor ---------------------------------------------
  const SyncSettings& settings = parts.settings;
  host.statusSection("last_sync", [&repos] { return LastSyncSection(repos); });
  host.statusSection("sync_interval_read", [&settings] { return SyncIntervalSection(settings); });
  host.statusSection("total_syncs", [&history] { return TotalSyncsSection(history); });
  host.statusSection("syncs_last_hour", [&history] { return SyncsLastHourSection(history); });
  host.statusSection("avg_sync_time", [&history] { return AvgSyncTimeSection(history); });
  host.statusSection("p95_sync_time", [&history] { return P95SyncTimeSection(history); });
  host.statusSection("workspaces", [&repos, gc_interval_days = settings.gc_interval_days] {
    return WorkspacesSection(repos, gc_interval_days);
  });
  host.doctor([&engine] {
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(true);
    data->set("anti_entropy_triggered", true);
    // A user asked: clone backoff does not hold them back.
    data->set("clones_triggered", engine.AntiEntropy(false));
    return Poco::Dynamic::Var(data);
  });
}

}  // namespace oxd::sync
