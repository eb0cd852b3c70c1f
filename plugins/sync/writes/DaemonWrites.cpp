#include "writes/DaemonWrites.h"

#include <oxd/client_path.h>
#include <oxd/disk_issue.h>
#include <oxd/payload.h>

#include <chrono>
#include <optional>

#include "writes/Murmur.h"
#include "writes/SessionFinalize.h"
#include "writes/WritePaths.h"

namespace oxd::sync {

namespace {

// The `repo` key of the spool's disk issues: it lives in the data dir, not in a checkout.
constexpr const char* kSpoolArea = "murmur_spool";

}  // namespace

DaemonWrites::DaemonWrites(sdk::Reporting report, sdk::KeepAlive& keep_alive,
                           const sdk::Workspace& workspace, RepoSet& repos,
                           BackgroundClones::NetworkFactory network,
                           const std::atomic<bool>& stopping)
    : report_(report),
      workspace_(workspace),
      repos_(repos),
      stopping_(stopping),
      writer_(report, keep_alive, repos, std::move(network), stopping),
      watches_(report, keep_alive, workspace.cache_dir / "sessions"),
      spool_(workspace.workspace_data_dir / "murmur-spool") {
  watches_.ResumeAll();
  drain_ = std::thread([this] { DrainLoop(); });  // replays what the last run left at once
}

DaemonWrites::~DaemonWrites() { Stop(); }

void DaemonWrites::Stop() {
  watches_.StopAll();
  {
    std::lock_guard lock(drain_mutex_);
    drain_stop_ = true;
  }
  drain_wake_.notify_all();
  if (drain_.joinable()) drain_.join();
}

void DaemonWrites::Murmur(const sdk::MurmurRequest& request) {
  if (!AcceptMurmur(report_, repos_, request)) return;
  try {
    spool_.Add(request);
    sdk::clearDiskIssues(report_.issues, kSpoolArea);
  } catch (const std::exception& error) {
    sdk::raiseDiskIssue(report_.issues, kSpoolArea, sdk::diskProblemOf(error), "the murmur spool",
                        error.what());
    // Not on disk (full, read-only): written from memory at once, as good as it gets.
    report_.log.error("murmur %s not spooled (%s): writing it without the spool", request.rel_path,
                      std::string(error.what()));
    report_.errors.add("murmur_not_spooled",
                       "murmur " + request.rel_path + " not spooled: " + error.what(),
                       sdk::Severity::Error);
    WriteMurmur(report_, repos_, writer_, request);
    return;
  }
  {
    std::lock_guard lock(drain_mutex_);
    drain_pending_ = true;
  }
  drain_wake_.notify_all();
}

bool DaemonWrites::DrainSpool() {
  std::vector<std::filesystem::path> unreadable;
  std::vector<MurmurSpool::Entry> entries = spool_.Pending(&unreadable);
  for (const auto& file : unreadable) {
    report_.log.error("murmur spool: %s cannot be read back; kept as %s.unreadable", file.string(),
                      file.string());
    report_.errors.add("murmur_unreadable", "murmur spool file " + file.string() + " unreadable",
                       sdk::Severity::Error);
  }
  bool retry = false;
  for (const MurmurSpool::Entry& entry : entries) {
    if (stopping_.load()) return true;
    {
      std::lock_guard lock(drain_mutex_);
      if (drain_stop_) return true;
    }
    std::optional<WriteOutcome> outcome = WriteMurmur(report_, repos_, writer_, entry.request);
    // Committed (a failed push is retried by every later sync), already committed, or refused:
    // done with. Anything else (the repo busy or not cloned, a failing disk) is tried again.
    if (!outcome || outcome->committed || outcome->error.empty()) {
      spool_.Remove(entry.file);
    } else {
      retry = true;
    }
  }
  return retry;
}

void DaemonWrites::DrainLoop() {
  using namespace std::chrono_literals;
  bool retry = DrainSpool();
  std::unique_lock lock(drain_mutex_);
  while (!drain_stop_) {
    if (!drain_pending_) {
      // Idle: wait for the next murmur; a spool with a murmur to retry looks again in 5 s.
      if (retry) {
        drain_wake_.wait_for(lock, 5s, [&] { return drain_stop_ || drain_pending_; });
      } else {
        drain_wake_.wait(lock, [&] { return drain_stop_ || drain_pending_; });
      }
      if (drain_stop_) break;
    }
    drain_pending_ = false;
    lock.unlock();
    retry = DrainSpool();
    lock.lock();
  }
}

void DaemonWrites::Finalize(const SessionFinalizeRequest& request) {
  HandleSessionFinalize(report_, repos_, writer_, watches_, request);
}

void DaemonWrites::WatchStart(const SessionWatchStartRequest& request) {
  // The watched file is copied into the ledger and pushed: never one of the daemon's own.
  if (std::string problem = sdk::clientPathProblem(workspace_, request.session_file);
      !problem.empty()) {
    RefuseWatchStart("session_file: " + problem);
    return;
  }
  try {
    watches_.Start(request.session_name, request.session_file, request.adapter_name);
  } catch (const std::exception& error) {
    RefuseWatchStart(error.what());
  }
}

void DaemonWrites::WatchStop(const SessionWatchStopRequest& request) {
  if (!watches_.Stop(request.session_name)) {
    report_.log.information("session_watch_stop: session %s was not watched", request.session_name);
  }
}

void DaemonWrites::RefuseMurmur(const sdk::BadPayload& invalid) {
  sync::RefuseMurmur(report_, invalid);
}

void DaemonWrites::RefuseFinalize(const sdk::BadPayload& invalid) {
  RefuseSessionFinalize(report_, invalid);
}

void DaemonWrites::RefuseWatchStart(const std::string& why) {
  report_.log.warning("session_watch_start refused: %s", why);
  report_.errors.add("session_refused", "session_watch_start refused: " + why,
                     sdk::Severity::Warning);
}

void DaemonWrites::RefuseWatchStop(const std::string& why) {
  report_.log.warning("session_watch_stop refused: %s", why);
}

}  // namespace oxd::sync
