#pragma once
// Every oxd of this user: one JSON file (docs/architecture.md#files-and-directories) at
// paths::registryPath(), read by `oxctl daemons`, by a daemon checking whether it was superseded,
// and by clients resolving a socket by repo id. No Poco here: oxctl links this too.
//
//   {"daemons": {"<wsid>": {"workspace_id", "workspace_path", "repo_id"?, "socket_path",
//                           "pid", "version", "started_at"}}}     pretty-printed, 2 spaces
//
// Reads are lock-free: writes replace the file atomically (temp + fsync + rename, 0600, missing
// directory made 0700), so a reader sees an old or a new file, never a torn one. A missing or
// unparsable file reads as empty (and is overwritten by the next write).
//
// Improvement over the Go daemon, which accepted lost updates: every load-modify-save holds an
// exclusive flock on the sibling file `registry.lock`, so daemons starting or stopping at the
// same moment never drop each other's entries. The lock is held only for one read and one
// write; flock is released by the kernel if the holder dies.
//
// Thread-safe: a DaemonRegistry holds only its path; concurrent calls (in this process or
// others) serialize on the lock file.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace oxd::registry {

struct DaemonEntry {
  std::string workspace_id;
  std::string workspace_path;
  std::string repo_id;  // omitted from the file when empty
  std::string socket_path;
  pid_t pid = 0;
  std::string version;  // full "<semver>+<build>"
  // RFC 3339 in the file (UTC, nanoseconds); the epoch stands for Go's zero time, as in sdk.
  std::chrono::system_clock::time_point started_at{};

  bool operator==(const DaemonEntry&) const = default;
};

class DaemonRegistry {
 public:
  explicit DaemonRegistry(std::filesystem::path file);
  static DaemonRegistry atDefaultPath();  // paths::registryPath()

  std::vector<DaemonEntry> list() const;  // sorted by workspace id
  // Empty arguments find nothing.
  std::optional<DaemonEntry> findByWorkspaceId(const std::string& workspace_id) const;
  std::optional<DaemonEntry> findByRepoId(const std::string& repo_id) const;

  // Writes throw std::system_error when the file or its lock cannot be written.
  void upsert(const DaemonEntry& entry);  // keyed by entry.workspace_id (must be non-empty)
  bool remove(const std::string& workspace_id);
  // Removes the entry only while it still names `pid`: a daemon shutting down must not delete
  // the entry of a newer daemon that superseded it.
  bool removeIfPid(const std::string& workspace_id, pid_t pid);
  // Drops entries whose pid is confirmed dead (kill 0 → ESRCH); returns them.
  std::vector<DaemonEntry> pruneDead();

  const std::filesystem::path& file() const { return file_; }

  // The file's time format, exposed for tests and oxctl. parseTime accepts "Z" and ±hh:mm
  // offsets and returns std::nullopt for anything else.
  static std::string formatTime(std::chrono::system_clock::time_point time);
  static std::optional<std::chrono::system_clock::time_point> parseTime(const std::string& text);

 private:
  class Lock;

  const std::filesystem::path file_;
};

}  // namespace oxd::registry
