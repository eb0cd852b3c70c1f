#include "CLikeScanner.h"

#include "RuleHelpers.h"

namespace oxd::codedb {
namespace {

// A statement longer than this keeps its first tokens only: declarations are decided by their
// start, and a runaway statement (a huge macro call without ';') must not grow without bound.
constexpr std::size_t kMaxStatementTokens = 512;

bool EndsExpression(const Token& token) {
  if (token.kind != TokenKind::kPunct) {
    return !token.text.empty();
  }
  return token.text == ")" || token.text == "]" || token.text == "}" || token.text == "++" ||
         token.text == "--";
}

// NAME or NAME(…) in capitals: a macro invocation standing on its own lines, as C and C++ code
// has them without ';' (BOOST_LOG_OPEN_NAMESPACE, Q_OBJECT, DECLARE_THING(x)).
bool IsMacroLine(Tokens statement) {
  if (statement.empty() || !IsIdentifier(statement[0]) || !IsMacroName(statement[0].text)) {
    return false;
  }
  return statement.size() == 1 ||
         (Is(statement[1], "(") && SkipBalanced(statement, 1) == statement.size());
}

}  // namespace

CLikeScanner::CLikeScanner(Language language, std::string_view text, Extraction& out,
                           CommentCollector& comments)
    : language_(language),
      symbols_(out.symbols),
      comments_(comments),
      lexer_(language, text, comments, out.symbols) {
  frames_.push_back(Frame{ScopeKind::kFile, false, false, 0, 0, 0, {}, {}});
  tokens_.reserve(256);
}

Tokens CLikeScanner::Statement() const {
  const Frame& frame = frames_.back();
  return Tokens(tokens_.data() + frame.statement_begin, tokens_.size() - frame.statement_begin);
}

RuleContext CLikeScanner::Context() const {
  const Frame& frame = frames_.back();
  RuleContext context{language_, frame.kind, frame.name, {}, frame.group_keyword, &symbols_};
  for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
    if (!it->name.empty()) {
      context.container = it->name;
      break;
    }
  }
  return context;
}

void CLikeScanner::ResetStatement() {
  Frame& frame = frames_.back();
  tokens_.resize(frame.statement_begin);
  frame.reported = false;
  frame.paren_depth = 0;
}

void CLikeScanner::Append(const Token& token) {
  Frame& frame = frames_.back();
  Token copy = token;
  if (token.kind == TokenKind::kPunct && (token.text == ")" || token.text == "]") &&
      frame.paren_depth > 0) {
    --frame.paren_depth;
  }
  copy.depth = frame.paren_depth;
  if (token.kind == TokenKind::kPunct && (token.text == "(" || token.text == "[") &&
      frame.paren_depth < 255) {
    ++frame.paren_depth;
  }
  if (tokens_.size() - frame.statement_begin < kMaxStatementTokens) {
    tokens_.push_back(copy);
  }
}

void CLikeScanner::EndStatement() {
  Frame& frame = frames_.back();
  if (frame.kind == ScopeKind::kEnum) {
    EndEnumItem();
    return;
  }
  if (!frame.reported && tokens_.size() > frame.statement_begin) {
    const Tokens statement = Statement();
    const RuleContext context = Context();
    const std::size_t symbols_before = symbols_.size();
    switch (language_) {
      case Language::kC:
      case Language::kCpp:
        CFamilyEnd(statement, context);
        break;
      case Language::kJava:
        JavaEnd(statement, context);
        break;
      case Language::kJavaScript:
      case Language::kTypeScript:
        ScriptEnd(statement, context);
        break;
      case Language::kGo:
        GoEnd(statement, context);
        MarkGoDoc(statement.front(), symbols_before);
        break;
      case Language::kRust:
        RustEnd(statement, context);
        break;
      default:
        break;
    }
  }
  ResetStatement();
}

void CLikeScanner::MarkGoDoc(const Token& first, std::size_t symbols_before) {
  // The package clause reports no symbol but has its documentation too.
  if ((symbols_.size() > symbols_before || Is(first, "package")) && first.line > 1) {
    comments_.MarkDocEndingAt(first.line - 1);
  }
}

void CLikeScanner::EndEnumItem() {
  // The item's name is its first identifier not inside an annotation (@Deprecated, Rust's
  // attributes never reach the statement).
  const Tokens item = Statement();
  for (std::size_t i = 0; i < item.size(); ++i) {
    if (IsIdentifier(item[i]) && item[i].depth == 0 && (i == 0 || !Is(item[i - 1], "@"))) {
      Context().Emit(SymbolKind::kEnumerator, item[i]);
      break;
    }
    if (Is(item[i], "@") && i + 2 < item.size() && Is(item[i + 2], "(")) {
      i = SkipBalanced(item, i + 2) - 1;
    }
  }
  ResetStatement();
}

void CLikeScanner::OpenBrace() {
  Frame& frame = frames_.back();
  BraceDecision decision;
  if (IsWrapperFunction()) {
    // (function (global) { … })(this) and UMD factories: the library lives inside, so the
    // body is read like the file level.
    decision.kind = ScopeKind::kNamespace;
    decision.continues = true;
  } else if (frame.paren_depth > 0 || frame.kind == ScopeKind::kEnum || frame.reported) {
    // A lambda or literal inside an expression, a variant's body, or a later brace of a
    // statement that already produced its symbol (`const x: {…} = {…}`).
    decision.continues = true;
  } else {
    const Tokens statement = Statement();
    const RuleContext context = Context();
    const std::size_t symbols_before = symbols_.size();
    switch (language_) {
      case Language::kC:
      case Language::kCpp:
        decision = CFamilyBrace(statement, context);
        break;
      case Language::kJava:
        decision = JavaBrace(statement, context);
        break;
      case Language::kJavaScript:
      case Language::kTypeScript:
        decision = ScriptBrace(statement, context);
        break;
      case Language::kGo:
        decision = GoBrace(statement, context);
        if (!statement.empty()) {
          MarkGoDoc(statement.front(), symbols_before);
        }
        break;
      case Language::kRust:
        decision = RustBrace(statement, context);
        break;
      default:
        break;
    }
  }
  if (decision.reported) {
    frame.reported = true;
  }
  frames_.push_back(Frame{decision.kind,
                          decision.continues,
                          false,
                          0,
                          static_cast<std::uint32_t>(tokens_.size()),
                          0,
                          decision.name,
                          {}});
}

bool CLikeScanner::IsWrapperFunction() const {
  const Frame& frame = frames_.back();
  if ((language_ != Language::kJavaScript && language_ != Language::kTypeScript) ||
      frame.kind != ScopeKind::kFile || frame.paren_depth == 0) {
    return false;
  }
  const Tokens statement = Statement();
  if (statement.empty()) {
    return false;
  }
  if (Is(statement.back(), "=>")) {
    return true;
  }
  if (!Is(statement.back(), ")")) {
    return false;
  }
  // Back to the "(" opening the parameters, then `function` or `function name` before it.
  const std::uint8_t depth = statement.back().depth;
  std::size_t open = statement.size() - 1;
  while (open > 0 && !(statement[open - 1].depth == depth && Is(statement[open - 1], "("))) {
    --open;
  }
  if (open < 2) {
    return false;
  }
  const std::size_t before = open - 2;  // the token before "("
  return Is(statement[before], "function") ||
         (before > 0 && IsIdentifier(statement[before]) && Is(statement[before - 1], "function"));
}

void CLikeScanner::CloseBrace() {
  Frame& frame = frames_.back();
  if (frame.kind == ScopeKind::kFile) {
    ResetStatement();  // an unbalanced '}': start afresh
    return;
  }
  if (Detects(frame.kind) && tokens_.size() > frame.statement_begin) {
    EndStatement();  // the last member had no ';' (Go, JS, TS, Rust enum variants)
  }
  const bool continues = frame.continues;
  const std::uint32_t begin = frame.statement_begin;
  frames_.pop_back();
  tokens_.resize(begin);
  if (continues) {
    Token body;
    body.kind = TokenKind::kBody;
    body.text = "{}";
    body.line = last_.line;
    Append(body);
  } else {
    ResetStatement();
  }
}

bool CLikeScanner::EndsByNewline(const Token& token) const {
  const Frame& frame = frames_.back();
  if (!token.newline_before || frame.paren_depth > 0 || tokens_.size() == frame.statement_begin ||
      !EndsExpression(last_)) {
    return false;
  }
  if (language_ == Language::kGo) {
    return true;  // Go's automatic semicolon rule
  }
  if (language_ != Language::kJavaScript && language_ != Language::kTypeScript) {
    return false;
  }
  // JavaScript and TypeScript: a heuristic of automatic semicolon insertion. The statement
  // ends when the next line starts with a word or a literal; in a class body, where members
  // also start with '*', '[' or '#', unless the line continues an expression.
  if (token.kind != TokenKind::kPunct) {
    return true;
  }
  return frame.kind == ScopeKind::kClass &&
         !IsAny(token, {".", "?.", "?", ":", "+", "-", "/", "&&", "||", "??",  "=",  "=>", ",",
                        ")", "]",  "}", "{", "<", ">", "|", "&",  "==", "===", "!=", "!=="});
}

bool CLikeScanner::SkipRustAttribute(const Token& token) {
  // Drops #[…] and #![…] from the statement: an attribute's parentheses are no call.
  if (rust_attribute_ == 0) {
    if (Is(token, "#")) {
      rust_attribute_ = 1;
      return true;
    }
    return false;
  }
  if (rust_attribute_ == 1 && Is(token, "!")) {
    rust_attribute_ = 2;
    return true;
  }
  if (rust_attribute_ <= 2) {
    rust_attribute_ = Is(token, "[") ? 3 : 0;
    return rust_attribute_ != 0;
  }
  if (Is(token, "[")) {
    ++rust_attribute_;
  } else if (Is(token, "]")) {
    if (--rust_attribute_ == 2) {
      rust_attribute_ = 0;
    }
  }
  return true;
}

void CLikeScanner::Run() {
  Token token;
  while (lexer_.Next(token)) {
    Frame& frame = frames_.back();
    if (!Detects(frame.kind)) {
      if (Is(token, "{")) {
        ++frame.nested_blocks;
      } else if (Is(token, "}")) {
        if (frame.nested_blocks > 0) {
          --frame.nested_blocks;
        } else {
          CloseBrace();
        }
      }
      last_ = token;
      continue;
    }
    if (language_ == Language::kRust && SkipRustAttribute(token)) {
      last_ = token;
      continue;
    }
    if (EndsByNewline(token)) {
      EndStatement();
    } else if (token.newline_before && frames_.back().paren_depth == 0 &&
               (language_ == Language::kC || language_ == Language::kCpp) &&
               frames_.back().kind != ScopeKind::kEnum && !Is(token, "(") &&
               IsMacroLine(Statement())) {
      ResetStatement();  // the macro's expansion is unknown: what follows starts afresh
    }
    last_ = token;
    Frame& current = frames_.back();
    if (token.kind == TokenKind::kPunct) {
      const std::string_view text = token.text;
      if (text == "{") {
        OpenBrace();
        continue;
      }
      if (text == "}") {
        CloseBrace();
        continue;
      }
      if (current.paren_depth == 0) {
        if (text == ";") {
          const bool java_enum = current.kind == ScopeKind::kEnum && language_ == Language::kJava;
          EndStatement();
          if (java_enum) {
            frames_.back().kind = ScopeKind::kClass;  // members follow the constants
          }
          continue;
        }
        if (text == "," && current.kind == ScopeKind::kEnum) {
          EndEnumItem();
          continue;
        }
        if (text == ":" && language_ == Language::kCpp && current.kind == ScopeKind::kClass) {
          const Tokens statement = Statement();
          if (statement.size() <= 2 && !statement.empty() &&
              IsAny(statement[0], {"public", "private", "protected", "signals", "slots",
                                   "Q_SIGNALS", "Q_SLOTS"})) {
            ResetStatement();  // an access label
            continue;
          }
        }
        if (text == "(" && language_ == Language::kGo && Statement().size() == 1 &&
            IsAny(Statement()[0], {"const", "var", "type", "import"})) {
          const std::string_view keyword = Statement()[0].text;
          if (keyword != "import" && Statement()[0].line > 1) {
            comments_.MarkDocEndingAt(Statement()[0].line - 1);  // the group's documentation
          }
          frames_.push_back(Frame{ScopeKind::kGoGroup, false, false, 0,
                                  static_cast<std::uint32_t>(tokens_.size()), 0, current.name,
                                  keyword});
          continue;
        }
        if (text == ")" && current.kind == ScopeKind::kGoGroup) {
          EndStatement();
          const std::uint32_t begin = frames_.back().statement_begin;
          frames_.pop_back();
          tokens_.resize(begin);
          ResetStatement();
          continue;
        }
      }
    }
    Append(token);
  }
  // A last top-level statement without its ';' (JavaScript, Go) still counts; in a file that
  // ends inside braces it is left alone.
  if (frames_.size() == 1) {
    EndStatement();
  }
}

}  // namespace oxd::codedb
