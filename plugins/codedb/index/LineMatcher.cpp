#include "index/LineMatcher.h"

#include <algorithm>

namespace oxd::codedb {
namespace {

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsWordByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

LineMatcher::LineMatcher(std::string_view needle, MatchOptions options)
    : needle_(needle), options_(options) {
  if (options_.ignore_case) {
    std::transform(needle_.begin(), needle_.end(), needle_.begin(), LowerAscii);
  }
}

std::size_t LineMatcher::FindFrom(std::string_view text, std::string_view lowered,
                                  std::size_t from) const {
  std::string_view haystack = options_.ignore_case ? lowered : text;
  while (true) {
    std::size_t at = haystack.find(needle_, from);
    if (at == std::string_view::npos || !options_.whole_word) {
      return at;
    }
    std::size_t end = at + needle_.size();
    bool word_before = at > 0 && IsWordByte(text[at - 1]);
    bool word_after = end < text.size() && IsWordByte(text[end]);
    if (!word_before && !word_after) {
      return at;
    }
    from = at + 1;
  }
}

std::vector<LineMatch> LineMatcher::FindLines(std::string_view text) const {
  std::vector<LineMatch> lines;
  if (needle_.empty()) {
    return lines;
  }
  std::string lowered;
  if (options_.ignore_case) {
    lowered.resize(text.size());
    std::transform(text.begin(), text.end(), lowered.begin(), LowerAscii);
  }
  std::uint32_t line_number = 1;
  std::size_t counted_to = 0;  // line_number is the line holding this offset
  std::size_t from = 0;
  while (true) {
    std::size_t at = FindFrom(text, lowered, from);
    if (at == std::string_view::npos) {
      break;
    }
    std::size_t line_start = text.rfind('\n', at == 0 ? 0 : at - 1);
    line_start = (line_start == std::string_view::npos || at == 0) ? 0 : line_start + 1;
    // A needle never holds '\n' (CheckQueryText), so the match lies inside one line.
    line_number += static_cast<std::uint32_t>(
        std::count(text.begin() + counted_to, text.begin() + line_start, '\n'));
    counted_to = line_start;
    std::size_t line_end = text.find('\n', at);
    if (line_end == std::string_view::npos) {
      line_end = text.size();
    }
    std::string_view line = text.substr(line_start, line_end - line_start);
    if (line.ends_with('\r')) {
      line.remove_suffix(1);
    }
    lines.push_back(LineMatch{line_number, static_cast<std::uint32_t>(at - line_start + 1), line});
    from = line_end + 1;
    if (from >= text.size()) {
      break;
    }
  }
  return lines;
}

std::string SnippetOf(std::string_view line, std::uint32_t column, std::size_t max_bytes) {
  if (line.size() <= max_bytes) {
    return std::string(line);
  }
  std::size_t start = column > max_bytes / 3 ? column - 1 - max_bytes / 3 : 0;
  start = std::min(start, line.size() - max_bytes);
  while (start > 0 && IsContinuationByte(line[start])) {
    --start;
  }
  std::size_t end = std::min(line.size(), start + max_bytes);
  while (end < line.size() && IsContinuationByte(line[end])) {
    --end;
  }
  return std::string(line.substr(start, end - start));
}

}  // namespace oxd::codedb
