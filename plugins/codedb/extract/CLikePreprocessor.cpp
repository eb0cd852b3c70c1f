// The C preprocessor as the C-like lexer sees it: `#define` names become macro symbols, other
// directives are consumed whole (comments in them are still recorded), and conditional groups
// that would unbalance the braces are skipped: `#if 0` up to its `#else`/`#elif`/`#endif`, and
// the rest of a conditional after a branch that changed the brace depth (the first branch
// wins). Branches that keep the braces balanced are all read: headers often hold their whole
// content in the `#else` of a configuration switch.
#include <algorithm>

#include "CLikeLexer.h"

namespace oxd::codedb {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

}  // namespace

std::string_view CLikeLexer::DirectiveWord(std::size_t& pos) const {
  while (pos < text_.size() && IsBlank(text_[pos])) {
    ++pos;
  }
  const std::size_t start = pos;
  while (pos < text_.size() && IsWordChar(text_[pos])) {
    ++pos;
  }
  return text_.substr(start, pos - start);
}

void CLikeLexer::Directive() {
  std::size_t pos = pos_ + 1;  // after '#'
  const std::string_view word = DirectiveWord(pos);
  if (word == "define") {
    const std::uint32_t line = line_;
    const std::string_view name = DirectiveWord(pos);
    if (!name.empty()) {
      symbols_.push_back(Symbol{name, {}, SymbolKind::kMacro, line});
    }
    SkipDirectiveRest(pos);
  } else if (word == "if" || word == "ifdef" || word == "ifndef") {
    conditionals_.push_back(brace_depth_);
    std::size_t after = pos;
    const std::string_view condition = DirectiveWord(after);
    std::size_t rest = after;
    const bool never = word == "if" && condition == "0" && DirectiveWord(rest).empty();
    SkipDirectiveRest(after);
    if (never) {
      SkipGroup(/*until_else=*/true);
    }
  } else if (word == "else" || word == "elif") {
    SkipDirectiveRest(pos);
    if (!conditionals_.empty() && conditionals_.back() != brace_depth_) {
      SkipGroup(/*until_else=*/false);
    }
  } else if (word == "endif") {
    if (!conditionals_.empty()) {
      conditionals_.pop_back();
    }
    SkipDirectiveRest(pos);
  } else {
    SkipDirectiveRest(pos);
  }
}

void CLikeLexer::SkipDirectiveRest(std::size_t pos) {
  // Up to the first newline not escaped by a backslash; comments are recorded, strings skipped
  // so that "//" in `#include "a//b"` is no comment.
  while (pos < text_.size()) {
    const char c = text_[pos];
    if (c == '\n') {
      break;
    }
    if (c == '\\' && At(pos + 1) == '\n') {
      ++line_;
      pos += 2;
    } else if (c == '\\' && At(pos + 1) == '\r' && At(pos + 2) == '\n') {
      ++line_;
      pos += 3;
    } else if (c == '/' && At(pos + 1) == '/') {
      pos_ = pos;
      LineComment(false);
      return;
    } else if (c == '/' && At(pos + 1) == '*') {
      pos_ = pos;
      BlockComment();
      pos = pos_;
    } else if (c == '"') {
      pos = SkipQuoted(pos + 1, '"');
    } else {
      ++pos;
    }
  }
  pos_ = pos;
}

void CLikeLexer::SkipGroup(bool until_else) {
  // pos_ is at the newline ending the opening directive. Lines are read for directives and
  // comments only: skipped text need not be valid code (apostrophes in prose are common).
  int nesting = 0;
  while (pos_ < text_.size()) {
    // At a line start (or at the newline before it).
    if (text_[pos_] == '\n') {
      ++line_;
      ++pos_;
    }
    std::size_t pos = pos_;
    while (pos < text_.size() && IsBlank(text_[pos])) {
      ++pos;
    }
    const std::size_t first = pos;
    if (At(pos) == '#') {
      ++pos;
      const std::string_view word = DirectiveWord(pos);
      if (word == "if" || word == "ifdef" || word == "ifndef") {
        ++nesting;
      } else if (word == "endif") {
        if (nesting-- == 0) {
          if (!conditionals_.empty()) {
            conditionals_.pop_back();
          }
          SkipDirectiveRest(pos);
          return;
        }
      } else if ((word == "else" || word == "elif") && nesting == 0 && until_else) {
        // The live branch starts here; an #elif's condition is not evaluated.
        SkipDirectiveRest(pos);
        return;
      }
      SkipDirectiveRest(pos);
      continue;
    }
    // Scan the rest of the line for comments and double-quoted strings.
    while (pos < text_.size() && text_[pos] != '\n') {
      const char c = text_[pos];
      if (c == '/' && At(pos + 1) == '/') {
        pos_ = pos;
        LineComment(pos == first);
        pos = pos_;
        break;
      }
      if (c == '/' && At(pos + 1) == '*') {
        pos_ = pos;
        BlockComment();
        pos = pos_;
      } else if (c == '"') {
        pos = SkipQuoted(pos + 1, '"');
      } else {
        ++pos;
      }
    }
    pos_ = pos;
  }
}

}  // namespace oxd::codedb
