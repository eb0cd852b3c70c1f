#pragma once
// systemd's notify protocol, spoken directly (no libsystemd): one datagram per state change to
// the AF_UNIX socket named by $NOTIFY_SOCKET ("@name" = abstract namespace). Without
// NOTIFY_SOCKET every call is a no-op. Thread-safe (each call opens its own socket).

#include <chrono>
#include <optional>
#include <string>

namespace oxd::core::sdnotify {

bool send(const std::string& state);  // e.g. "READY=1\nSTATUS=serving"
bool ready(const std::string& status);
bool reloading();  // RELOADING=1 with MONOTONIC_USEC, as systemd ≥ 253 requires
bool stopping();
bool watchdog();
// Half of $WATCHDOG_USEC when the watchdog is enabled for this process ($WATCHDOG_PID unset or
// ours), the interval at which watchdog() must be called.
std::optional<std::chrono::microseconds> watchdogInterval();

}  // namespace oxd::core::sdnotify
