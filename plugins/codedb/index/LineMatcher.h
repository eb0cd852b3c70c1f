// Finds the lines of a text holding a literal needle, the way `git grep -n -F` reports them
// (one hit a line, lines split at '\n', 1-based). The trigram index only proposes candidate
// blobs (a superset); this scan decides, so results are exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace oxd::codedb {

struct MatchOptions {
  bool whole_word = false;   // like `git grep -w`: no [A-Za-z0-9_] right before or after
  bool ignore_case = false;  // ASCII letters only
};

struct LineMatch {
  std::uint32_t line = 0;    // 1-based
  std::uint32_t column = 0;  // 1-based byte column of the first accepted match in the line
  std::string_view text;     // the whole line, without '\n' or a trailing '\r'
};

class LineMatcher {
 public:
  LineMatcher(std::string_view needle, MatchOptions options);
  // `text` must outlive the returned views.
  std::vector<LineMatch> FindLines(std::string_view text) const;

 private:
  std::size_t FindFrom(std::string_view text, std::string_view lowered, std::size_t from) const;
  std::string needle_;
  MatchOptions options_;
};

// A line cut to at most `max_bytes` around `column` (on UTF-8 character boundaries).
std::string SnippetOf(std::string_view line, std::uint32_t column, std::size_t max_bytes = 240);

}  // namespace oxd::codedb
