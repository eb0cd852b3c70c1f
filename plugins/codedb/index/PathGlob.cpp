#include "index/PathGlob.h"

#include <string>
#include <vector>

namespace oxd::codedb {
namespace {

// Backtracking match over suffixes of one pattern and one text. Whether a pattern suffix
// matches a text suffix depends on nothing else, so a pair that failed once is remembered and
// never searched again: at most (pattern + 1) x (text + 1) searches of at most text + 1 steps
// each. Without that, stars backtracked exponentially ("*a*a*a*a*…b" against "aaaa…", found by
// tests/fuzz).
class Matcher {
 public:
  Matcher(std::string_view pattern, std::string_view text)
      : pattern_(pattern), text_(text), failed_((pattern.size() + 1) * (text.size() + 1)) {}

  // `pattern` and `text` are suffixes of the matcher's own.
  bool Match(std::string_view pattern, std::string_view text) {
    std::size_t key =
        (pattern_.size() - pattern.size()) * (text_.size() + 1) + (text_.size() - text.size());
    if (failed_[key]) {
      return false;
    }
    bool matched = Search(pattern, text);
    if (!matched) {
      failed_[key] = true;
    }
    return matched;
  }

 private:
  bool Search(std::string_view pattern, std::string_view text) {
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

  std::string_view pattern_;
  std::string_view text_;
  std::vector<bool> failed_;
};

bool Match(std::string_view pattern, std::string_view text) {
  return Matcher(pattern, text).Match(pattern, text);
}

}  // namespace

bool MatchPathGlob(std::string_view pattern, std::string_view path) {
  if (pattern.empty()) {
    return true;
  }
  if (pattern.ends_with('/')) {
    std::string under = std::string(pattern) + "**";
    return path.starts_with(pattern) || Match(under, path);
  }
  if (pattern.find('/') == std::string_view::npos) {
    std::size_t slash = path.rfind('/');
    return Match(pattern, slash == std::string_view::npos ? path : path.substr(slash + 1));
  }
  return Match(pattern, path);
}

}  // namespace oxd::codedb
