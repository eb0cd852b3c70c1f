// The statement scanner of the C-like languages: it follows braces (a scope stack), collects
// the tokens of the current statement of each scope that may declare something, and hands
// complete statements to the language's rules (Scope.h). Function bodies and other blocks are
// followed for balance only: nothing inside them is reported.
#pragma once

#include <string_view>
#include <vector>

#include "CLikeLexer.h"
#include "CommentCollector.h"
#include "Extraction.h"
#include "Scope.h"

namespace oxd::codedb {

class CLikeScanner {
 public:
  CLikeScanner(Language language, std::string_view text, Extraction& out,
               CommentCollector& comments);
  void Run();

 private:
  struct Frame {
    ScopeKind kind;
    bool continues;  // the parent's statement goes on after this scope closes
    bool reported;   // the current statement has produced its symbol
    std::uint8_t paren_depth;
    std::uint32_t statement_begin;  // index into tokens_ of the current statement
    std::uint32_t nested_blocks;    // braces inside a kFunction/kBlock frame
    std::string_view name;
    std::string_view group_keyword;
  };

  bool Detects(ScopeKind kind) const {
    return kind != ScopeKind::kFunction && kind != ScopeKind::kBlock;
  }
  Tokens Statement() const;
  RuleContext Context() const;
  void Append(const Token& token);
  void OpenBrace();
  void CloseBrace();
  void EndStatement();
  void EndEnumItem();
  void ResetStatement();
  bool EndsByNewline(const Token& token) const;
  bool SkipRustAttribute(const Token& token);
  bool IsWrapperFunction() const;

  void MarkGoDoc(const Token& first, std::size_t symbols_before);

  Language language_;
  std::vector<Symbol>& symbols_;
  CommentCollector& comments_;
  CLikeLexer lexer_;
  std::vector<Frame> frames_;
  std::vector<Token> tokens_;  // the current statements of all frames, outermost first
  Token last_{};               // the previous token, whatever frame it fell in
  int rust_attribute_ = 0;     // Rust: 1 after '#', 2 after "#!", >2 inside the brackets
};

}  // namespace oxd::codedb
