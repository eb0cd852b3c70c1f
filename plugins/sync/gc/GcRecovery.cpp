#include "gc/GcRecovery.h"

#include <system_error>

namespace oxd::sync {

namespace fs = std::filesystem;

fs::path GcNewPath(const fs::path& path) { return fs::path(path.string() + ".new"); }
fs::path GcOldPath(const fs::path& path) { return fs::path(path.string() + ".old"); }

GcRecoveryPlan PlanGcRecovery(const fs::path& path, const UsableRepo& usable) {
  std::error_code ignored;
  auto present = [&](const fs::path& candidate) {
    return fs::exists(fs::symlink_status(candidate, ignored));
  };
  GcRecoveryPlan plan;
  fs::path fresh = GcNewPath(path);
  fs::path old = GcOldPath(path);
  if (present(path)) {
    // A checkout that is there but unusable is not the GC's doing (renames are atomic): keep the
    // leftovers, one of them may be the only good copy.
    if (!usable(path)) return plan;
    for (const fs::path& leftover : {fresh, old}) {
      if (present(leftover)) plan.remove.push_back(leftover);
    }
    return plan;
  }
  if (present(old) && usable(old)) {
    plan.restore_from = old;
  } else if (present(fresh) && usable(fresh)) {
    plan.restore_from = fresh;
  }
  for (const fs::path& leftover : {fresh, old}) {
    if (present(leftover) && plan.restore_from != leftover) plan.remove.push_back(leftover);
  }
  return plan;
}

std::vector<std::string> ApplyGcRecovery(const fs::path& path, const GcRecoveryPlan& plan) {
  std::vector<std::string> done;
  if (plan.restore_from) {
    fs::rename(*plan.restore_from, path);
    done.push_back("renamed " + plan.restore_from->string() + " back to " + path.string());
  }
  for (const fs::path& leftover : plan.remove) {
    fs::remove_all(leftover);
    done.push_back("removed stale " + leftover.string());
  }
  return done;
}

}  // namespace oxd::sync
