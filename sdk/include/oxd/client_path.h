#pragma once
// The checks every path a client sends goes through, whichever plugin reads it
// (docs/reliability.md#paths-from-clients):
//   - its text: no NUL and no control character. JSON carries "\u0000" happily, but the file
//     system stops at the NUL, so ".../nul-X\u0000x" would silently mean ".../nul-X";
//   - where it points: never into the daemon's own files (the data of every workspace, the cache,
//     state, runtime and config dirs). A clone or a move-aside there destroys stores the daemon
//     has open.
// Each returns "" when the path is fine, else the reason, for the caller's own error type.
// Header-only; reads the file system (symlinks) but never changes it.

#include <oxd/workspace.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace oxd::sdk {

// Why `path` is not acceptable as text, or "".
inline std::string clientPathTextProblem(std::string_view path) {
  for (unsigned char c : path) {
    if (c == 0) return "holds a NUL byte";
    if (c < 0x20 || c == 0x7f) return "holds a control character";
  }
  return "";
}

// The dirs no client path may reach, each with a name for the error: `path` resolved.
inline std::vector<std::pair<std::string, std::filesystem::path>> daemonOwnDirs(
    const Workspace& workspace) {
  std::vector<std::pair<std::string, std::filesystem::path>> dirs;
  auto add = [&](const char* what, const std::filesystem::path& dir) {
    if (dir.empty()) return;
    std::error_code error;
    std::filesystem::path resolved = std::filesystem::weakly_canonical(dir, error);
    dirs.emplace_back(what, error ? dir.lexically_normal() : resolved);
  };
  // Every workspace's data, not only this one's: another daemon's stores are as open as ours.
  if (!workspace.workspace_data_dir.empty()) {
    add("workspace data", workspace.workspace_data_dir.parent_path());
  }
  if (!workspace.cache_dir.empty()) add("cache", workspace.cache_dir.parent_path());
  add("state", workspace.state_dir);
  add("runtime", workspace.runtime_dir);
  add("config", workspace.config_dir);
  return dirs;
}

// Why `path` (absolute) must not be used: it is, or lies inside, one of the daemon's own dirs
// once the symlinks of its existing part are resolved. "" when it is outside all of them.
inline std::string daemonDirProblem(const Workspace& workspace, const std::filesystem::path& path) {
  std::error_code error;
  std::filesystem::path resolved = std::filesystem::weakly_canonical(path, error);
  if (error) resolved = path.lexically_normal();
  for (const auto& [what, dir] : daemonOwnDirs(workspace)) {
    std::filesystem::path relative = resolved.lexically_relative(dir);
    if (!relative.empty() && *relative.begin() != "..") {
      return path.string() + " is inside oxd's own " + what + " dir " + dir.string();
    }
  }
  return "";
}

// Both checks, text first: the reason, or "".
inline std::string clientPathProblem(const Workspace& workspace, std::string_view path) {
  if (std::string problem = clientPathTextProblem(path); !problem.empty()) return problem;
  if (path.empty()) return "";
  return daemonDirProblem(workspace, std::filesystem::path(std::string(path)));
}

}  // namespace oxd::sdk
