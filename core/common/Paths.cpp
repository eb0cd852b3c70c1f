#include "common/Paths.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <system_error>

namespace oxd::paths {
namespace fs = std::filesystem;

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// XDG says a relative value must be ignored.
fs::path xdg(const char* variable, const char* fallback_under_home) {
  fs::path value = env(variable);
  if (value.is_absolute()) return value / "oxd";
  return home() / fallback_under_home / "oxd";
}

std::string uidText() { return std::to_string(::getuid()); }

}  // namespace

fs::path home() {
  std::string value = env("HOME");
  return value.empty() ? fs::path("/") : fs::path(value);
}

fs::path configDir() { return xdg("XDG_CONFIG_HOME", ".config"); }
fs::path dataDir() { return xdg("XDG_DATA_HOME", ".local/share"); }
fs::path cacheDir() { return xdg("XDG_CACHE_HOME", ".cache"); }
fs::path stateDir() { return xdg("XDG_STATE_HOME", ".local/state"); }

fs::path runtimeDir() {
  fs::path value = env("XDG_RUNTIME_DIR");
  if (value.is_absolute()) return value / "oxd";
  return fs::path("/tmp") / ("oxd-" + uidText());
}

fs::path socketPath(const std::string& workspace_id) {
  std::string forced = env("OXD_SOCKET");
  if (!forced.empty()) return forced;
  fs::path path = runtimeDir() / ("oxd-" + workspace_id + ".sock");
  if (path.native().size() <= kMaxSocketPath) return path;
  return fs::path("/tmp") / ("oxd-" + uidText()) / (workspace_id + ".sock");
}

fs::path pidPath(const std::string& workspace_id) {
  return runtimeDir() / ("oxd-" + workspace_id + ".pid");
}

fs::path registryPath() { return runtimeDir() / "registry.json"; }

fs::path spoolPath(const std::string& workspace_id) {
  return stateDir() / "spool" / (workspace_id + ".ndjson");
}

fs::path logPath(const std::string& workspace_id) {
  return stateDir() / "logs" / ("oxd-" + workspace_id + ".log");
}

fs::path workspaceDataDir(const std::string& workspace_id) {
  return dataDir() / "workspaces" / workspace_id;
}

void ensurePrivateDir(const fs::path& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) throw fs::filesystem_error("cannot create directory", dir, error);
  if (::chmod(dir.c_str(), 0700) != 0) {
    throw fs::filesystem_error("cannot set mode 0700", dir,
                               std::error_code(errno, std::generic_category()));
  }
}

}  // namespace oxd::paths
