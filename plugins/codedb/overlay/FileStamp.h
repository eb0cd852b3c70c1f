// What says "this file has not changed since it was read": size, mtime, ctime, inode and mode
// from lstat(2). Pure value; the functions are safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace oxd::codedb {

struct FileStamp {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  std::uint64_t inode = 0;
  std::uint32_t mode = 0;  // st_mode: file type and permission bits

  bool operator==(const FileStamp&) const = default;
  bool IsRegularFile() const;
  bool IsSymlink() const;
  bool IsDirectory() const;
};

// The stamp of `path` without following a final symlink; nullopt when it does not exist (or
// cannot be stat'ed).
std::optional<FileStamp> ReadFileStamp(const std::string& path);

}  // namespace oxd::codedb
