// One uncommitted file of the working tree as the overlay holds it. Immutable once built:
// snapshots share DirtyContent between them for as long as the file is unchanged, and many
// query threads read it without locks.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "extract/Extraction.h"
#include "extract/Language.h"
#include "overlay/FileStamp.h"

namespace oxd::codedb {

// The working tree against HEAD, staged and unstaged changes together (like `git status`
// lists a path when either differs).
enum class DirtyChange {
  kModified,   // in HEAD, different in the index or the working tree (or a type change)
  kAdded,      // not in HEAD, staged
  kDeleted,    // gone from the working tree (in HEAD or staged)
  kUntracked,  // not in HEAD nor the index, not ignored
};

// "modified", "added", "deleted", "untracked".
std::string_view DirtyChangeName(DirtyChange change);

// What was read from the working-tree file. Its address never changes (it lives behind a
// shared_ptr), so the Extraction's views into `text` stay valid as long as it lives.
struct DirtyContent {
  FileStamp stamp;  // of the file when read: unchanged stamp, same content (reused)
  Language language = Language::kUnknown;
  std::string text;         // empty when skipped
  std::string skip_reason;  // SkipReasonName, or "symlink" / "not_a_file"; empty: searchable
  std::string skip_detail;  // for people: "1234567 bytes > 1048576"
  Extraction extraction;    // symbols and comments; views into `text`
};

struct DirtyFile {
  std::string path;  // repository-relative, '/' separated
  DirtyChange change = DirtyChange::kModified;
  std::shared_ptr<const DirtyContent> content;  // null when deleted

  bool searchable() const { return content != nullptr && content->skip_reason.empty(); }
};

}  // namespace oxd::codedb
