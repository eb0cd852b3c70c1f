#include "PythonScanner.h"

#include <array>
#include <cstdint>
#include <vector>

namespace oxd::codedb {
namespace {

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }

bool IsUpperName(std::string_view name) {
  bool letter = false;
  for (char c : name) {
    if (c >= 'a' && c <= 'z') {
      return false;
    }
    letter |= c >= 'A' && c <= 'Z';
  }
  return letter;
}

enum class Kind : std::uint8_t { kName, kString, kOther };

struct Token {
  std::string_view text;
  std::string_view body;  // strings: between the quotes
  std::uint32_t line = 0;
  Kind kind = Kind::kOther;
};

// The first tokens of a logical line are all the rules need.
struct LogicalLine {
  std::array<Token, 6> first;
  std::size_t count = 0;
  std::string_view last;  // the last token's text
  std::uint32_t end_line = 0;
  std::size_t indent = 0;
};

struct Block {
  std::size_t indent;
  bool is_class;
  std::string_view name;
};

class Scanner {
 public:
  Scanner(std::string_view text, Extraction& out, CommentCollector& comments)
      : text_(text), out_(out), comments_(comments) {}

  void Run() {
    if (text_.starts_with("#!")) {
      pos_ = text_.find('\n');  // the interpreter line is no comment
      if (pos_ == std::string_view::npos) {
        return;
      }
    }
    bool expect_docstring = true;  // the module's
    LogicalLine line;
    while (ReadLogicalLine(line)) {
      while (!blocks_.empty() && blocks_.back().indent >= line.indent) {
        blocks_.pop_back();
      }
      const bool docstring =
          expect_docstring && line.count == 1 && line.first[0].kind == Kind::kString;
      expect_docstring = false;
      if (docstring) {
        comments_.AddDocstring(line.first[0].body, line.first[0].line, line.end_line);
        continue;
      }
      expect_docstring = Declaration(line);
    }
  }

 private:
  char At(std::size_t pos) const { return pos < text_.size() ? text_[pos] : '\0'; }

  // Reports what the line declares; true when it opens a def/class body on the next lines.
  bool Declaration(const LogicalLine& line) {
    std::size_t i = 0;
    if (line.count > 0 && line.first[0].text == "async") {
      i = 1;
    }
    const Block* parent = blocks_.empty() ? nullptr : &blocks_.back();
    const std::string_view container = parent ? parent->name : std::string_view{};
    if (i + 1 < line.count && (line.first[i].text == "def" || line.first[i].text == "class") &&
        line.first[i + 1].kind == Kind::kName) {
      const bool is_class = line.first[i].text == "class";
      const Token& name = line.first[i + 1];
      SymbolKind kind = is_class                       ? SymbolKind::kClass
                        : (parent && parent->is_class) ? SymbolKind::kMethod
                                                       : SymbolKind::kFunction;
      out_.symbols.push_back(Symbol{name.text, container, kind, name.line});
      if (line.last == ":") {
        blocks_.push_back(Block{line.indent, is_class, name.text});
        return true;
      }
      return false;
    }
    if (parent && !parent->is_class) {
      return false;  // assignments inside functions are locals
    }
    if (line.count >= 3 && line.first[0].text == "type" && line.first[1].kind == Kind::kName &&
        (line.first[2].text == "=" || line.first[2].text == "[")) {
      out_.symbols.push_back(
          Symbol{line.first[1].text, container, SymbolKind::kType, line.first[1].line});
      return false;
    }
    if (line.count >= 2 && line.first[0].kind == Kind::kName) {
      const Token& name = line.first[0];
      if (line.first[1].text == ":" && line.count >= 3 && line.first[2].text == "TypeAlias") {
        out_.symbols.push_back(Symbol{name.text, container, SymbolKind::kType, name.line});
      } else if ((line.first[1].text == "=" || line.first[1].text == ":") &&
                 IsUpperName(name.text)) {
        out_.symbols.push_back(Symbol{name.text, container, SymbolKind::kConstant, name.line});
      }
    }
    return false;
  }

  // Reads the next logical line holding at least one token; false at the end of the text.
  bool ReadLogicalLine(LogicalLine& line) {
    while (pos_ < text_.size()) {
      line.count = 0;
      line.last = {};
      // After a ';' the next statement shares the line, and its indentation.
      line.indent = after_semicolon_ ? line.indent : Indentation();
      after_semicolon_ = false;
      int depth = 0;
      while (pos_ < text_.size()) {
        const char c = text_[pos_];
        if (c == '\n') {
          ++line_;
          ++pos_;
          if (depth == 0) {
            break;
          }
          continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
          ++pos_;
          continue;
        }
        if (c == '\\' && (At(pos_ + 1) == '\n' || (At(pos_ + 1) == '\r' && At(pos_ + 2) == '\n'))) {
          pos_ += At(pos_ + 1) == '\n' ? 2 : 3;
          ++line_;
          continue;
        }
        if (c == '#') {
          Comment(line.count == 0 && depth == 0);
          continue;
        }
        if (c == ';' && depth == 0 && line.count > 0) {
          ++pos_;
          after_semicolon_ = true;
          return true;
        }
        Token token;
        token.line = line_;
        const std::size_t start = pos_;
        if (IsIdentStart(c)) {
          while (pos_ < text_.size() && IsIdentChar(text_[pos_])) {
            ++pos_;
          }
          token.kind = Kind::kName;
          const std::size_t prefix = pos_ - start;
          if (prefix <= 2 && (At(pos_) == '"' || At(pos_) == '\'') && IsStringPrefix(start)) {
            token.body = String(start + prefix);
            token.kind = Kind::kString;
          }
        } else if (c == '"' || c == '\'') {
          token.body = String(start);
          token.kind = Kind::kString;
        } else {
          ++pos_;
          if (c == '(' || c == '[' || c == '{') {
            ++depth;
          } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
            --depth;
          } else if ((c == '=' || c == '!' || c == '<' || c == '>') && At(pos_) == '=') {
            ++pos_;  // "==" is no assignment
          } else if (c == '-' && At(pos_) == '>') {
            ++pos_;
          }
        }
        token.text = text_.substr(start, pos_ - start);
        if (line.count < line.first.size()) {
          line.first[line.count] = token;
        }
        ++line.count;
        line.last = token.text;
        line.end_line = line_;
      }
      if (line.count > 0) {
        return true;
      }
    }
    return false;
  }

  std::size_t Indentation() {
    std::size_t indent = 0;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ' ') {
        ++indent;
      } else if (c == '\t') {
        indent = (indent / 8 + 1) * 8;
      } else if (c == '\f') {
        indent = 0;
      } else {
        break;
      }
      ++pos_;
    }
    return indent;
  }

  bool IsStringPrefix(std::size_t start) const {
    for (std::size_t k = start; k < pos_; ++k) {
      const char c = static_cast<char>(text_[k] | 0x20);
      if (c != 'r' && c != 'b' && c != 'u' && c != 'f' && c != 't') {
        return false;
      }
    }
    return true;
  }

  void Comment(bool alone_on_line) {
    pos_ = comments_.AddHashComment(text_, pos_, line_, alone_on_line);
  }

  // Skips the string whose quote is at `quote`; returns its body. Prefix letters before
  // `quote` decide f-string handling.
  std::string_view String(std::size_t quote) {
    bool formatted = false;
    for (std::size_t k = quote; k > 0 && IsIdentChar(text_[k - 1]); --k) {
      formatted |= (text_[k - 1] | 0x20) == 'f' || (text_[k - 1] | 0x20) == 't';
    }
    const char q = text_[quote];
    const bool triple = At(quote + 1) == q && At(quote + 2) == q;
    const std::size_t open = quote + (triple ? 3 : 1);
    std::size_t end = SkipString(open, q, triple, formatted);
    pos_ = end;
    const std::size_t close = triple ? 3 : 1;
    const std::size_t body_end = end >= open + close ? end - close : open;
    return text_.substr(open, body_end - open);
  }

  // From just after the opening quote(s) to just after the closing ones.
  std::size_t SkipString(std::size_t pos, char q, bool triple, bool formatted) {
    int braces = 0;
    while (pos < text_.size()) {
      const char c = text_[pos];
      if (c == '\\') {
        if (At(pos + 1) == '\n') {
          ++line_;
        }
        pos += 2;
        continue;
      }
      if (c == '\n') {
        if (!triple && braces == 0) {
          return pos;  // unterminated: the line ends it
        }
        ++line_;
        ++pos;
        continue;
      }
      if (formatted && c == '{') {
        if (At(pos + 1) == '{' && braces == 0) {
          pos += 2;
          continue;
        }
        ++braces;
      } else if (formatted && c == '}' && braces > 0) {
        --braces;
      } else if (braces > 0 && (c == '"' || c == '\'')) {
        // A string inside a replacement field.
        const bool inner_triple = At(pos + 1) == c && At(pos + 2) == c;
        pos = SkipString(pos + (inner_triple ? 3 : 1), c, inner_triple, false);
        continue;
      } else if (c == q && (!triple || (At(pos + 1) == q && At(pos + 2) == q))) {
        return pos + (triple ? 3 : 1);
      }
      ++pos;
    }
    return text_.size();
  }

  std::string_view text_;
  Extraction& out_;
  CommentCollector& comments_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::vector<Block> blocks_;
  bool after_semicolon_ = false;
};

}  // namespace

void ScanPython(std::string_view text, Extraction& out, CommentCollector& comments) {
  Scanner(text, out, comments).Run();
}

}  // namespace oxd::codedb
