#pragma once
// Small, durable file writes for the state files oxd and oxctl share (daemon registry, error
// store, restart history). No Poco here: oxctl links this too.
//
// Every function is thread-safe in the sense that it touches no shared state; two writers of
// the same path must still agree on ordering themselves (a mutex, or the registry's flock):
// each write is atomic, but the last rename wins.

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace oxd::files {

// Replaces `path` with `contents` so that a reader (or a crash) sees either the old file or the
// new one, never a torn one: writes a unique sibling "<name>.<pid>.<n>.tmp" with `mode`, fsyncs
// it, renames it over `path`, then fsyncs the directory. A missing parent directory is created
// with mode 0700 (an existing one keeps its mode: we do not chmod directories we did not make).
// On failure the temp file is removed and std::system_error is thrown naming the step and path.
void writeAtomically(const std::filesystem::path& path, std::string_view contents,
                     mode_t mode = 0600);

// Creates `dir` and any missing parents with mode 0700; existing directories are left as they
// are. Throws std::system_error.
void makeMissingDirs(const std::filesystem::path& dir);

// The whole file, or std::nullopt when it does not exist. Throws std::system_error for any
// other failure (a directory, no permission).
std::optional<std::string> readWhole(const std::filesystem::path& path);

}  // namespace oxd::files
