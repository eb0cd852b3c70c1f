#pragma once
// Finding the project and its identity. Shared by oxd and oxctl, so both compute the same
// workspace id and therefore the same socket.

#include <filesystem>
#include <string>

namespace oxd::project {

// Walks up from `start` to the first directory holding `.oxd/` or `.git`; `start` itself (made
// absolute and real) when none is found.
std::filesystem::path findRoot(const std::filesystem::path& start);

// `repo_id` from <root>/.oxd/project.json; "" when the file or key is absent. Throws
// std::runtime_error naming the file when it exists but is not valid JSON.
std::string readRepoId(const std::filesystem::path& root);

// First 8 lowercase hex chars of SHA-256(repo_id) when repo_id is non-empty, else of the real
// path of `root`.
std::string workspaceId(const std::filesystem::path& root, const std::string& repo_id);

std::string sha256Hex(const std::string& bytes);

}  // namespace oxd::project
