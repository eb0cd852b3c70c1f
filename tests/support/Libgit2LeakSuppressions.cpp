// libgit2 1.5 (Debian 12) leaks a pcre2 match block on every regex that does not match, e.g. in
// git_remote_create during a clone (fixed upstream in libgit2 PR #6382, 1.6): not ours to free,
// so LeakSanitizer is told to ignore it (core/daemon/main.cpp does the same for oxd). Linked
// into every test executable that clones or fetches with libgit2.
#if defined(__SANITIZE_ADDRESS__)
extern "C" const char* __lsan_default_suppressions() { return "leak:libpcre2-8.so\n"; }
#endif
