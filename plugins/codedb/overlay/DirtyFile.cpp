#include "overlay/DirtyFile.h"

namespace oxd::codedb {

std::string_view DirtyChangeName(DirtyChange change) {
  switch (change) {
    case DirtyChange::kModified:
      return "modified";
    case DirtyChange::kAdded:
      return "added";
    case DirtyChange::kDeleted:
      return "deleted";
    case DirtyChange::kUntracked:
      return "untracked";
  }
  return "modified";
}

}  // namespace oxd::codedb
