// What the C-like statement scanner knows about the braces it is inside, and what a language's
// rules see when they classify a statement.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "Extraction.h"
#include "Language.h"
#include "Token.h"

namespace oxd::codedb {

enum class ScopeKind : std::uint8_t {
  kFile,
  kNamespace,  // C++ namespace, extern "C", TS namespace/module, Rust mod
  kClass,      // class, struct, union bodies
  kInterface,  // Java/TS/Go interface, Rust trait: bodies whose members are signatures
  kEnum,       // items are enumerators, split at ','
  kImpl,       // Rust impl block
  kGoGroup,    // Go `const (…)`, `type (…)`, `var (…)`, `import (…)`
  kFunction,   // function bodies: nothing inside is reported
  kBlock,      // any other braces: initializers, control blocks, macro bodies
};

using Tokens = std::span<const Token>;

// The statement being classified and where it stands. Rules report through Emit.
struct RuleContext {
  Language language;
  ScopeKind scope;
  std::string_view scope_name;     // the enclosing class/namespace's own name (may be empty)
  std::string_view container;      // the nearest enclosing scope with a name
  std::string_view group_keyword;  // Go: the keyword of the enclosing (…) group
  std::vector<Symbol>* symbols;

  void Emit(SymbolKind kind, const Token& name) const {
    symbols->push_back(Symbol{name.text, container, kind, name.line});
  }
  void Emit(SymbolKind kind, std::string_view name, std::uint32_t line, std::string_view in) const {
    symbols->push_back(Symbol{name, in, kind, line});
  }
};

// What a `{` at the statement's top level opens.
struct BraceDecision {
  ScopeKind kind = ScopeKind::kBlock;
  std::string_view name;   // container name for symbols inside
  bool continues = false;  // after the matching '}' the same statement goes on (until ';')
  bool reported = false;   // the statement's symbol is out; its end must not report again
};

// Per-language rules (one file each). Brace rules run at a top-level '{', end rules at ';',
// at a newline ending a Go/JS/TS statement, and at the '}' closing the scope.
BraceDecision CFamilyBrace(Tokens tokens, const RuleContext& context);
void CFamilyEnd(Tokens tokens, const RuleContext& context);
BraceDecision JavaBrace(Tokens tokens, const RuleContext& context);
void JavaEnd(Tokens tokens, const RuleContext& context);
BraceDecision ScriptBrace(Tokens tokens, const RuleContext& context);
void ScriptEnd(Tokens tokens, const RuleContext& context);
BraceDecision GoBrace(Tokens tokens, const RuleContext& context);
void GoEnd(Tokens tokens, const RuleContext& context);
BraceDecision RustBrace(Tokens tokens, const RuleContext& context);
void RustEnd(Tokens tokens, const RuleContext& context);

}  // namespace oxd::codedb
