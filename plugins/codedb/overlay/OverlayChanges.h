// What a settled batch changed in the working tree, for the bus's `files.changed`
// ({"changes":[{path,type}]}): derived from two snapshots, so a full rescan (after an overflow,
// with the events lost) reports the same as incremental refreshes do. Only dirty paths (before
// or after) are considered: ignored files never show; a file created and deleted within one
// batch, or touched without a change, does not either.
#pragma once

#include <string>
#include <vector>

#include "overlay/OverlaySnapshot.h"

namespace oxd::codedb {

struct OverlayChange {
  std::string path;  // repository-relative
  std::string type;  // "created", "modified", "deleted"
  bool operator==(const OverlayChange&) const = default;
};

// Sorted by path. A path dirty only `before` (now clean, or ignored) is looked up on disk
// under `worktree`: restored (created), reverted (modified), removed (deleted), or unchanged
// (committed or staged: no change to the file, not reported).
std::vector<OverlayChange> ChangesBetween(const OverlaySnapshot& before,
                                          const OverlaySnapshot& after,
                                          const std::string& worktree);

}  // namespace oxd::codedb
