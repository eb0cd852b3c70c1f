// Go declarations: `func` (a method when it has a receiver; the container is the receiver's
// type), `type` (struct, interface, or any other type: a type), `const` (every name of the
// spec), alone or in parenthesised groups; method signatures in interface bodies. `var`,
// struct fields and anything inside functions are not reported.
#include "RuleHelpers.h"

namespace oxd::codedb {
namespace {

// The declaration keyword and the index of the first token of the spec after it.
std::string_view Keyword(Tokens tokens, const RuleContext& context, std::size_t& spec) {
  if (context.scope == ScopeKind::kGoGroup) {
    spec = 0;
    return context.group_keyword;
  }
  spec = 1;
  if (!tokens.empty() && IsAny(tokens[0], {"func", "type", "const", "var"})) {
    return tokens[0].text;
  }
  return {};
}

void EmitFunction(Tokens tokens, const RuleContext& context) {
  if (tokens.size() < 2) {
    return;
  }
  if (Is(tokens[1], "(")) {
    // func (r *T[K]) Name(…): the receiver's type is its last name at depth 1.
    const std::size_t close = SkipBalanced(tokens, 1);
    std::string_view receiver;
    for (std::size_t k = 2; k + 1 < close; ++k) {
      if (tokens[k].depth == 1 && IsIdentifier(tokens[k])) {
        receiver = tokens[k].text;
      }
    }
    if (close < tokens.size() && IsIdentifier(tokens[close])) {
      context.Emit(SymbolKind::kMethod, tokens[close].text, tokens[close].line, receiver);
    }
    return;
  }
  if (IsIdentifier(tokens[1])) {
    context.Emit(SymbolKind::kFunction, tokens[1]);
  }
}

void EmitConstants(Tokens tokens, std::size_t spec, const RuleContext& context) {
  // const a, b = 1, 2 — the names before the type or '='.
  for (std::size_t k = spec; k < tokens.size() && IsIdentifier(tokens[k]); k += 2) {
    context.Emit(SymbolKind::kConstant, tokens[k]);
    if (k + 1 >= tokens.size() || !Is(tokens[k + 1], ",")) {
      break;
    }
  }
}

// type Name[T any] struct — the token after the name and its type parameters.
std::size_t AfterTypeName(Tokens tokens, std::size_t name) {
  std::size_t at = name + 1;
  if (at + 2 < tokens.size() && Is(tokens[at], "[") && IsIdentifier(tokens[at + 1]) &&
      !Is(tokens[at + 2], "]")) {
    at = SkipBalanced(tokens, at);  // type parameters, not an array length
  }
  if (at < tokens.size() && Is(tokens[at], "=")) {
    ++at;
  }
  return at;
}

}  // namespace

BraceDecision GoBrace(Tokens tokens, const RuleContext& context) {
  BraceDecision decision;
  std::size_t spec = 0;
  const std::string_view keyword = Keyword(tokens, context, spec);
  if (keyword == "func" && context.scope != ScopeKind::kGoGroup) {
    EmitFunction(tokens, context);
    decision.kind = ScopeKind::kFunction;
    decision.reported = true;
    return decision;
  }
  if (keyword == "type" && spec < tokens.size() && IsIdentifier(tokens[spec])) {
    const std::size_t after = AfterTypeName(tokens, spec);
    decision.reported = true;
    decision.name = tokens[spec].text;
    if (after + 1 == tokens.size() && Is(tokens[after], "struct")) {
      decision.kind = ScopeKind::kClass;
      context.Emit(SymbolKind::kStruct, tokens[spec]);
    } else if (after + 1 == tokens.size() && Is(tokens[after], "interface")) {
      decision.kind = ScopeKind::kInterface;
      context.Emit(SymbolKind::kInterface, tokens[spec]);
    } else {
      decision.continues = true;  // map[string]struct{…} and the like
      decision.name = {};
      context.Emit(SymbolKind::kType, tokens[spec]);
    }
    return decision;
  }
  if (keyword == "const" || keyword == "var") {
    decision.continues = true;  // a composite literal or a function literal
    decision.reported = true;
    if (keyword == "const") {
      EmitConstants(tokens, spec, context);
    }
    return decision;
  }
  // Struct fields and interface members with inline types, anything else.
  decision.continues = context.scope == ScopeKind::kClass ||
                       context.scope == ScopeKind::kInterface || FindTop(tokens, "=") != kNone;
  return decision;
}

void GoEnd(Tokens tokens, const RuleContext& context) {
  if (context.scope == ScopeKind::kInterface) {
    if (tokens.size() >= 2 && IsIdentifier(tokens[0]) && Is(tokens[1], "(")) {
      context.Emit(SymbolKind::kMethod, tokens[0]);
    }
    return;
  }
  if (context.scope == ScopeKind::kClass) {
    return;  // struct fields
  }
  std::size_t spec = 0;
  const std::string_view keyword = Keyword(tokens, context, spec);
  if (keyword == "func" && context.scope != ScopeKind::kGoGroup) {
    EmitFunction(tokens, context);  // a declaration without a body (assembly)
  } else if (keyword == "type" && spec < tokens.size() && IsIdentifier(tokens[spec])) {
    context.Emit(SymbolKind::kType, tokens[spec]);
  } else if (keyword == "const") {
    EmitConstants(tokens, spec, context);
  }
}

}  // namespace oxd::codedb
