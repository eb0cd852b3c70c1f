#include "ShellScanner.h"

#include <cstdint>
#include <string>
#include <vector>

namespace oxd::codedb {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool IsOperator(char c) {
  return c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>';
}

bool IsAssignmentName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) {
    return false;
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

struct HereDocument {
  std::string delimiter;  // quotes removed: one small allocation per here-document
  bool strip_tabs;
};

class Scanner {
 public:
  Scanner(std::string_view text, Extraction& out, CommentCollector& comments)
      : text_(text), out_(out), comments_(comments) {}

  void Run() {
    if (text_.starts_with("#!")) {
      pos_ = text_.find('\n');  // the interpreter line
      if (pos_ == std::string_view::npos) {
        return;
      }
    }
    bool command = true;  // the next word is in command position
    bool line_has_code = false;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n') {
        ++pos_;
        ++line_;
        ReadHereDocuments();
        command = true;
        redirect_ = false;
        line_has_code = false;
        continue;
      }
      if (IsBlank(c)) {
        ++pos_;
        continue;
      }
      if (c == '\\' && At(pos_ + 1) == '\n') {
        pos_ += 2;
        ++line_;
        continue;
      }
      if (c == '#') {
        Comment(!line_has_code);
        continue;
      }
      line_has_code = true;
      if (c == '<' && At(pos_ + 1) == '<' && At(pos_ + 2) != '<') {
        HereDocumentOperator();
        command = false;
        continue;
      }
      if (IsOperator(c)) {
        ++pos_;
        if (c == '<' || c == '>') {
          while (pos_ < text_.size() && (text_[pos_] == '>' || text_[pos_] == '&')) {
            ++pos_;
          }
          command = false;  // a redirection: its target word follows
          redirect_ = true;
        } else {
          command = true;
        }
        continue;
      }
      const std::uint32_t line = line_;
      const std::string_view word = Word();
      if (redirect_) {
        redirect_ = false;
        continue;
      }
      if (!command) {
        command = word == "{" || word == "then" || word == "do" || word == "else";
        continue;
      }
      command = CommandWord(word, line);
    }
  }

 private:
  char At(std::size_t pos) const { return pos < text_.size() ? text_[pos] : '\0'; }

  void Emit(SymbolKind kind, std::string_view name, std::uint32_t line) {
    out_.symbols.push_back(Symbol{name, {}, kind, line});
  }

  // A word in command position; returns whether the next word is in command position too.
  bool CommandWord(std::string_view word, std::uint32_t line) {
    if (word == "{" || word == "}" || word == "then" || word == "do" || word == "else" ||
        word == "elif" || word == "if" || word == "while" || word == "until" || word == "!" ||
        word == "time" || word == "fi" || word == "done" || word == "esac") {
      return true;
    }
    if (word == "function") {
      SkipBlanks();
      const std::uint32_t name_line = line_;
      const std::string_view name = Word();
      if (!name.empty()) {
        Emit(SymbolKind::kFunction, name, name_line);
      }
      SkipEmptyParentheses();
      return true;
    }
    if (word == "alias" || word == "readonly" || word == "declare" || word == "typeset") {
      Arguments(word);
      return false;
    }
    const std::size_t equals = word.find('=');
    if (equals != std::string_view::npos && IsAssignmentName(word.substr(0, equals))) {
      return true;  // NAME=value cmd
    }
    if (SkipEmptyParentheses()) {
      Emit(SymbolKind::kFunction, word, line);
      return true;
    }
    return false;
  }

  // The words after alias/readonly/declare/typeset on the same command.
  void Arguments(std::string_view command) {
    bool read_only = command == "readonly";
    while (true) {
      SkipBlanks();
      if (pos_ >= text_.size() || text_[pos_] == '\n' || text_[pos_] == '#' ||
          IsOperator(text_[pos_])) {
        return;
      }
      const std::uint32_t line = line_;
      const std::string_view word = Word();
      if (word.starts_with('-')) {
        read_only |= word.find('r') != std::string_view::npos;
        continue;
      }
      const std::string_view name = word.substr(0, word.find('='));
      if (command == "alias") {
        if (!name.empty()) {
          Emit(SymbolKind::kAlias, name, line);
        }
      } else if (read_only && IsAssignmentName(name)) {
        Emit(SymbolKind::kConstant, name, line);
      }
    }
  }

  void SkipBlanks() {
    while (pos_ < text_.size() && IsBlank(text_[pos_])) {
      ++pos_;
    }
  }

  // "()" with optional blanks, as after a function's name; consumed only when present.
  bool SkipEmptyParentheses() {
    std::size_t pos = pos_;
    while (pos < text_.size() && IsBlank(text_[pos])) {
      ++pos;
    }
    if (At(pos) != '(') {
      return false;
    }
    ++pos;
    while (pos < text_.size() && IsBlank(text_[pos])) {
      ++pos;
    }
    if (At(pos) != ')') {
      return false;
    }
    pos_ = pos + 1;
    return true;
  }

  void Comment(bool alone_on_line) {
    pos_ = comments_.AddHashComment(text_, pos_, line_, alone_on_line);
  }

  // One word: up to a blank, newline or operator outside quotes and expansions.
  std::string_view Word() {
    const std::size_t start = pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (IsBlank(c) || c == '\n' || IsOperator(c)) {
        break;
      }
      pos_ = SkipUnit(pos_);
    }
    return text_.substr(start, pos_ - start);
  }

  // One character, quoted string or expansion starting at `pos`; returns the position after.
  std::size_t SkipUnit(std::size_t pos) {
    const char c = text_[pos];
    if (nesting_ >= kMaxNesting && (c == '"' || c == '$' || c == '`')) {
      return pos + 1;  // absurdly deep quoting: read on as plain text rather than recurse
    }
    if (c == '\\') {
      if (At(pos + 1) == '\n') {
        ++line_;
      }
      return pos + 2;
    }
    if (c == '\'') {
      return SkipTo(pos + 1, '\'', false);
    }
    if (c == '"') {
      return SkipDoubleQuoted(pos + 1);
    }
    if (c == '`') {
      return SkipTo(pos + 1, '`', true);
    }
    if (c == '$' && At(pos + 1) == '\'') {
      return SkipTo(pos + 2, '\'', true);
    }
    if (c == '$' && (At(pos + 1) == '(' || At(pos + 1) == '{')) {
      return SkipNested(pos + 2, At(pos + 1) == '(' ? ')' : '}');
    }
    return pos + 1;
  }

  std::size_t SkipTo(std::size_t pos, char close, bool escapes) {
    while (pos < text_.size() && text_[pos] != close) {
      if (text_[pos] == '\n') {
        ++line_;
      }
      pos += (escapes && text_[pos] == '\\') ? 2 : 1;
    }
    return pos < text_.size() ? pos + 1 : text_.size();
  }

  std::size_t SkipDoubleQuoted(std::size_t pos) {
    const Nested nested(nesting_);
    while (pos < text_.size() && text_[pos] != '"') {
      const char c = text_[pos];
      if (c == '$' || c == '`' || c == '\\') {
        pos = SkipUnit(pos);
      } else {
        if (c == '\n') {
          ++line_;
        }
        ++pos;
      }
    }
    return pos < text_.size() ? pos + 1 : text_.size();
  }

  // Inside $( … ) or ${ … }: nested pairs, quotes and expansions.
  std::size_t SkipNested(std::size_t pos, char close) {
    const Nested nested(nesting_);
    const char open = close == ')' ? '(' : '{';
    int depth = 1;
    while (pos < text_.size()) {
      const char c = text_[pos];
      if (c == open) {
        ++depth;
      } else if (c == close && --depth == 0) {
        return pos + 1;
      }
      if (c == '\'' || c == '"' || c == '`' || c == '$' || c == '\\') {
        pos = SkipUnit(pos);
        continue;
      }
      if (c == '\n') {
        ++line_;
      }
      ++pos;
    }
    return text_.size();
  }

  void HereDocumentOperator() {
    pos_ += 2;
    bool strip_tabs = false;
    if (At(pos_) == '-') {
      strip_tabs = true;
      ++pos_;
    }
    SkipBlanks();
    const std::string_view word = Word();
    HereDocument document{std::string(), strip_tabs};
    for (char c : word) {
      if (c != '\'' && c != '"' && c != '\\') {
        document.delimiter.push_back(c);
      }
    }
    if (!document.delimiter.empty()) {
      pending_.push_back(std::move(document));
    }
  }

  // At the start of the line after a here-document operator: skip each pending body.
  void ReadHereDocuments() {
    for (const HereDocument& document : pending_) {
      while (pos_ < text_.size()) {
        std::size_t end = text_.find('\n', pos_);
        if (end == std::string_view::npos) {
          end = text_.size();
        }
        std::string_view line = text_.substr(pos_, end - pos_);
        if (line.ends_with('\r')) {
          line.remove_suffix(1);
        }
        while (document.strip_tabs && line.starts_with('\t')) {
          line.remove_prefix(1);
        }
        pos_ = end < text_.size() ? end + 1 : end;
        ++line_;
        if (line == document.delimiter) {
          break;
        }
      }
    }
    pending_.clear();
  }

  // Counts the nesting of quotes and expansions for the scope of one call.
  struct Nested {
    explicit Nested(int& depth) : depth_(depth) { ++depth_; }
    ~Nested() { --depth_; }
    Nested(const Nested&) = delete;
    Nested& operator=(const Nested&) = delete;
    int& depth_;
  };
  static constexpr int kMaxNesting = 64;

  std::string_view text_;
  Extraction& out_;
  CommentCollector& comments_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  int nesting_ = 0;
  bool redirect_ = false;
  std::vector<HereDocument> pending_;
};

}  // namespace

void ScanShell(std::string_view text, Extraction& out, CommentCollector& comments) {
  Scanner(text, out, comments).Run();
}

}  // namespace oxd::codedb
