#include "oxctl/AutoStart.h"
#include "oxctl/Cli.h"
#include "oxctl/Output.h"
#include "oxctl/Progress.h"

namespace oxd::cli {
namespace {

std::string socketForMessages(Invocation& invocation) {
  try {
    return invocation.socketPath().string();
  } catch (const std::exception&) {
    return "unknown";
  }
}

}  // namespace

int run(int argc, char** argv) {
  Invocation invocation;
  installInterruptHandler();
  try {
    parseArguments(argc, argv, invocation);
    if (invocation.help) {
      printOut(invocation.command ? commandUsage(*invocation.command) : generalUsage());
      return kExitOk;
    }
    return invocation.command->run(invocation);
  } catch (const UsageError& error) {
    printErr(std::string("oxctl: ") + error.what() + "\n");
    printErr(invocation.command ? commandUsage(*invocation.command) : generalUsage());
    return kExitUsage;
  } catch (const ipc::ClientError& error) {
    std::string socket = socketForMessages(invocation);
    if (error.kind() == ipc::ClientError::Kind::NotRunning) {
      bool would_start = invocation.command && commandStartsDaemon(invocation.command->name);
      printErr("oxd is not running (socket " + socket + ")" +
               (would_start ? "; auto-start is off (--no-start or OXD_NO_AUTOSTART)" : "") +
               "; start it with: oxctl start");
      return kExitNotRunning;
    }
    printErr("error: oxd is not responding (socket " + socket + "): " + error.what());
    return kExitError;
  } catch (const std::exception& error) {
    printErr(std::string("error: ") + error.what());
    return kExitError;
  }
}

}  // namespace oxd::cli
