// One-time, thread-safe libgit2 initialisation for the whole process. Every public entry point
// of the git layer calls EnsureLibgit2() first; libgit2 is never shut down (other threads or
// plugins may still hold its objects at exit).
#pragma once

namespace oxd::sync::git {

// Calls git_libgit2_init() once and installs the deadline-aware socket stream (DeadlineStream.h)
// as libgit2's standard stream. Throws GitError if either fails.
void EnsureLibgit2();

}  // namespace oxd::sync::git
