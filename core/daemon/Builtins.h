#pragma once
// The core's own message types (docs/protocol.md#core-messages): ping, version, status, stop,
// heartbeat, instances, sessions, get_errors, mark_errors, doctor, plugins, plugin_enable,
// plugin_disable, reload. Registered before any plugin, so no plugin can take them.

namespace oxd::core {

class Daemon;

void registerBuiltins(Daemon& daemon);

}  // namespace oxd::core
