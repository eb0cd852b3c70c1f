#include "git/GitError.h"

#include <git2.h>

#include <regex>

namespace oxd::sync::git {

std::string_view GitErrorKindName(GitErrorKind kind) {
  switch (kind) {
    case GitErrorKind::kAuthentication:
      return "authentication";
    case GitErrorKind::kTimeout:
      return "timeout";
    case GitErrorKind::kCancelled:
      return "cancelled";
    case GitErrorKind::kNetwork:
      return "network";
    case GitErrorKind::kNotFound:
      return "not_found";
    case GitErrorKind::kNonFastForward:
      return "non_fast_forward";
    case GitErrorKind::kConflict:
      return "conflict";
    case GitErrorKind::kOther:
      return "other";
  }
  return "other";
}

GitError::GitError(GitErrorKind kind, int code, int error_class, std::string_view message)
    : std::runtime_error(SanitizeCredentials(message)),
      kind_(kind),
      code_(code),
      error_class_(error_class) {}

std::string SanitizeCredentials(std::string_view text) {
  // `oauth2:` anywhere (also outside a URL, as git prints it), then any URL userinfo.
  static const std::regex kOauth(R"(oauth2:[^@\s/]*@)");
  static const std::regex kUserPassword(R"((://[^/@\s:]+):[^@\s/]*@)");
  static const std::regex kBareToken(R"((https?://)[^/@\s:]+@)");
  std::string out = std::regex_replace(std::string(text), kOauth, "oauth2:***@");
  out = std::regex_replace(out, kUserPassword, "$1:***@");
  return std::regex_replace(out, kBareToken, "$1***@");
}

namespace {

GitErrorKind KindFromCode(int rc) {
  switch (rc) {
    case GIT_ENOTFOUND:
      return GitErrorKind::kNotFound;
    case GIT_ENONFASTFORWARD:
      return GitErrorKind::kNonFastForward;
    case GIT_ECONFLICT:
    case GIT_EMERGECONFLICT:
    case GIT_EUNMERGED:
      return GitErrorKind::kConflict;
    case GIT_EAUTH:
      return GitErrorKind::kAuthentication;
    default:
      return GitErrorKind::kOther;
  }
}

}  // namespace

void ThrowIfFailed(int rc, std::string_view operation) {
  if (rc < 0) {
    ThrowFailed(rc, operation, KindFromCode(rc));
  }
}

void ThrowFailed(int rc, std::string_view operation, GitErrorKind kind) {
  const git_error* last = git_error_last();
  std::string message(operation);
  int error_class = 0;
  if (last != nullptr && last->message != nullptr) {
    message += ": ";
    message += last->message;
    error_class = last->klass;
  }
  if (kind == GitErrorKind::kOther &&
      (error_class == GIT_ERROR_NET || error_class == GIT_ERROR_HTTP ||
       error_class == GIT_ERROR_SSL || error_class == GIT_ERROR_SSH)) {
    kind = GitErrorKind::kNetwork;
  }
  throw GitError(kind, rc, error_class, message);
}

}  // namespace oxd::sync::git
