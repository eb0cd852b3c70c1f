#include "overlay/FileStamp.h"

#include <sys/stat.h>

namespace oxd::codedb {

bool FileStamp::IsRegularFile() const { return S_ISREG(mode); }
bool FileStamp::IsSymlink() const { return S_ISLNK(mode); }
bool FileStamp::IsDirectory() const { return S_ISDIR(mode); }

std::optional<FileStamp> ReadFileStamp(const std::string& path) {
  struct stat info {};
  if (lstat(path.c_str(), &info) != 0) {
    return std::nullopt;
  }
  FileStamp stamp;
  stamp.size = static_cast<std::uint64_t>(info.st_size);
  stamp.mtime_ns =
      static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
  stamp.ctime_ns =
      static_cast<std::int64_t>(info.st_ctim.tv_sec) * 1'000'000'000 + info.st_ctim.tv_nsec;
  stamp.inode = static_cast<std::uint64_t>(info.st_ino);
  stamp.mode = static_cast<std::uint32_t>(info.st_mode);
  return stamp;
}

}  // namespace oxd::codedb
