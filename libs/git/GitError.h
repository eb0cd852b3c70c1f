// The one exception type of the git layer. It carries libgit2's error class and code and a
// message with every credential removed, so it can go into logs, issues and replies as is.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace oxd::git {

// What the caller does next depends on the kind: authentication and not-found failures are
// permanent until the user acts, timeouts and network failures are retried with backoff,
// non-fast-forward pushes are retried after a pull.
enum class GitErrorKind {
  kAuthentication,
  kTimeout,
  kCancelled,
  kNetwork,
  kNotFound,
  kNonFastForward,
  kConflict,
  kOther,
};

std::string_view GitErrorKindName(GitErrorKind kind);

class GitError : public std::runtime_error {
 public:
  // `message` is sanitized here; callers may pass raw libgit2 text.
  GitError(GitErrorKind kind, int code, int error_class, std::string_view message);

  GitErrorKind kind() const { return kind_; }
  // libgit2's return code (GIT_E*) and error class (GIT_ERROR_*); 0 when not from libgit2.
  int code() const { return code_; }
  int error_class() const { return error_class_; }

 private:
  GitErrorKind kind_;
  int code_;
  int error_class_;
};

// Replaces the secret part of URL userinfo: `oauth2:<token>@` → `oauth2:***@`,
// `user:pass@` → `user:***@`, and a bare `<token>@` in an http(s) URL → `***@`.
std::string SanitizeCredentials(std::string_view text);

// Throws a GitError built from git_error_last() when `rc` < 0; `operation` prefixes the message
// ("fetch origin: ..."). The kind comes from the code (GIT_ENOTFOUND, GIT_ENONFASTFORWARD, ...).
void ThrowIfFailed(int rc, std::string_view operation);
[[noreturn]] void ThrowFailed(int rc, std::string_view operation, GitErrorKind kind);

}  // namespace oxd::git
