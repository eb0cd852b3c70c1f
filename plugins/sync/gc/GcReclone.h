// One blue-green reclone of a checkout (docs/behavior.md#gc-reclone):
//   1. refuse when the checkout holds work a reclone would drop: uncommitted or untracked files
//      (ignored files do not count, as in `git status --porcelain`), commits not on the upstream
//      branch, or a stash — the 0.3 daemon only looked at the working tree;
//   2. clone into `<path>.new` with the git layer (itself staged in a hidden sibling and renamed,
//      so `.new` only ever holds a complete clone);
//   3. validate `.new`: a readable repository, HEAD at the commit the clone reported;
//   4. swap by renames: path → `.old`, `.new` → path (on failure `.old` goes back), delete `.old`.
// Each step leaves a state GcRecovery.h knows how to undo or finish after a SIGKILL.
// Runs on the calling (worker) thread; the caller keeps pulls and clones of the repo away.
#pragma once

#include <Poco/Logger.h>

#include <filesystem>
#include <optional>
#include <string>

#include "git/NetworkOptions.h"

namespace oxd::sync {

// Why `path` must not be recloned ("uncommitted or untracked files: a.txt, b/"), or nullopt when
// it is clean. A checkout that cannot be read counts as holding work: GC never guesses.
std::optional<std::string> LocalWorkBlockingGc(const std::filesystem::path& path);

// True when `path` is a repository libgit2 opens with a readable HEAD (the recovery predicate).
bool IsUsableCheckout(const std::filesystem::path& path);

// Steps 2-4. Returns the new HEAD; throws GitError or filesystem_error, leaving the checkout as it
// was (a failed clone or validation deletes `.new`).
std::string RecloneAndSwap(const std::filesystem::path& path, const std::string& url,
                           const git::NetworkOptions& network, Poco::Logger& logger);

}  // namespace oxd::sync
