#pragma once
// The per-workspace spool of one-way messages (docs/reliability.md#spooled-messages): what
// oxctl could not deliver while the daemon was starting, replayed by the daemon once it serves.
// One NDJSON line per message, appended with O_APPEND and fsync under an exclusive flock.
//
// The hand-over is race-free because both sides follow one order:
//   oxctl:  open → flock → the file is still the one the path names → the daemon still does not
//           accept → write + fsync → unlock
//   daemon: serve → rename the file aside → flock the renamed file → read → unlink → replay
// An appender that locked the file before the rename finishes into the renamed file, which the
// daemon reads only after taking the lock; one that comes after finds the socket accepting.
//
// Shared by oxd and oxctl (no Poco). Functions are safe to call from several processes at once.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace oxd::spool {

// A spool that grows past this is refused (the caller says so) rather than growing without end
// while no daemon can start.
inline constexpr std::size_t kMaxSpoolBytes = 16u << 20;

enum class AppendOutcome {
  Spooled,        // the line is on disk (fsync'ed)
  DaemonServing,  // daemon_serving() said yes with the lock held: nothing written, send instead
};

// Appends `line` (one JSON object, no newline) to `file`, creating it and its directory
// (0700/0600). `daemon_serving` is asked with the lock held, just before writing. Throws
// std::runtime_error naming the file (disk full, spool full, permissions).
AppendOutcome append(const std::filesystem::path& file, const std::string& line,
                     const std::function<bool()>& daemon_serving);

// The daemon's side: every line spooled so far, oldest first, removed from disk before they are
// returned (so a crash while replaying can lose the rest, never repeat one). A claimed file left
// by a crash before its removal comes first. Blank lines are skipped; a torn last line (a
// writer killed mid-write) is returned as it is, for the caller to reject.
std::vector<std::string> takeAll(const std::filesystem::path& file);

// Where takeAll() moves the spool while it reads it.
std::filesystem::path claimedPath(const std::filesystem::path& file);

}  // namespace oxd::spool
