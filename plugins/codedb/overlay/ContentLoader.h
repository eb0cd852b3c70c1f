// Reads one working-tree file into a DirtyContent: skip rules first (a file over the size
// limit is never read whole), then language detection and extraction. Safe from any thread.
#pragma once

#include <memory>
#include <string>

#include "extract/SkipRules.h"
#include "overlay/DirtyFile.h"

namespace oxd::codedb {

// `absolute` is the file on disk, `path` its repository-relative name (for the language),
// `stamp` what lstat said just before. A file that changed while being read keeps what was
// read: the change brings its own event and a later refresh.
std::shared_ptr<const DirtyContent> LoadContent(const std::string& absolute,
                                                const std::string& path, const FileStamp& stamp,
                                                const SkipOptions& skip);

}  // namespace oxd::codedb
