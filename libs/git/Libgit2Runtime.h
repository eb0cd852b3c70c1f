// libgit2's process-wide state: who starts it, what is set, and why it is never shut down.
//
// One copy of libgit2.so serves the whole process, but every plugin module links its own copy of
// this library (static, hidden visibility: nothing of it is shared between modules). The policy,
// owned by this file and followed by every user of libgit2 in oxd:
//
// - Start-up. Every entry point of this library, and every other libgit2 user in a module
//   (codedb's indexer and dirty scanner), calls EnsureLibgit2() before its first libgit2 call.
//   It runs git_libgit2_init() once per module; libgit2 counts the calls, so two modules calling
//   it is fine. Nobody calls git_libgit2_init or git_libgit2_shutdown directly.
// - Global options. No git_libgit2_opts() call anywhere: libgit2's defaults apply to every
//   module. An option set by one module would change every other module's libgit2 too, so a new
//   one is set here, in EnsureLibgit2(), and documented in this comment.
// - The socket stream. EnsureNetworkDeadlines() also replaces libgit2's standard socket stream
//   with the deadline-aware one (DeadlineStream.h), once. The registration is process-wide and
//   its functions read the calling thread's deadline from a thread_local of the registering
//   module's copy of this library, so exactly one module may register it: the one doing network
//   I/O, the sync plugin (its start, and every NetworkSession). A second module registering its
//   own copy would silently take the deadlines away from the first module's threads; a module
//   that only reads local repositories (codedb) calls EnsureLibgit2() alone.
// - Shut-down: never. git_libgit2_shutdown() bringing the count to zero frees libgit2's global
//   state (thread-local error slots, the stream registration, caches) while another module's
//   threads may still be inside libgit2, and a later init would come back with the plain,
//   deadline-less socket stream. The stream's functions live in a plugin module, which stays
//   mapped until the process exits (core/host/PluginLoader.h), so the registration stays valid;
//   at exit the operating system reclaims what libgit2 holds.
// - Threads. Both functions are thread-safe (std::call_once; libgit2 guards its init counter
//   and stream registry itself). libgit2 objects are not: a handle (Handles.h) is used by one
//   thread at a time.
#pragma once

namespace oxd::git {

// Calls git_libgit2_init() once for this module. Throws GitError if it fails.
void EnsureLibgit2();

// EnsureLibgit2(), then installs the deadline-aware socket stream (DeadlineStream.h) as
// libgit2's standard stream, once. Only the module doing libgit2 network I/O calls it (see
// above). Throws GitError if either fails.
void EnsureNetworkDeadlines();

}  // namespace oxd::git
