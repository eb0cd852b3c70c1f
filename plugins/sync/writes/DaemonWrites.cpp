#include "writes/DaemonWrites.h"

#include <oxd/payload.h>

#include "writes/Murmur.h"
#include "writes/SessionFinalize.h"
#include "writes/WritePaths.h"

namespace oxd::sync {

DaemonWrites::DaemonWrites(sdk::Host& host, RepoSet& repos,
                           BackgroundClones::NetworkFactory network,
                           const std::atomic<bool>& stopping)
    : host_(host),
      repos_(repos),
      writer_(host, repos, std::move(network), stopping),
      watches_(host, host.workspace().cache_dir / "sessions") {
  host.handleOneWay("murmur", [this](const sdk::Request& request) {
    HandleMurmur(host_, repos_, writer_, request.payload);
  });
  host.handleOneWay("session_finalize", [this](const sdk::Request& request) {
    HandleSessionFinalize(host_, repos_, writer_, watches_, request.payload);
  });
  host.handleOneWay("session_watch_start", [this](const sdk::Request& request) {
    try {
      sdk::Payload fields(request.payload);
      watches_.Start(fields.requiredString("session_name"), fields.requiredString("session_file"),
                     fields.optionalString("adapter_name").value_or(""));
    } catch (const std::exception& error) {
      host_.logger().warning("session_watch_start refused: %s", std::string(error.what()));
      host_.errors().add("session_refused",
                         std::string("session_watch_start refused: ") + error.what(),
                         sdk::Severity::Warning);
    }
  });
  host.handleOneWay("session_watch_stop", [this](const sdk::Request& request) {
    try {
      std::string name = sdk::Payload(request.payload).requiredString("session_name");
      if (!watches_.Stop(name)) {
        host_.logger().information("session_watch_stop: session %s was not watched", name);
      }
    } catch (const std::exception& error) {
      host_.logger().warning("session_watch_stop refused: %s", std::string(error.what()));
    }
  });
  watches_.ResumeAll();
}

void DaemonWrites::Stop() { watches_.StopAll(); }

}  // namespace oxd::sync
