// Crash recovery of the GC swap (docs/behavior.md#gc-recovery). A GC moves `<path>` to
// `<path>.old`, then `<path>.new` (a validated fresh clone) to `<path>`, then deletes `<path>.old`.
// A SIGKILL between any two of those steps leaves one of these states, and each has one safe way
// back:
//
// - path usable: delete any .new / .old (stale: the swap finished or never began);
// - path missing, .old usable: rename .old back (the user's own checkout wins over the clone);
// - path missing, only .new usable: rename .new into place (validated before the first rename);
// - path missing, nothing usable: delete the leftovers; anti-entropy clones again;
// - path there but not usable: touch nothing (the pull's corrupt-checkout rule owns it).
//
// The plan is computed from what is on disk and a "usable repository" predicate, so the decision
// is unit-tested without git; ApplyGcRecovery() carries it out.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace oxd::sync {

std::filesystem::path GcNewPath(const std::filesystem::path& path);  // <path>.new
std::filesystem::path GcOldPath(const std::filesystem::path& path);  // <path>.old

using UsableRepo = std::function<bool(const std::filesystem::path&)>;

struct GcRecoveryPlan {
  std::optional<std::filesystem::path> restore_from;  // renamed onto the checkout path
  std::vector<std::filesystem::path> remove;          // deleted after the rename
  bool empty() const { return !restore_from && remove.empty(); }
};

GcRecoveryPlan PlanGcRecovery(const std::filesystem::path& path, const UsableRepo& usable);

// Carries out `plan` for `path`; returns one line per action for the log. Throws
// std::filesystem::filesystem_error when a rename or delete fails.
std::vector<std::string> ApplyGcRecovery(const std::filesystem::path& path,
                                         const GcRecoveryPlan& plan);

}  // namespace oxd::sync
