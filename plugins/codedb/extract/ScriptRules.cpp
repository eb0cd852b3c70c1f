// JavaScript and TypeScript declarations, at the file level and in namespaces: `function`,
// `class`, TS `interface`, `enum`, `namespace`/`module`, `type` aliases; `const`/`let`/`var`
// bound to a function or arrow function (a function), to a class expression (a class), or a
// top-level `const` bound to anything else (a constant). In class bodies: methods, accessors,
// constructors, and fields bound to arrow functions (methods); in interfaces: method
// signatures. Object literal members and anything inside functions are not reported.
#include "RuleHelpers.h"

namespace oxd::codedb {
namespace {

const std::initializer_list<std::string_view> kModifiers = {
    "export", "default", "declare",   "abstract", "async",    "static",
    "public", "private", "protected", "readonly", "override", "accessor"};

std::size_t SkipDecoratorsAndModifiers(Tokens tokens, std::size_t i) {
  while (i < tokens.size()) {
    if (Is(tokens[i], "@") && i + 1 < tokens.size()) {
      i += 2;  // @name, @a.b, @name(…)
      while (i + 1 < tokens.size() && Is(tokens[i], ".")) {
        i += 2;
      }
      if (i < tokens.size() && Is(tokens[i], "(")) {
        i = SkipBalanced(tokens, i);
      }
    } else if (IsAny(tokens[i], kModifiers) && i + 1 < tokens.size() &&
               !IsAny(tokens[i + 1], {"(", "=", ":", "?", ";", "<", "!"})) {
      ++i;  // a modifier, not a member named `static` or `get`
    } else {
      break;
    }
  }
  return i;
}

bool IsName(const Token& token) {
  return IsIdentifier(token) || (token.kind == TokenKind::kLiteral && !token.text.empty() &&
                                 (token.text[0] == '"' || token.text[0] == '\''));
}

// A class or interface member `name?<T>(` at `i`: returns the name's index, or kNone.
std::size_t MemberMethod(Tokens tokens, std::size_t i) {
  if (i < tokens.size() && IsAny(tokens[i], {"get", "set"}) && i + 1 < tokens.size() &&
      IsName(tokens[i + 1])) {
    ++i;  // an accessor
  }
  if (i < tokens.size() && Is(tokens[i], "*")) {
    ++i;  // a generator method
  }
  if (i >= tokens.size() || !IsName(tokens[i])) {
    return kNone;
  }
  std::size_t at = i + 1;
  if (at < tokens.size() && IsAny(tokens[at], {"?", "!"})) {
    ++at;
  }
  if (at < tokens.size() && Is(tokens[at], "<")) {
    at = SkipBalanced(tokens, at);
  }
  return at < tokens.size() && Is(tokens[at], "(") ? i : kNone;
}

// What `= …` binds at `equals`: a function, a class, or something else.
SymbolKind BoundKind(Tokens tokens, std::size_t equals, bool& is_other) {
  is_other = false;
  std::size_t at = equals + 1;
  if (at < tokens.size() && Is(tokens[at], "async")) {
    ++at;
  }
  if (at < tokens.size() && Is(tokens[at], "function")) {
    return SymbolKind::kFunction;
  }
  if (at < tokens.size() && Is(tokens[at], "class")) {
    return SymbolKind::kClass;
  }
  // An arrow function: `(…) =>`, `x =>`, `<T>(…): R =>` right after the '='.
  if (at < tokens.size() && (Is(tokens[at], "(") || Is(tokens[at], "<"))) {
    std::size_t close = SkipBalanced(tokens, at);
    if (Is(tokens[at], "<") && close < tokens.size() && Is(tokens[close], "(")) {
      close = SkipBalanced(tokens, close);
    }
    for (std::size_t k = close; k < tokens.size(); ++k) {
      if (tokens[k].depth == 0 && Is(tokens[k], "=>")) {
        return SymbolKind::kFunction;
      }
      if (tokens[k].depth == 0 && !Is(tokens[k], ":") && k == close) {
        break;  // neither a return type nor an arrow
      }
    }
  }
  if (at + 1 < tokens.size() && IsIdentifier(tokens[at]) && Is(tokens[at + 1], "=>")) {
    return SymbolKind::kFunction;
  }
  is_other = true;
  return SymbolKind::kConstant;
}

// Declarations shared by '{' and ';': returns true when something was reported.
bool Declaration(Tokens tokens, std::size_t i, const RuleContext& context, BraceDecision& out) {
  const Token& first = tokens[i];
  const bool top = context.scope == ScopeKind::kFile || context.scope == ScopeKind::kNamespace;
  if (Is(first, "function")) {
    std::size_t at = i + 1;
    if (at < tokens.size() && Is(tokens[at], "*")) {
      ++at;
    }
    out.kind = ScopeKind::kFunction;
    if (at < tokens.size() && IsIdentifier(tokens[at])) {
      context.Emit(SymbolKind::kFunction, tokens[at]);
    }
    return true;
  }
  if (IsAny(first, {"const", "let", "var"}) && i + 1 < tokens.size() &&
      IsIdentifier(tokens[i + 1])) {
    if (Is(tokens[i + 1], "enum")) {
      return false;  // const enum
    }
    const std::size_t equals = FindTop(tokens, "=", i + 2);
    bool is_other = true;
    const SymbolKind kind =
        equals == kNone ? SymbolKind::kConstant : BoundKind(tokens, equals, is_other);
    if (!is_other) {
      out.kind = kind == SymbolKind::kClass ? ScopeKind::kClass : ScopeKind::kFunction;
      out.name = kind == SymbolKind::kClass ? tokens[i + 1].text : std::string_view{};
      context.Emit(kind, tokens[i + 1]);
    } else if (Is(first, "const") && top) {
      context.Emit(SymbolKind::kConstant, tokens[i + 1]);
    }
    out.continues = true;
    return true;
  }
  if (Is(first, "type") && i + 1 < tokens.size() && IsIdentifier(tokens[i + 1]) && top) {
    context.Emit(SymbolKind::kType, tokens[i + 1]);
    out.continues = true;
    return true;
  }
  return false;
}

// True inside unclosed type arguments or parameters: `class R<T extends {` opens a type.
bool InsideAngles(Tokens tokens) {
  int angle = 0;
  for (std::size_t i = 1; i < tokens.size(); ++i) {
    if (tokens[i].depth != 0) {
      continue;
    }
    if (Is(tokens[i], "<") && IsIdentifier(tokens[i - 1])) {
      ++angle;
    } else if (Is(tokens[i], ">") && angle > 0) {
      --angle;
    }
  }
  return angle > 0;
}

}  // namespace

BraceDecision ScriptBrace(Tokens tokens, const RuleContext& context) {
  BraceDecision decision;
  if (InsideAngles(tokens)) {
    decision.continues = true;
    return decision;
  }
  const std::size_t i = SkipDecoratorsAndModifiers(tokens, 0);
  if (i >= tokens.size()) {
    decision.continues = !tokens.empty();  // export default {
    return decision;
  }
  const Token& first = tokens[i];
  const bool has_name = i + 1 < tokens.size() && IsIdentifier(tokens[i + 1]);
  decision.reported = true;
  if (Is(first, "class")) {
    decision.kind = ScopeKind::kClass;
    if (has_name && !IsAny(tokens[i + 1], {"extends", "implements"})) {
      decision.name = tokens[i + 1].text;
      context.Emit(SymbolKind::kClass, tokens[i + 1]);
    }
    return decision;
  }
  if (Is(first, "interface") && has_name) {
    decision.kind = ScopeKind::kInterface;
    decision.name = tokens[i + 1].text;
    context.Emit(SymbolKind::kInterface, tokens[i + 1]);
    return decision;
  }
  std::size_t enum_at = Is(first, "const") ? i + 1 : i;
  if (enum_at + 1 < tokens.size() && Is(tokens[enum_at], "enum") &&
      IsIdentifier(tokens[enum_at + 1])) {
    decision.kind = ScopeKind::kEnum;
    decision.name = tokens[enum_at + 1].text;
    context.Emit(SymbolKind::kEnum, tokens[enum_at + 1]);
    return decision;
  }
  if (IsAny(first, {"namespace", "module", "global"})) {
    decision.kind = ScopeKind::kNamespace;
    if (has_name && !Is(first, "global")) {
      // A dotted name A.B.C is reported whole.
      std::size_t last = i + 1;
      while (last + 2 < tokens.size() && Is(tokens[last + 1], ".")) {
        last += 2;
      }
      decision.name = SpanOf(tokens, i + 1, last);
      context.Emit(SymbolKind::kNamespace, decision.name, tokens[i + 1].line, context.container);
    }
    return decision;
  }
  if (context.scope == ScopeKind::kClass) {
    const std::size_t method = MemberMethod(tokens, i);
    if (method != kNone && FindTop(tokens, "=") == kNone) {
      decision.kind = ScopeKind::kFunction;
      context.Emit(SymbolKind::kMethod, tokens[method]);
      return decision;
    }
    bool is_other = true;
    if (IsName(first) && i + 1 < tokens.size() && Is(tokens[i + 1], "=") &&
        BoundKind(tokens, i + 1, is_other) == SymbolKind::kFunction && !is_other) {
      decision.kind = ScopeKind::kFunction;
      decision.continues = true;
      context.Emit(SymbolKind::kMethod, first);
      return decision;
    }
  }
  if (Declaration(tokens, i, context, decision)) {
    return decision;
  }
  decision.reported = false;
  if (IsControlKeyword(first)) {
    return decision;
  }
  // Any other brace in a statement: an object literal or type after '=', ':', '(' and the like.
  decision.continues = FindTop(tokens, "=") != kNone || tokens.back().kind == TokenKind::kPunct;
  return decision;
}

void ScriptEnd(Tokens tokens, const RuleContext& context) {
  const std::size_t i = SkipDecoratorsAndModifiers(tokens, 0);
  if (i >= tokens.size()) {
    return;
  }
  if (context.scope == ScopeKind::kClass || context.scope == ScopeKind::kInterface) {
    // Method signatures (interfaces, overloads, abstract methods) and arrow-function fields.
    const std::size_t method = MemberMethod(tokens, i);
    if (method != kNone) {
      context.Emit(SymbolKind::kMethod, tokens[method]);
      return;
    }
    bool is_other = true;
    if (context.scope == ScopeKind::kClass && IsName(tokens[i]) && i + 1 < tokens.size() &&
        Is(tokens[i + 1], "=") && BoundKind(tokens, i + 1, is_other) == SymbolKind::kFunction &&
        !is_other) {
      context.Emit(SymbolKind::kMethod, tokens[i]);
    }
    return;
  }
  BraceDecision ignored;
  Declaration(tokens, i, context, ignored);
}

}  // namespace oxd::codedb
