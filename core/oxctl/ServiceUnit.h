#pragma once
// The text `oxctl service install` writes: the systemd user unit (Linux) and the launchd
// LaunchAgent (macOS), rendered from the templates in packaging/ that the build compiles in,
// and the systemd names they are installed under. Pure functions, no I/O; thread-safe.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace oxd::cli::service {

// The templates, as packaging/systemd/oxd@.service.in and packaging/launchd/dev.oxd.plist.in
// hold them (one source of truth: CMake configures the installed copies from the same files).
std::string_view systemdUnitTemplate();
std::string_view launchdPlistTemplate();

// What `systemd-escape --path PATH` prints: "." and repeated or trailing slashes dropped, the
// leading slash dropped, "/" → "-", and every byte outside [A-Za-z0-9:_.] (and a leading ".")
// as \xNN. "/" alone is "-". Throws std::invalid_argument for a path with a ".." component
// (systemd refuses it too) or an empty one.
std::string escapePath(const std::filesystem::path& path);

// "oxd@<escapePath(project_root)>.service". Throws std::invalid_argument when the name would
// exceed systemd's 255-byte limit for unit names.
std::string systemdInstance(const std::filesystem::path& project_root);

// The template with ExecStart pointing at `oxd_binary` (quoted for systemd when it needs it).
std::string renderSystemdUnit(std::string_view unit_template,
                              const std::filesystem::path& oxd_binary);

// Ledger and team-context checkouts the project file places outside the unit's writable paths
// (the project and `data_dir`), resolved against `project_root`. `project_file` is the parsed
// .oxd/project.json (null when there is none).
std::vector<std::filesystem::path> checkoutsOutside(const nlohmann::json& project_file,
                                                    const std::filesystem::path& project_root,
                                                    const std::filesystem::path& data_dir);

// A drop-in that makes `paths` writable for one instance ("" when `paths` is empty).
std::string renderPathsDropIn(const std::vector<std::filesystem::path>& paths);

// "dev.oxd.<workspace id>".
std::string launchdLabel(std::string_view workspace_id);

struct LaunchdFields {
  std::string label;
  std::filesystem::path oxd_binary;
  std::filesystem::path project_root;
  std::filesystem::path log_dir;
};

// The plist template with every field filled, XML-escaped.
std::string renderLaunchdPlist(std::string_view plist_template, const LaunchdFields& fields);

}  // namespace oxd::cli::service
