#pragma once
// Builds the sdk::Workspace a daemon serves from its project root and `.oxd/project.json`
// (docs/architecture.md#workspace). Every key of the project file is optional; a malformed file is
// refused with an error naming the file and the key, because oxctl must compute the same workspace
// id.

#include <oxd/workspace.h>

#include <filesystem>

namespace oxd::core {

// Throws std::runtime_error("<file>: <problem>") on a malformed project file.
sdk::Workspace loadWorkspace(const std::filesystem::path& project_root);

// Team ids become directory names: path separators, reserved characters, spaces and ".." are
// replaced by "_", leading/trailing "_" and "." trimmed, empty → "unknown"
// (docs/architecture.md#files-and-directories).
std::string sanitizeTeamId(const std::string& team_id);

}  // namespace oxd::core
