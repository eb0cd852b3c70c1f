#include "CLikeLexer.h"

#include <algorithm>

#include "CharClass.h"

namespace oxd::codedb {

using lexing::ClassOf;
using lexing::IsIdentChar;
using lexing::kBlank;
using lexing::kDigit;
using lexing::kIdentStart;

CLikeLexer::CLikeLexer(Language language, std::string_view text, CommentCollector& comments,
                       std::vector<Symbol>& symbols)
    : language_(language),
      text_(text),
      comments_(comments),
      symbols_(symbols),
      preprocessor_(language == Language::kC || language == Language::kCpp),
      rust_(language == Language::kRust),
      script_(language == Language::kJavaScript || language == Language::kTypeScript),
      slash_slash_doc_(language == Language::kC || language == Language::kCpp ||
                       language == Language::kRust) {}

void CLikeLexer::CountLines(std::size_t from, std::size_t to) {
  const char* begin = text_.data() + from;
  line_ += static_cast<std::uint32_t>(std::count(begin, text_.data() + to, '\n'));
}

bool CLikeLexer::Next(Token& token) {
  const std::size_t size = text_.size();
  while (pos_ < size) {
    const char c = text_[pos_];
    if (c == '\n') {
      ++line_;
      ++pos_;
      at_line_start_ = true;
      newline_ = true;
      continue;
    }
    if (ClassOf(c) == kBlank) {
      ++pos_;
      continue;
    }
    const bool alone = at_line_start_;
    at_line_start_ = false;
    if (c == '/' && At(pos_ + 1) == '/') {
      LineComment(alone);
      continue;
    }
    if (c == '/' && At(pos_ + 1) == '*') {
      BlockComment();
      continue;
    }
    if (c == '#' && alone && preprocessor_) {
      Directive();
      continue;
    }

    token.line = line_;
    token.newline_before = newline_;
    newline_ = false;
    const std::size_t start = pos_;
    std::size_t end = start + 1;
    TokenKind kind = TokenKind::kPunct;
    if (ClassOf(c) & kIdentStart) {
      while (end < size && IsIdentChar(text_[end])) {
        ++end;
      }
      kind = TokenKind::kIdentifier;
      const std::string_view word = text_.substr(start, end - start);
      std::size_t raw_end = end;
      if (RawString(word, raw_end)) {
        end = raw_end;
        kind = TokenKind::kLiteral;
      } else if (rust_ && word == "r" && At(end) == '#' && (ClassOf(At(end + 1)) & kIdentStart)) {
        end += 2;  // a raw identifier: r#type
        while (end < size && IsIdentChar(text_[end])) {
          ++end;
        }
      }
    } else if ((ClassOf(c) & kDigit) || (c == '.' && (ClassOf(At(pos_ + 1)) & kDigit))) {
      end = Number(start);
      kind = TokenKind::kLiteral;
    } else if (c == '"') {
      if (language_ == Language::kJava && At(start + 1) == '"' && At(start + 2) == '"') {
        end = SkipTextBlock(start + 3);
      } else {
        end = SkipQuoted(start + 1, '"');
      }
      kind = TokenKind::kLiteral;
    } else if (c == '\'') {
      bool lifetime = false;
      end = rust_ ? RustQuote(start, lifetime) : SkipQuoted(start + 1, '\'');
      kind = TokenKind::kLiteral;
    } else if (c == '`' && (script_ || language_ == Language::kGo)) {
      if (script_) {
        end = SkipTemplate(start + 1);
      } else {
        const std::size_t close = text_.find('`', start + 1);
        end = close == std::string_view::npos ? size : close + 1;
        CountLines(start, end);
      }
      kind = TokenKind::kLiteral;
    } else if (c == '#' && script_ && (ClassOf(At(start + 1)) & kIdentStart)) {
      while (end < size && IsIdentChar(text_[end])) {
        ++end;  // a private member: #name
      }
      kind = TokenKind::kIdentifier;
    } else if (c == '/' && script_ && RegexAllowed()) {
      end = SkipRegex(start);
      kind = end == start + 1 ? TokenKind::kPunct : TokenKind::kLiteral;
    } else {
      end = Punct(start);
      if (c == '{') {
        ++brace_depth_;
      } else if (c == '}') {
        --brace_depth_;
      }
    }
    pos_ = end;
    token.kind = kind;
    token.text = text_.substr(start, end - start);
    token.depth = 0;
    last_kind_ = kind;
    last_text_ = token.text;
    return true;
  }
  return false;
}

void CLikeLexer::LineComment(bool alone_on_line) {
  const std::size_t start = pos_;
  std::size_t end = text_.find('\n', start);
  if (end == std::string_view::npos) {
    end = text_.size();
  }
  // A backslash before the newline continues a C/C++ line comment onto the next line.
  while (preprocessor_ && end < text_.size() && end > start && text_[end - 1] == '\\') {
    end = std::min(text_.find('\n', end + 1), text_.size());
  }
  std::string_view comment = text_.substr(start, end - start);
  CommentKind kind = CommentKind::kLine;
  std::size_t marker = 2;
  if (slash_slash_doc_ && comment.size() > 2 && (comment[2] == '/' || comment[2] == '!') &&
      !comment.starts_with("////")) {
    kind = CommentKind::kDoc;
    marker = 3;
  }
  comments_.AddLine(kind, comment.substr(marker), line_, alone_on_line);
  CountLines(start, end);
  pos_ = end;
}

void CLikeLexer::BlockComment() {
  const std::size_t start = pos_;
  std::size_t end;
  if (rust_) {
    // Rust block comments nest.
    int depth = 0;
    end = start;
    while (end < text_.size()) {
      if (text_[end] == '/' && At(end + 1) == '*') {
        ++depth;
        end += 2;
      } else if (text_[end] == '*' && At(end + 1) == '/') {
        end += 2;
        if (--depth == 0) {
          break;
        }
      } else {
        ++end;
      }
    }
  } else {
    const std::size_t close = text_.find("*/", start + 2);
    end = close == std::string_view::npos ? text_.size() : close + 2;
  }
  std::string_view comment = text_.substr(start, end - start);
  std::string_view body = comment.substr(2);
  if (body.ends_with("*/")) {
    body.remove_suffix(2);
  }
  CommentKind kind = CommentKind::kBlock;
  // `/**` (not `/**/` nor `/***…`) and `/*!` open documentation, except in Go.
  if (language_ != Language::kGo && !body.empty() &&
      ((body[0] == '*' && body.size() > 1 && body[1] != '*') ||
       (body[0] == '!' && language_ != Language::kJava && !script_))) {
    kind = CommentKind::kDoc;
    body.remove_prefix(1);
  }
  const std::uint32_t start_line = line_;
  CountLines(start, end);
  comments_.AddBlock(kind, body, start_line, line_);
  pos_ = end;
}

}  // namespace oxd::codedb
