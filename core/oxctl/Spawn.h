#pragma once
// Launching the daemon for `oxctl start` and auto-start (oxctl/AutoStart.h). Runs on the client.

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

namespace oxd::cli {

// $OXD_BIN, else `oxd` beside this executable (build tree and install both put them
// together), else the first `oxd` on $PATH. Throws CommandError when none is found.
std::filesystem::path findDaemonBinary();

// Starts `binary --project <root>` in its own session (no controlling terminal) with stdin,
// stdout and stderr on /dev/null (the daemon writes its own log) and no other inherited
// descriptor. `socket_override`, when set, is passed as
// OXD_SOCKET so the daemon listens where the client will look. Returns the child's pid; the
// caller may reap it with waitpid to notice an early exit.
pid_t spawnDaemon(const std::filesystem::path& binary, const std::filesystem::path& root,
                  const std::optional<std::string>& socket_override);

}  // namespace oxd::cli
