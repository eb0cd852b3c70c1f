#include "git/GitError.h"

#include <git2.h>

#include <cctype>

namespace oxd::git {

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

namespace {

bool EndsUserinfo(char c) {
  return c == '/' || c == '@' || std::isspace(static_cast<unsigned char>(c));
}

// The length of "<userinfo>@" at `at` (userinfo: no '/', '@' or space), 0 when there is none.
std::size_t UserinfoLength(std::string_view text, std::size_t at) {
  std::size_t end = at;
  while (end < text.size() && !EndsUserinfo(text[end])) ++end;
  return end < text.size() && text[end] == '@' ? end - at + 1 : 0;
}

}  // namespace

// Hand-written rather than std::regex: it runs on every error message, and GCC 12's regex
// headers trip -Wmaybe-uninitialized under the sanitizers (-Werror).
std::string SanitizeCredentials(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    // `oauth2:<token>@` anywhere, as git prints it also outside a URL.
    if (text.compare(i, 7, "oauth2:") == 0) {
      if (std::size_t length = UserinfoLength(text, i + 7)) {
        out += "oauth2:***@";
        i += 7 + length;
        continue;
      }
    }
    // URL userinfo: `://user:secret@` keeps the user; http(s) `://token@` hides it whole.
    if (text.compare(i, 3, "://") == 0) {
      if (std::size_t length = UserinfoLength(text, i + 3)) {
        std::string_view userinfo = text.substr(i + 3, length - 1);
        std::string_view scheme = text.substr(0, i);
        bool http = scheme.ends_with("http") || scheme.ends_with("https");
        std::size_t colon = userinfo.find(':');
        if (colon != std::string_view::npos && colon > 0) {
          out += "://" + std::string(userinfo.substr(0, colon)) + ":***@";
          i += 3 + length;
          continue;
        }
        if (http && !userinfo.empty()) {
          out += "://***@";
          i += 3 + length;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
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

}  // namespace oxd::git
