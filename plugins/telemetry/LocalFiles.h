// The plugin's files: the client id (one per user, 0600), the crash marker (one per
// workspace: present while the daemon runs, so finding it at start means the last run ended
// without a stop) and the friction catalog cache (one per user, 0600). Every write is atomic
// (a temporary file renamed over the old one).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace oxd::telemetry {

// Writes `content` to `path` through a temporary file and a rename, mode 0600.
void WriteFileAtomically(const std::filesystem::path& path, const std::string& content);
std::optional<std::string> ReadSmallFile(const std::filesystem::path& path);

// The persisted UUIDv4 in `path`, created when missing or not a UUID.
std::string LoadOrCreateClientId(const std::filesystem::path& path);

struct UncleanExit {
  std::int64_t uptime_seconds = 0;  // from the start to the last time the marker was touched
  std::int64_t pid = 0;
};

class CrashMarker {
 public:
  explicit CrashMarker(std::filesystem::path path) : path_(std::move(path)) {}
  // What an existing marker says about the run that left it; nullopt when there is none.
  std::optional<UncleanExit> previous() const;
  // Writes this run's marker (start time, pid); touch() records that it is still alive.
  void arm(std::chrono::system_clock::time_point started);
  void touch();
  void disarm();

 private:
  std::filesystem::path path_;
  std::chrono::system_clock::time_point started_{};
};

}  // namespace oxd::telemetry
