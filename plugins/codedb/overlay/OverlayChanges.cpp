#include "overlay/OverlayChanges.h"

namespace oxd::codedb {
namespace {

const char* Compare(const DirtyFile& before, const DirtyFile& after) {
  bool existed = before.content != nullptr;
  bool exists = after.content != nullptr;
  if (existed && exists) {
    return before.content->stamp == after.content->stamp ? nullptr : "modified";
  }
  if (existed != exists) {
    return exists ? "created" : "deleted";
  }
  return nullptr;
}

const char* BecameDirty(const DirtyFile& after) {
  if (after.content == nullptr) {
    return "deleted";
  }
  return after.change == DirtyChange::kModified ? "modified" : "created";
}

const char* BecameClean(const DirtyFile& before, const std::string& worktree) {
  std::optional<FileStamp> now = ReadFileStamp(worktree + "/" + before.path);
  if (before.content == nullptr) {
    return now ? "created" : nullptr;
  }
  if (!now) {
    return "deleted";
  }
  return *now == before.content->stamp ? nullptr : "modified";
}

}  // namespace

std::vector<OverlayChange> ChangesBetween(const OverlaySnapshot& before,
                                          const OverlaySnapshot& after,
                                          const std::string& worktree) {
  std::vector<OverlayChange> changes;
  auto add = [&changes](const std::string& path, const char* type) {
    if (type != nullptr) {
      changes.push_back(OverlayChange{path, type});
    }
  };
  const std::vector<DirtyFile>& old_files = before.files();
  const std::vector<DirtyFile>& new_files = after.files();
  auto old_at = old_files.begin();
  auto new_at = new_files.begin();
  while (old_at != old_files.end() || new_at != new_files.end()) {
    if (new_at == new_files.end() || (old_at != old_files.end() && old_at->path < new_at->path)) {
      add(old_at->path, BecameClean(*old_at, worktree));
      ++old_at;
    } else if (old_at == old_files.end() || new_at->path < old_at->path) {
      add(new_at->path, BecameDirty(*new_at));
      ++new_at;
    } else {
      add(new_at->path, Compare(*old_at, *new_at));
      ++old_at;
      ++new_at;
    }
  }
  return changes;
}

}  // namespace oxd::codedb
