#include "index/PathGlob.h"

#include <string>

namespace oxd::codedb {
namespace {

// Backtracking match; patterns are short and user-given, so the worst case (many stars) is
// bounded by pattern length times path length per star.
bool Match(std::string_view pattern, std::string_view text) {
  while (!pattern.empty()) {
    if (pattern.starts_with("**")) {
      std::string_view rest = pattern.substr(2);
      bool slash_after = rest.starts_with('/');
      for (std::size_t skip = 0; skip <= text.size(); ++skip) {
        if (Match(rest, text.substr(skip))) {
          return true;
        }
        // `**/` may also stand for no directory at all.
        if (slash_after && skip == 0 && Match(rest.substr(1), text)) {
          return true;
        }
      }
      return false;
    }
    if (pattern[0] == '*') {
      for (std::size_t skip = 0; skip <= text.size(); ++skip) {
        if (Match(pattern.substr(1), text.substr(skip))) {
          return true;
        }
        if (skip < text.size() && text[skip] == '/') {
          return false;
        }
      }
      return false;
    }
    if (text.empty()) {
      return false;
    }
    if (pattern[0] == '?' ? text[0] == '/' : pattern[0] != text[0]) {
      return false;
    }
    pattern.remove_prefix(1);
    text.remove_prefix(1);
  }
  return text.empty();
}

}  // namespace

bool MatchPathGlob(std::string_view pattern, std::string_view path) {
  if (pattern.empty()) {
    return true;
  }
  if (pattern.ends_with('/')) {
    return path.starts_with(pattern) || Match(std::string(pattern) + "**", path);
  }
  if (pattern.find('/') == std::string_view::npos) {
    std::size_t slash = path.rfind('/');
    return Match(pattern, slash == std::string_view::npos ? path : path.substr(slash + 1));
  }
  return Match(pattern, path);
}

}  // namespace oxd::codedb
