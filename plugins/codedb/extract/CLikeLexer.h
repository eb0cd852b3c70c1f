// The tokenizer shared by the C-like languages. It understands, per language, the literals that
// may hide comment or code-like text: strings and chars with escapes, C++ raw strings
// (R"x(…)x"), Rust raw strings (r#"…"#), lifetimes and nested block comments, Go raw strings,
// JavaScript/TypeScript template literals (with ${…} nesting) and regex literals (decided by
// the previous token), Java text blocks. Comments go to the CommentCollector, C/C++ `#define`
// names to the symbol list. Of the C preprocessor's conditionals, `#if 0` groups are skipped,
// and so is every `#else`/`#elif` branch that follows a branch leaving the braces unbalanced
// (`#ifdef A` `void f() {` `#else` `void g() {` `#endif`): braces stay as the first branch
// has them. Balanced branches are all read.
// One lexer per Extract call.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "CommentCollector.h"
#include "Extraction.h"
#include "Language.h"
#include "Token.h"

namespace oxd::codedb {

class CLikeLexer {
 public:
  CLikeLexer(Language language, std::string_view text, CommentCollector& comments,
             std::vector<Symbol>& symbols);

  // The next token; false at the end of the text.
  bool Next(Token& token);

 private:
  char At(std::size_t pos) const { return pos < text_.size() ? text_[pos] : '\0'; }
  void CountLines(std::size_t from, std::size_t to);
  void LineComment(bool alone_on_line);
  void BlockComment();
  std::size_t SkipQuoted(std::size_t pos, char quote);  // returns the position after the quote
  std::size_t SkipTemplate(std::size_t pos);            // pos is after the backtick
  std::size_t SkipTemplateExpression(std::size_t pos);  // pos is after "${"
  std::size_t SkipTextBlock(std::size_t pos);           // pos is after the opening """
  bool RawString(std::string_view prefix, std::size_t& end);
  std::size_t SkipRegex(std::size_t pos);  // returns pos unchanged when it is no regex
  bool RegexAllowed() const;
  std::size_t Number(std::size_t pos) const;
  std::size_t Punct(std::size_t pos) const;
  std::size_t RustQuote(std::size_t pos, bool& lifetime) const;

  // The preprocessor (C and C++ only).
  void Directive();
  std::string_view DirectiveWord(std::size_t& pos) const;
  void SkipDirectiveRest(std::size_t pos);
  void SkipGroup(bool until_else);  // returns at the matching #endif, or #else/#elif

  // The preprocessor's view of the braces: `{` minus `}` tokens emitted so far, and that
  // count at each open #if.
  int brace_depth_ = 0;
  int template_nesting_ = 0;  // ${…} inside templates inside ${…}: bounded, the stack is finite
  std::vector<int> conditionals_;

  Language language_;
  std::string_view text_;
  CommentCollector& comments_;
  std::vector<Symbol>& symbols_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  bool at_line_start_ = true;
  bool newline_ = false;
  TokenKind last_kind_ = TokenKind::kPunct;
  std::string_view last_text_;
  bool preprocessor_;
  bool rust_;
  bool script_;           // JavaScript or TypeScript
  bool slash_slash_doc_;  // `///` and `//!` are doc comments
};

}  // namespace oxd::codedb
