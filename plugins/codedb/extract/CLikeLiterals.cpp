// The literals of the C-like languages: strings and chars, Java text blocks, JavaScript
// templates and regexes, C++ and Rust raw strings, Rust chars and lifetimes, numbers, and
// multi-character punctuators. Each scanner returns the position just after its literal.
#include <algorithm>
#include <array>
#include <string_view>

#include "CLikeLexer.h"
#include "CharClass.h"

namespace oxd::codedb {
namespace {

using lexing::ClassOf;
using lexing::IsIdentChar;

// Keywords after which a `/` starts a regex literal rather than a division.
bool IsRegexPrefixKeyword(std::string_view word) {
  static constexpr std::array<std::string_view, 14> kWords = {
      "return", "typeof", "instanceof", "in", "of",   "new",   "delete",
      "void",   "throw",  "case",       "do", "else", "yield", "await"};
  return std::find(kWords.begin(), kWords.end(), word) != kWords.end();
}

}  // namespace

std::size_t CLikeLexer::SkipQuoted(std::size_t pos, char quote) {
  // Ends at the closing quote, or before an unescaped newline: an unterminated string or an
  // apostrophe in stray text (JSX prose, a `#error` message) costs one line, not the file.
  while (pos < text_.size()) {
    const char c = text_[pos];
    if (c == quote) {
      return pos + 1;
    }
    if (c == '\\') {
      if (At(pos + 1) == '\n') {
        ++line_;
      }
      pos += 2;
      continue;
    }
    if (c == '\n') {
      return pos;
    }
    ++pos;
  }
  return text_.size();
}

std::size_t CLikeLexer::SkipTextBlock(std::size_t pos) {
  while (pos < text_.size()) {
    const char c = text_[pos];
    if (c == '\\') {
      pos += 2;
      continue;
    }
    if (c == '"' && At(pos + 1) == '"' && At(pos + 2) == '"') {
      return pos + 3;
    }
    if (c == '\n') {
      ++line_;
    }
    ++pos;
  }
  return text_.size();
}

std::size_t CLikeLexer::SkipTemplate(std::size_t pos) {
  while (pos < text_.size()) {
    const char c = text_[pos];
    if (c == '\\') {
      if (At(pos + 1) == '\n') {
        ++line_;
      }
      pos += 2;
    } else if (c == '`') {
      return pos + 1;
    } else if (c == '$' && At(pos + 1) == '{' && template_nesting_ < 64) {
      ++template_nesting_;
      pos = SkipTemplateExpression(pos + 2);
      --template_nesting_;
    } else {
      if (c == '\n') {
        ++line_;
      }
      ++pos;
    }
  }
  return text_.size();
}

std::size_t CLikeLexer::SkipTemplateExpression(std::size_t pos) {
  // Code inside ${…}: braces, nested strings and templates; comments there are not recorded.
  int depth = 1;
  while (pos < text_.size()) {
    const char c = text_[pos];
    if (c == '{') {
      ++depth;
      ++pos;
    } else if (c == '}') {
      ++pos;
      if (--depth == 0) {
        return pos;
      }
    } else if (c == '"' || c == '\'') {
      pos = SkipQuoted(pos + 1, c);
    } else if (c == '`') {
      pos = SkipTemplate(pos + 1);
    } else if (c == '/' && At(pos + 1) == '*') {
      const std::size_t close = text_.find("*/", pos + 2);
      const std::size_t end = close == std::string_view::npos ? text_.size() : close + 2;
      CountLines(pos, end);
      pos = end;
    } else {
      if (c == '\n') {
        ++line_;
      }
      ++pos;
    }
  }
  return text_.size();
}

bool CLikeLexer::RawString(std::string_view prefix, std::size_t& end) {
  const std::size_t size = text_.size();
  if (language_ == Language::kCpp || language_ == Language::kC) {
    if (At(end) != '"' ||
        !(prefix == "R" || prefix == "u8R" || prefix == "uR" || prefix == "UR" || prefix == "LR")) {
      return false;
    }
    // R"delimiter( … )delimiter"
    const std::size_t open = text_.find('(', end + 1);
    if (open == std::string_view::npos || open - end - 1 > 16) {
      return false;
    }
    std::string_view delimiter = text_.substr(end + 1, open - end - 1);
    if (delimiter.find_first_of(" \\)\n\t\"") != std::string_view::npos) {
      return false;
    }
    std::size_t close = open + 1;
    while (true) {
      close = text_.find(')', close);
      if (close == std::string_view::npos) {
        close = size;
        break;
      }
      if (text_.substr(close + 1, delimiter.size()) == delimiter &&
          At(close + 1 + delimiter.size()) == '"') {
        close += delimiter.size() + 2;
        break;
      }
      ++close;
    }
    CountLines(end, close);
    end = close;
    return true;
  }
  if (rust_ && (prefix == "r" || prefix == "br" || prefix == "cr")) {
    std::size_t pos = end;
    std::size_t hashes = 0;
    while (At(pos) == '#') {
      ++hashes;
      ++pos;
    }
    if (At(pos) != '"') {
      return false;
    }
    std::size_t close = pos + 1;
    while (true) {
      close = text_.find('"', close);
      if (close == std::string_view::npos) {
        close = size;
        break;
      }
      std::size_t count = 0;
      while (count < hashes && At(close + 1 + count) == '#') {
        ++count;
      }
      if (count == hashes) {
        close += 1 + hashes;
        break;
      }
      ++close;
    }
    CountLines(end, close);
    end = close;
    return true;
  }
  return false;
}

std::size_t CLikeLexer::RustQuote(std::size_t pos, bool& lifetime) const {
  // 'x', '\n', '\u{1F600}', 'é' are chars; 'a (no closing quote after one code point) is a
  // lifetime or a loop label.
  lifetime = false;
  if (At(pos + 1) == '\\') {
    std::size_t end = pos + 3;
    while (end < text_.size() && text_[end] != '\'' && text_[end] != '\n') {
      ++end;
    }
    return end < text_.size() && text_[end] == '\'' ? end + 1 : end;
  }
  const unsigned char lead = static_cast<unsigned char>(At(pos + 1));
  const std::size_t width = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  if (At(pos + 1 + width) == '\'') {
    return pos + 2 + width;
  }
  lifetime = true;
  std::size_t end = pos + 1;
  while (end < text_.size() && IsIdentChar(text_[end])) {
    ++end;
  }
  return end;
}

bool CLikeLexer::RegexAllowed() const {
  if (last_text_.empty()) {
    return true;
  }
  if (last_kind_ == TokenKind::kIdentifier) {
    return IsRegexPrefixKeyword(last_text_);
  }
  if (last_kind_ == TokenKind::kLiteral) {
    return false;
  }
  // "</" closes a JSX element; a regex right after '<' would be odd code.
  return last_text_ != ")" && last_text_ != "]" && last_text_ != "}" && last_text_ != "<";
}

std::size_t CLikeLexer::SkipRegex(std::size_t pos) {
  bool in_class = false;
  std::size_t end = pos + 1;
  while (end < text_.size()) {
    const char c = text_[end];
    if (c == '\n') {
      return pos + 1;  // not a regex after all: a lone slash
    }
    if (c == '\\') {
      end += 2;
      continue;
    }
    if (c == '[') {
      in_class = true;
    } else if (c == ']') {
      in_class = false;
    } else if (c == '/' && !in_class) {
      ++end;
      while (end < text_.size() && IsIdentChar(text_[end])) {
        ++end;  // flags
      }
      return end;
    }
    ++end;
  }
  return pos + 1;
}

std::size_t CLikeLexer::Number(std::size_t pos) const {
  const bool separators = language_ == Language::kC || language_ == Language::kCpp;
  std::size_t end = pos + 1;
  while (end < text_.size()) {
    const char c = text_[end];
    if (IsIdentChar(c) || c == '.') {
      ++end;
    } else if ((c == '+' || c == '-') && (text_[end - 1] == 'e' || text_[end - 1] == 'E' ||
                                          text_[end - 1] == 'p' || text_[end - 1] == 'P')) {
      ++end;
    } else if (c == '\'' && separators && IsIdentChar(At(end + 1))) {
      end += 2;  // 1'000'000
    } else {
      break;
    }
  }
  return end;
}

std::size_t CLikeLexer::Punct(std::size_t pos) const {
  const char c = text_[pos];
  const char next = At(pos + 1);
  switch (c) {
    case ':':
      return next == ':' ? pos + 2 : pos + 1;
    case '-':
      return (next == '>' || next == '-' || next == '=') ? pos + 2 : pos + 1;
    case '=':
    case '!':
      if (next == '=') {
        return At(pos + 2) == '=' ? pos + 3 : pos + 2;
      }
      return (c == '=' && next == '>') ? pos + 2 : pos + 1;
    case '+':
    case '&':
    case '|':
      return (next == c || next == '=') ? pos + 2 : pos + 1;
    case '<':
    case '>':
    case '*':
    case '/':
    case '%':
    case '^':
      return next == '=' ? pos + 2 : pos + 1;
    default:
      return pos + 1;
  }
}

}  // namespace oxd::codedb
