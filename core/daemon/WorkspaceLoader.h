#pragma once
// Builds the sdk::Workspace a daemon serves from its project root and `.oxd/project.json`
// (docs/architecture.md#workspace). Every key of the project file is optional; a malformed file is
// refused with an error naming the file and the key, because oxctl must compute the same workspace
// id.

#include <oxd/workspace.h>

#include <filesystem>
#include <string>

namespace oxd::core {

// Throws std::runtime_error("<file>: <problem>") on a malformed project file.
sdk::Workspace loadWorkspace(const std::filesystem::path& project_root);

// `team_id` of the project file: the project's own team, whose team context `status` shows as
// "This Project" (docs/protocol.md#status). "" when absent, or when the file cannot be read now
// (loadWorkspace already refused a malformed one at start). Reads the file each call; not part
// of sdk::Workspace because no plugin needs it.
std::string loadProjectTeamId(const std::filesystem::path& project_root);

// Team ids become directory names: path separators, reserved characters, spaces and ".." are
// replaced by "_", leading/trailing "_" and "." trimmed, empty → "unknown"
// (docs/architecture.md#files-and-directories).
std::string sanitizeTeamId(const std::string& team_id);

}  // namespace oxd::core
