// Java declarations. At a top-level '{': class, interface, @interface, enum, record, methods
// and constructors (a name before the first parameter list, no '=' before it), constant
// fields with initializer braces. At ';': interface and abstract methods, constants (static
// final fields, and every field of an interface).
#include "RuleHelpers.h"

namespace oxd::codedb {
namespace {

const std::initializer_list<std::string_view> kModifiers = {
    "public",       "protected", "private",  "static",   "final",   "abstract", "native",
    "synchronized", "transient", "volatile", "strictfp", "default", "sealed",   "non-sealed"};

struct Head {
  std::size_t start = 0;  // first token after annotations and modifiers
  bool is_static = false;
  bool is_final = false;
};

Head SkipModifiers(Tokens tokens) {
  Head head;
  std::size_t i = 0;
  while (i < tokens.size()) {
    const Token& token = tokens[i];
    if (Is(token, "@") && i + 1 < tokens.size() && !Is(tokens[i + 1], "interface")) {
      i += 2;  // @Name, @a.b.Name, @Name(…)
      while (i + 1 < tokens.size() && Is(tokens[i], ".")) {
        i += 2;
      }
      if (i < tokens.size() && Is(tokens[i], "(")) {
        i = SkipBalanced(tokens, i);
      }
    } else if (Is(token, "non") && i + 2 < tokens.size() && Is(tokens[i + 1], "-")) {
      i += 3;  // non-sealed
    } else if (IsAny(token, kModifiers)) {
      head.is_static |= Is(token, "static");
      head.is_final |= Is(token, "final");
      ++i;
    } else {
      break;
    }
  }
  head.start = i;
  return head;
}

// The first "(" at depth 0 preceded by a name, before any '='.
std::size_t MethodParameters(Tokens tokens, std::size_t from) {
  for (std::size_t i = from; i < tokens.size(); ++i) {
    if (tokens[i].depth != 0) {
      continue;
    }
    if (Is(tokens[i], "=")) {
      return kNone;
    }
    if (Is(tokens[i], "(") && i > from && IsIdentifier(tokens[i - 1])) {
      return i;
    }
  }
  return kNone;
}

void EmitField(Tokens tokens, const Head& head, const RuleContext& context) {
  if (!(head.is_static && head.is_final) && context.scope != ScopeKind::kInterface) {
    return;
  }
  std::size_t end = FindTop(tokens, "=");
  if (end == kNone) {
    end = tokens.size();
  }
  for (std::size_t k = end; k-- > head.start;) {
    if (tokens[k].depth == 0 && IsIdentifier(tokens[k])) {
      if (k > head.start) {  // a type precedes the name
        context.Emit(SymbolKind::kConstant, tokens[k]);
      }
      return;
    }
  }
}

}  // namespace

BraceDecision JavaBrace(Tokens tokens, const RuleContext& context) {
  BraceDecision decision;
  const Head head = SkipModifiers(tokens);
  const std::size_t i = head.start;
  if (i >= tokens.size()) {
    return decision;  // an initializer block: `static {` or `{`
  }
  const Token& first = tokens[i];
  std::size_t key = i;
  if (Is(first, "@") && i + 1 < tokens.size()) {
    key = i + 1;  // @interface
  }
  if (IsAny(tokens[key], {"class", "interface", "enum", "record"}) && key + 1 < tokens.size() &&
      IsIdentifier(tokens[key + 1])) {
    const Token& name = tokens[key + 1];
    decision.name = name.text;
    decision.reported = true;
    if (Is(tokens[key], "interface")) {
      decision.kind = ScopeKind::kInterface;
      context.Emit(SymbolKind::kInterface, name);
    } else if (Is(tokens[key], "enum")) {
      decision.kind = ScopeKind::kEnum;
      context.Emit(SymbolKind::kEnum, name);
    } else {
      decision.kind = ScopeKind::kClass;
      context.Emit(SymbolKind::kClass, name);
    }
    return decision;
  }
  if (IsControlKeyword(first)) {
    return decision;
  }
  const std::size_t parameters = MethodParameters(tokens, i);
  if (parameters == kNone) {
    // A field initialized by braces: an array, or an anonymous class after `new`.
    decision.continues = true;
    decision.reported = true;
    if (FindTop(tokens, "=") != kNone) {
      EmitField(tokens, head, context);
    }
    return decision;
  }
  context.Emit(SymbolKind::kMethod, tokens[parameters - 1]);
  decision.kind = ScopeKind::kFunction;
  decision.reported = true;
  return decision;
}

void JavaEnd(Tokens tokens, const RuleContext& context) {
  if (context.scope != ScopeKind::kClass && context.scope != ScopeKind::kInterface) {
    return;  // package, import: nothing
  }
  const Head head = SkipModifiers(tokens);
  if (head.start >= tokens.size()) {
    return;
  }
  const std::size_t parameters = MethodParameters(tokens, head.start);
  if (parameters != kNone) {
    context.Emit(SymbolKind::kMethod, tokens[parameters - 1]);
    return;
  }
  EmitField(tokens, head, context);
}

}  // namespace oxd::codedb
