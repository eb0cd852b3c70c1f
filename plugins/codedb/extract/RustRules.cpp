// Rust items: `fn` (a method inside `impl` and `trait`, whose container is the implemented
// type or the trait), struct, union, enum (with its variants), trait, type aliases, const and
// static, `mod`, `macro_rules!`. `impl` blocks report nothing themselves. Attributes never
// reach these rules (the scanner drops them).
#include "RuleHelpers.h"

namespace oxd::codedb {
namespace {

// Visibility and qualifiers before the item keyword.
std::size_t SkipQualifiers(Tokens tokens) {
  std::size_t i = 0;
  while (i < tokens.size()) {
    if (Is(tokens[i], "pub")) {
      ++i;
      if (i < tokens.size() && Is(tokens[i], "(")) {
        i = SkipBalanced(tokens, i);  // pub(crate), pub(in path)
      }
    } else if (IsAny(tokens[i], {"unsafe", "async", "default", "safe"})) {
      ++i;
    } else if (Is(tokens[i], "const") && i + 1 < tokens.size() &&
               IsAny(tokens[i + 1], {"fn", "unsafe", "async", "extern"})) {
      ++i;
    } else if (Is(tokens[i], "extern") && i + 1 < tokens.size() &&
               tokens[i + 1].kind == TokenKind::kLiteral) {
      i += 2;
    } else {
      break;
    }
  }
  return i;
}

// The implemented type of `impl<T> Trait<T> for path::Type<T> where …`: its last path name.
std::string_view ImplType(Tokens tokens, std::size_t impl) {
  std::size_t at = impl + 1;
  if (at < tokens.size() && Is(tokens[at], "<")) {
    at = SkipBalanced(tokens, at);
  }
  std::size_t start = at;
  for (std::size_t k = at; k < tokens.size(); ++k) {
    if (Is(tokens[k], "<")) {
      k = SkipBalanced(tokens, k) - 1;
    } else if (Is(tokens[k], "for")) {
      start = k + 1;
    } else if (Is(tokens[k], "where")) {
      break;
    }
  }
  std::string_view name;
  for (std::size_t k = start; k < tokens.size(); ++k) {
    if (Is(tokens[k], "<") || Is(tokens[k], "where")) {
      break;
    }
    if (IsIdentifier(tokens[k]) && !IsAny(tokens[k], {"dyn", "mut", "const"})) {
      name = tokens[k].text;
    }
  }
  return name;
}

bool InTraitOrImpl(const RuleContext& context) {
  return context.scope == ScopeKind::kImpl || context.scope == ScopeKind::kInterface;
}

// Items that end at ';' or before an initializer's '{': returns true when recognised.
bool SimpleItem(Tokens tokens, std::size_t i, const RuleContext& context) {
  const Token& key = tokens[i];
  const bool named = i + 1 < tokens.size() && IsIdentifier(tokens[i + 1]);
  if (IsAny(key, {"const", "static"}) && named) {
    std::size_t name = i + 1;
    if (Is(tokens[name], "mut") && name + 1 < tokens.size()) {
      ++name;
    }
    if (!Is(tokens[name], "_")) {
      context.Emit(SymbolKind::kConstant, tokens[name]);
    }
    return true;
  }
  if (Is(key, "type") && named) {
    context.Emit(SymbolKind::kType, tokens[i + 1]);
    return true;
  }
  return false;
}

}  // namespace

BraceDecision RustBrace(Tokens tokens, const RuleContext& context) {
  BraceDecision decision;
  const std::size_t i = SkipQualifiers(tokens);
  if (i >= tokens.size()) {
    if (tokens.size() >= 2 && Is(tokens[tokens.size() - 2], "extern")) {
      decision.kind = ScopeKind::kNamespace;  // extern "C" { … }
    }
    return decision;
  }
  const Token& key = tokens[i];
  const bool named = i + 1 < tokens.size() && IsIdentifier(tokens[i + 1]);
  decision.reported = true;
  if (Is(key, "fn") && named) {
    context.Emit(InTraitOrImpl(context) ? SymbolKind::kMethod : SymbolKind::kFunction,
                 tokens[i + 1]);
    decision.kind = ScopeKind::kFunction;
    return decision;
  }
  if (IsAny(key, {"struct", "union", "enum", "trait", "mod"}) && named) {
    const Token& name = tokens[i + 1];
    decision.name = name.text;
    if (Is(key, "enum")) {
      decision.kind = ScopeKind::kEnum;
      context.Emit(SymbolKind::kEnum, name);
    } else if (Is(key, "trait")) {
      decision.kind = ScopeKind::kInterface;
      context.Emit(SymbolKind::kTrait, name);
    } else if (Is(key, "mod")) {
      decision.kind = ScopeKind::kNamespace;
      context.Emit(SymbolKind::kModule, name);
    } else {
      decision.kind = ScopeKind::kClass;
      context.Emit(Is(key, "union") ? SymbolKind::kUnion : SymbolKind::kStruct, name);
    }
    return decision;
  }
  if (Is(key, "impl")) {
    decision.kind = ScopeKind::kImpl;
    decision.name = ImplType(tokens, i);
    return decision;
  }
  if (Is(key, "macro_rules") && i + 2 < tokens.size() && Is(tokens[i + 1], "!") &&
      IsIdentifier(tokens[i + 2])) {
    context.Emit(SymbolKind::kMacro, tokens[i + 2]);
    return decision;
  }
  if (SimpleItem(tokens, i, context)) {
    decision.continues = true;  // a struct literal or a closure in the initializer
    return decision;
  }
  decision.reported = false;
  decision.continues = FindTop(tokens, "=") != kNone;
  return decision;
}

void RustEnd(Tokens tokens, const RuleContext& context) {
  if (context.scope == ScopeKind::kClass) {
    return;  // struct fields
  }
  const std::size_t i = SkipQualifiers(tokens);
  if (i + 1 >= tokens.size() || !IsIdentifier(tokens[i + 1])) {
    return;
  }
  const Token& key = tokens[i];
  if (Is(key, "fn")) {
    context.Emit(InTraitOrImpl(context) ? SymbolKind::kMethod : SymbolKind::kFunction,
                 tokens[i + 1]);
  } else if (IsAny(key, {"struct", "union"})) {
    context.Emit(Is(key, "union") ? SymbolKind::kUnion : SymbolKind::kStruct, tokens[i + 1]);
  } else if (Is(key, "mod")) {
    context.Emit(SymbolKind::kModule, tokens[i + 1]);
  } else {
    SimpleItem(tokens, i, context);
  }
}

}  // namespace oxd::codedb
