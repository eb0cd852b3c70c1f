#pragma once
// Clang's thread-safety attributes (the LevelDB/Abseil set), so that which lock guards which
// state is a contract the compiler checks: clang with -Wthread-safety (scripts/test.sh runs it
// over core/) reports a guarded member touched without its lock, or a lock taken twice or never
// released. With gcc, or clang without the attributes, every macro expands to nothing.
//
// std::mutex carries no annotations in libstdc++: lock state with oxd::core::Mutex and
// MutexLock (common/Mutex.h) for the analysis to see it.

#if defined(__clang__) && defined(__has_attribute)
#if __has_attribute(guarded_by)
#define OXD_THREAD_ANNOTATION(x) __attribute__((x))
#endif
#endif
#ifndef OXD_THREAD_ANNOTATION
#define OXD_THREAD_ANNOTATION(x)
#endif

// On a member: read or written only with the capability held (shared suffices for reads).
#define GUARDED_BY(x) OXD_THREAD_ANNOTATION(guarded_by(x))
// On a pointer member: what it points to is guarded (the pointer itself is not).
#define PT_GUARDED_BY(x) OXD_THREAD_ANNOTATION(pt_guarded_by(x))
// On a mutex member: must be taken after (or before) the named ones.
#define ACQUIRED_AFTER(...) OXD_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))
#define ACQUIRED_BEFORE(...) OXD_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))

// On a function: the caller must hold (exclusively / shared) the capabilities.
#define REQUIRES(...) OXD_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) OXD_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
// On a function: the caller must not hold the capabilities (it takes them itself).
#define EXCLUDES(...) OXD_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))

// On a function: it takes / gives back the capability (no argument: `this`).
#define ACQUIRE(...) OXD_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) OXD_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) OXD_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) OXD_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define RELEASE_GENERIC(...) OXD_THREAD_ANNOTATION(release_generic_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) OXD_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
// On a function: asserts at run time that the capability is held; the analysis trusts it.
#define ASSERT_CAPABILITY(x) OXD_THREAD_ANNOTATION(assert_capability(x))
// On a function: returns a reference to the named capability.
#define RETURN_CAPABILITY(x) OXD_THREAD_ANNOTATION(lock_returned(x))

// On a class: it is a capability (a lock), or an RAII object holding one for a scope.
#define CAPABILITY(x) OXD_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY OXD_THREAD_ANNOTATION(scoped_lockable)

// On a function the analysis cannot follow; say why next to it.
#define NO_THREAD_SAFETY_ANALYSIS OXD_THREAD_ANNOTATION(no_thread_safety_analysis)
