#include "writes/DaemonWrites.h"

#include <oxd/payload.h>

#include "writes/Murmur.h"
#include "writes/SessionFinalize.h"
#include "writes/WritePaths.h"

namespace oxd::sync {

DaemonWrites::DaemonWrites(sdk::Reporting report, sdk::KeepAlive& keep_alive,
                           const sdk::Workspace& workspace, RepoSet& repos,
                           BackgroundClones::NetworkFactory network,
                           const std::atomic<bool>& stopping)
    : report_(report),
      repos_(repos),
      writer_(report, keep_alive, repos, std::move(network), stopping),
      watches_(report, keep_alive, workspace.cache_dir / "sessions") {
  watches_.ResumeAll();
}

void DaemonWrites::Stop() { watches_.StopAll(); }

void DaemonWrites::Murmur(const sdk::MurmurRequest& request) {
  HandleMurmur(report_, repos_, writer_, request);
}

void DaemonWrites::Finalize(const SessionFinalizeRequest& request) {
  HandleSessionFinalize(report_, repos_, writer_, watches_, request);
}

void DaemonWrites::WatchStart(const SessionWatchStartRequest& request) {
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
