#pragma once
// Where oxd keeps its files. Every location derives from HOME and the XDG variables, so tests
// relocate everything by setting them; the socket path can also be forced with OXD_SOCKET.
// Shared by oxd and oxctl (no Poco here). Functions read the environment on each call.

#include <filesystem>
#include <string>

namespace oxd::paths {

std::filesystem::path home();
std::filesystem::path configDir();  // $XDG_CONFIG_HOME/oxd   (~/.config/oxd)
std::filesystem::path dataDir();    // $XDG_DATA_HOME/oxd     (~/.local/share/oxd)
std::filesystem::path cacheDir();   // $XDG_CACHE_HOME/oxd    (~/.cache/oxd)
std::filesystem::path stateDir();   // $XDG_STATE_HOME/oxd    (~/.local/state/oxd): logs, restarts
// $XDG_RUNTIME_DIR/oxd, else /tmp/oxd-<uid>. Holds sockets, pid files and the daemon registry.
std::filesystem::path runtimeDir();

// <runtime>/oxd-<wsid>.sock, or $OXD_SOCKET. When the path would not fit a sockaddr_un
// (108 bytes with the NUL) it falls back to /tmp/oxd-<uid>/<wsid>.sock.
std::filesystem::path socketPath(const std::string& workspace_id);
std::filesystem::path pidPath(const std::string& workspace_id);
std::filesystem::path registryPath();
std::filesystem::path logPath(const std::string& workspace_id);
// <state>/spool/<wsid>.ndjson: one-way messages oxctl could not deliver while the daemon was
// starting (docs/reliability.md#spooled-messages).
std::filesystem::path spoolPath(const std::string& workspace_id);
std::filesystem::path workspaceDataDir(
    const std::string& workspace_id);  // <data>/workspaces/<wsid>

// Creates `dir` and its parents; forces mode 0700 on `dir` itself. Throws on failure.
void ensurePrivateDir(const std::filesystem::path& dir);

inline constexpr std::size_t kMaxSocketPath = 107;  // sizeof(sockaddr_un::sun_path) - 1

}  // namespace oxd::paths
