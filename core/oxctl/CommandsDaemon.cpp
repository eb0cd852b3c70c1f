// Commands that read the daemon without changing it: ping, socket (status: CommandsStatus.cpp).

#include "oxctl/Cli.h"
#include "oxctl/Output.h"

namespace oxd::cli {

int runPing(Invocation& invocation) {
  nlohmann::json reply = invocation.client().request(invocation.message("ping"), kPingTimeout);
  const nlohmann::json& data = requireSuccess(reply);
  if (invocation.json) {
    printOut(data.dump());
  } else {
    printOut(data.is_string() ? data.get<std::string>() : std::string("pong"));
  }
  return kExitOk;
}

int runSocket(Invocation& invocation) {
  const std::string& socket = invocation.socketPath().native();
  printOut(invocation.json ? nlohmann::json(socket).dump() : socket);
  return kExitOk;
}

}  // namespace oxd::cli
