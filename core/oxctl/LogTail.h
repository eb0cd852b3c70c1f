#pragma once
// `oxctl logs`: the end of the daemon's log file, and following it like `tail -F`.

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>

namespace oxd::cli {

// The last `count` lines of the open file `fd` (all of it when shorter), read backwards from
// the end in chunks so a 10 MB log costs only what is shown. A last line without '\n' counts.
// `end` receives the offset the text ends at: where following must start.
std::string lastLines(int fd, std::size_t count, off_t& end);

// Writes everything appended to `path` after `offset` (where the caller stopped reading `fd`)
// to stdout as it arrives. Waits on inotify on the file's directory, so an idle log costs no
// wake-ups; a rotation (the path names a new file) finishes the old file and continues with
// the new one from its start, a truncation restarts at 0; both are noted on stderr. Returns
// only by throwing CommandError (watch lost); Ctrl-C ends the process.
[[noreturn]] void followFile(const std::filesystem::path& path, int fd, off_t offset);

}  // namespace oxd::cli
