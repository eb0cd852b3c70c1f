// Commands about the agents a daemon tracks: instances (heartbeat lives with send in
// CommandsSend.cpp: both build a message from flags or stdin).

#include "oxctl/Cli.h"
#include "oxctl/Output.h"
#include "oxctl/Views.h"

namespace oxd::cli {

int runInstances(Invocation& invocation) {
  nlohmann::json reply =
      invocation.client().request(invocation.message("instances"), kRequestIdleTimeout);
  const nlohmann::json& data = requireSuccess(reply);
  printOut(invocation.json ? data.dump() : instancesView(data, std::chrono::system_clock::now()));
  return kExitOk;
}

}  // namespace oxd::cli
