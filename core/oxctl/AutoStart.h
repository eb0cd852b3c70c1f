#pragma once
// Auto-start (docs/behavior.md#auto-start): the commands agent hooks run start oxd for the
// project when nothing answers on its socket — through the project's systemd or launchd service
// when it is installed, else as a detached process — and then deliver. A one-way message waits
// for the socket at most `[daemon] autostart_wait` and is otherwise spooled for the daemon to
// replay (common/Spool.h), so exit 0 always means it will arrive. Off with --no-start or
// OXD_NO_AUTOSTART=1. Runs on the client, single-threaded.

#include <chrono>
#include <nlohmann/json.hpp>
#include <string_view>

#include "oxctl/Cli.h"

namespace oxd::cli {

// The commands hooks run: heartbeat, send, whispers, murmur, sync, checkout, index, search, gc.
// Never status, daemons, stop, nor the other commands that look at a daemon rather than use it.
bool commandStartsDaemon(std::string_view command_name);

// This invocation may start oxd: its command starts one, and neither --no-start nor
// OXD_NO_AUTOSTART=1 turned that off.
bool autostartAllowed(const Invocation& invocation);

// [daemon] autostart_wait from the layers oxctl can see (/etc/oxd, the user's and the project's
// oxd.ini, OXD_DAEMON__AUTOSTART_WAIT); 2 s when unset or unreadable.
std::chrono::milliseconds autostartWait(Invocation& invocation);

// True when something accepts connections on `socket` (no message is sent).
bool socketAccepts(const std::filesystem::path& socket);

// For commands that need replies: returns once the daemon accepts, starting it when allowed.
// Throws ipc::ClientError(NotRunning) when it is not running and may not be started, and
// CommandError when it was started but did not answer in time.
void ensureDaemon(Invocation& invocation);

// Sends a one-way `message`; when nothing listens and auto-start is allowed, starts oxd, waits
// for its socket at most autostartWait(), and spools the message when that runs out. Throws
// ipc::ClientError(NotRunning) when auto-start is off (nothing is spooled).
void deliverOneWay(Invocation& invocation, const nlohmann::json& message);

// CommandsService.cpp: asks the service manager to start the project's service when one is
// installed; false when none is (or the manager refused), so the caller starts oxd itself.
bool startInstalledService(Invocation& invocation);

}  // namespace oxd::cli
