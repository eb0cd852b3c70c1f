// C and C++ declarations. At a top-level '{': namespace, extern "C", class/struct/union/enum
// (a name followed by nothing, ':' or `final`; `struct stat *f() {` is a function), function
// or method definitions (a name before the first parameter list, with a return type before it,
// or qualified A::f, or a constructor/destructor in its class), const/constexpr variables with
// brace initializers. At ';': typedef and `using X =` aliases, concepts, prototypes, constants.
#include "RuleHelpers.h"

namespace oxd::codedb {
namespace {

const std::initializer_list<std::string_view> kSpecifiers = {
    "static",   "inline",     "constexpr",     "consteval", "constinit",    "virtual",
    "explicit", "export",     "mutable",       "register",  "thread_local", "_Noreturn",
    "__inline", "__inline__", "__forceinline", "typename",  "friend"};

// Words before a "(" that make it no parameter list.
bool IsNotAName(const Token& token) {
  return IsAny(token,
               {"__attribute__", "__declspec", "alignas",  "decltype",       "noexcept", "throw",
                "requires",      "alignof",    "sizeof",   "__asm__",        "asm",      "__asm",
                "typeof",        "__typeof__", "_Alignas", "_Static_assert", "if",       "while",
                "for",           "switch",     "return",   "void",           "int",      "char",
                "bool",          "long",       "short",    "unsigned",       "signed",   "float",
                "double",        "auto"});
}

// True when the tokens before the name hold a type: a word, or *, &, >, ::.
bool HasReturnType(Tokens tokens, std::size_t begin, std::size_t name_first) {
  for (std::size_t i = begin; i < name_first; ++i) {
    if (IsIdentifier(tokens[i]) || IsAny(tokens[i], {"*", "&", "&&", ">", "::"})) {
      return true;
    }
  }
  return false;
}

// Constructors, destructors and conversion operators have no return type.
bool IsSpecialMember(const CalledName& name, const RuleContext& context) {
  return name.name.starts_with("operator") ||
         (context.scope == ScopeKind::kClass &&
          (name.name == context.scope_name || name.name.starts_with('~')));
}

// The first "(" at depth 0 outside template arguments that follows the name of a function:
// one with a return type before it (counted from the end of any earlier call, so that
// `EXPORT(x) int f()` finds f), a qualified name, or a special member.
std::size_t ParameterList(Tokens tokens, std::size_t from, CalledName& name,
                          const RuleContext& context) {
  int angle = 0;
  std::size_t segment = from;
  for (std::size_t i = from; i < tokens.size(); ++i) {
    const Token& token = tokens[i];
    if (token.depth != 0 || token.kind != TokenKind::kPunct) {
      continue;
    }
    if (token.text == "<" && i > 0 && IsIdentifier(tokens[i - 1]) &&
        !Is(tokens[i - 1], "operator")) {
      ++angle;
    } else if (token.text == ">" && angle > 0 && !(i > 0 && Is(tokens[i - 1], "operator"))) {
      --angle;
    } else if (token.text == "(" && angle == 0 && i + 3 < tokens.size() &&
               IsIdentifier(tokens[i + 1]) && Is(tokens[i + 2], ")") && Is(tokens[i + 3], "(") &&
               i > 0 && (IsIdentifier(tokens[i - 1]) || IsAny(tokens[i - 1], {">", "*", "&"}))) {
      // T (name)(args): a parenthesised name, kept from macro expansion ((max), (min)).
      name = CalledName{tokens[i + 1].text, {}, tokens[i + 1].line, i};
      return i + 3;
    } else if (token.text == "(" && i > 0 && Is(tokens[i - 1], "operator")) {
      continue;  // the "()" of operator(): the parameters follow
    } else if (token.text == "(" && angle == 0 && i > 0 &&
               (!IsNotAName(tokens[i - 1]) || (i > 1 && Is(tokens[i - 2], "operator"))) &&
               NameBeforeParen(tokens, i, name)) {
      if (HasReturnType(tokens, segment, name.first) || !name.qualifier.empty() ||
          IsSpecialMember(name, context)) {
        return i;
      }
      segment = SkipBalanced(tokens, i);  // a macro call: the declaration starts after it
      i = segment - 1;
    } else if (token.text == "=" && angle == 0 && !(i > 0 && Is(tokens[i - 1], "operator"))) {
      return kNone;
    }
  }
  return kNone;
}

// The first '=' at depth 0 that is no part of an `operator=` name.
std::size_t Assignment(Tokens tokens) {
  for (std::size_t i = FindTop(tokens, "="); i != kNone; i = FindTop(tokens, "=", i + 1)) {
    if (i == 0 || !Is(tokens[i - 1], "operator")) {
      return i;
    }
  }
  return kNone;
}

// The last identifier at depth 0 before `end`: the declared name of `T const* name[3] =`.
std::size_t DeclaredName(Tokens tokens, std::size_t begin, std::size_t end) {
  std::size_t name = kNone;
  for (std::size_t i = begin; i < end && i < tokens.size(); ++i) {
    if (tokens[i].depth == 0 && IsIdentifier(tokens[i]) &&
        !IsAny(tokens[i], {"const", "constexpr", "constinit", "volatile"})) {
      name = i;
    }
  }
  return name;
}

// constexpr anything, or const that applies to the object (not only to what a pointer points at).
bool IsConstant(Tokens tokens, std::size_t begin, std::size_t name) {
  bool constant = false;
  for (std::size_t i = begin; i < name; ++i) {
    if (tokens[i].depth != 0) {
      continue;
    }
    if (IsAny(tokens[i], {"constexpr", "constinit"})) {
      return true;
    }
    if (Is(tokens[i], "const")) {
      constant = true;
    } else if (IsAny(tokens[i], {"*", "&", "&&"})) {
      constant = false;
    }
  }
  return constant;
}

// class/struct/union/enum head starting after the key: the (possibly qualified) name, ending
// the statement or followed by ':' or `final`.
bool ClassHead(Tokens tokens, std::size_t at, std::size_t& name, std::string_view& qualifier) {
  name = kNone;
  while (at < tokens.size()) {
    at = SkipPrefix(tokens, at, {});
    if (at >= tokens.size()) {
      break;
    }
    const Token& token = tokens[at];
    if (Is(token, ":") || Is(token, "{}")) {
      return true;
    }
    if (!IsIdentifier(token)) {
      return false;
    }
    if (Is(token, "final") && name != kNone) {
      ++at;
      continue;
    }
    const std::size_t start = at;
    while (at + 2 < tokens.size() && Is(tokens[at + 1], "::") && IsIdentifier(tokens[at + 2])) {
      at += 2;
    }
    name = at;
    qualifier = at > start ? tokens[at - 2].text : std::string_view{};  // the innermost
    ++at;
    if (at < tokens.size() && Is(tokens[at], "<")) {
      at = SkipBalanced(tokens, at);
    }
  }
  return true;
}

SymbolKind ClassKind(const Token& key) {
  if (Is(key, "class")) return SymbolKind::kClass;
  if (Is(key, "struct")) return SymbolKind::kStruct;
  if (Is(key, "union")) return SymbolKind::kUnion;
  return SymbolKind::kEnum;
}

std::size_t DeclarationStart(Tokens tokens) {
  std::size_t i = SkipPrefix(tokens, 0, kSpecifiers);
  while (i < tokens.size() && Is(tokens[i], "extern")) {
    ++i;
    if (i < tokens.size() && tokens[i].kind == TokenKind::kLiteral) {
      ++i;  // extern "C" void f();
    }
    i = SkipPrefix(tokens, i, kSpecifiers);
  }
  return i;
}

// `using Name = …` and `concept Name = …`: returns true when reported.
bool Alias(Tokens tokens, std::size_t i, const RuleContext& context) {
  if (i + 2 < tokens.size() && IsAny(tokens[i], {"using", "concept"}) &&
      IsIdentifier(tokens[i + 1]) && Is(tokens[i + 2], "=")) {
    context.Emit(SymbolKind::kType, tokens[i + 1]);
    return true;
  }
  return false;
}

void EmitTypedefNames(Tokens tokens, std::size_t begin, const RuleContext& context) {
  // Declarators split at top-level commas outside template arguments.
  std::size_t segment = begin;
  int angle = 0;
  for (std::size_t i = begin; i <= tokens.size(); ++i) {
    if (i < tokens.size()) {
      const Token& token = tokens[i];
      if (token.depth == 0 && Is(token, "<") && i > 0 && IsIdentifier(tokens[i - 1])) {
        ++angle;
      } else if (token.depth == 0 && Is(token, ">") && angle > 0) {
        --angle;
      }
      if (!(token.depth == 0 && angle == 0 && Is(token, ","))) {
        continue;
      }
    }
    std::size_t name = kNone;
    for (std::size_t k = segment; k < i; ++k) {
      if (tokens[k].depth == 0 && Is(tokens[k], "(") && k + 1 < i &&
          IsAny(tokens[k + 1], {"*", "^", "&"})) {
        // A pointer to function or array: typedef void (*handler)(int);
        const std::size_t close = SkipBalanced(tokens, k);
        for (std::size_t m = k + 1; m < close; ++m) {
          if (IsIdentifier(tokens[m])) {
            name = m;
          }
        }
        break;
      }
      if (tokens[k].depth == 0 && IsIdentifier(tokens[k]) && !Is(tokens[k], "const")) {
        name = k;
      }
    }
    if (name != kNone) {
      context.Emit(SymbolKind::kType, tokens[name]);
    }
    segment = i + 1;
  }
}

}  // namespace

BraceDecision CFamilyBrace(Tokens tokens, const RuleContext& context) {
  BraceDecision decision;
  std::size_t i = DeclarationStart(tokens);
  bool is_typedef = false;
  if (i < tokens.size() && Is(tokens[i], "typedef")) {
    is_typedef = true;
    i = SkipPrefix(tokens, i + 1, kSpecifiers);
  }
  if (i >= tokens.size()) {
    if (tokens.size() >= 2 && Is(tokens[tokens.size() - 2], "extern")) {
      decision.kind = ScopeKind::kNamespace;  // extern "C" {
    }
    decision.continues = is_typedef;
    return decision;
  }
  // A macro may precede the keyword on the same line: BOOST_HANA_NAMESPACE_BEGIN namespace x {
  for (std::size_t k = FindTop(tokens, "namespace", i + 1); k != kNone;
       k = FindTop(tokens, "namespace", k + 1)) {
    bool plain = true;
    for (std::size_t m = k + 1; m < tokens.size() && plain; ++m) {
      plain = IsIdentifier(tokens[m]) || Is(tokens[m], "::");
    }
    if (plain) {
      i = Is(tokens[k - 1], "inline") ? k - 1 : k;
      break;
    }
  }
  const Token& first = tokens[i];
  if (Is(first, "namespace") ||
      (Is(first, "inline") && i + 1 < tokens.size() && Is(tokens[i + 1], "namespace"))) {
    decision.kind = ScopeKind::kNamespace;
    std::size_t last = kNone;
    for (std::size_t k = i + 1; k < tokens.size(); ++k) {
      if (IsIdentifier(tokens[k]) && !Is(tokens[k], "namespace") && !Is(tokens[k], "inline")) {
        last = k;
      }
    }
    if (last != kNone) {
      const std::size_t start = Is(first, "inline") ? i + 2 : i + 1;
      const std::string_view qualifier =
          last > start + 1 ? tokens[last - 2].text : context.container;
      context.Emit(SymbolKind::kNamespace, tokens[last].text, tokens[last].line, qualifier);
      decision.name = tokens[last].text;
    }
    return decision;
  }
  if (IsControlKeyword(first)) {
    return decision;
  }
  std::size_t key = i;
  while (key + 1 < tokens.size() && IsAny(tokens[key], {"const", "volatile"})) {
    ++key;  // const class : public base { … } instance;
  }
  if (IsAny(tokens[key], {"class", "struct", "union", "enum"})) {
    const Token& first = tokens[key];
    std::size_t at = key + 1;
    if (Is(first, "enum") && at < tokens.size() && IsAny(tokens[at], {"class", "struct"})) {
      ++at;
    }
    std::size_t name = kNone;
    std::string_view qualifier;
    if (ClassHead(tokens, at, name, qualifier)) {
      decision.kind = Is(first, "enum") ? ScopeKind::kEnum : ScopeKind::kClass;
      decision.continues = true;  // `} name;` may follow, and ';' always does
      decision.reported = !is_typedef;
      if (name != kNone) {
        decision.name = tokens[name].text;
        context.Emit(ClassKind(first), tokens[name].text, tokens[name].line,
                     qualifier.empty() ? context.container : qualifier);
      }
      return decision;
    }
  }
  CalledName called;
  const std::size_t parameters = ParameterList(tokens, i, called, context);
  const std::size_t equals = Assignment(tokens);
  if (parameters == kNone || (equals != kNone && equals < parameters)) {
    // A brace initializer: `constexpr int kTable[] = {…}`, `const Point origin{0, 0}`.
    decision.continues = true;
    decision.reported = true;
    const std::size_t end = equals == kNone ? tokens.size() : equals;
    const std::size_t name = DeclaredName(tokens, i, end);
    if (Alias(tokens, i, context)) {
      return decision;
    }
    if (name != kNone && name > i && IsConstant(tokens, 0, name)) {
      context.Emit(SymbolKind::kConstant, tokens[name]);
    }
    if (equals == kNone && !(tokens.size() > 1 && IsIdentifier(tokens.back()))) {
      decision.continues = false;  // a macro's block or a bare block, not an initializer
    }
    return decision;
  }
  // A brace initializer in a constructor's member list, `A() : x_{1}, y_{2} {`, is no body.
  const std::size_t close = SkipBalanced(tokens, parameters);
  if (tokens.size() >= 2 && FindTop(tokens, ":", close) != kNone &&
      (IsIdentifier(tokens.back()) || Is(tokens.back(), ">"))) {
    decision.continues = true;
    return decision;
  }
  const bool method = context.scope == ScopeKind::kClass || !called.qualifier.empty();
  context.Emit(method ? SymbolKind::kMethod : SymbolKind::kFunction, called.name, called.line,
               called.qualifier.empty() ? context.container : called.qualifier);
  decision.kind = ScopeKind::kFunction;
  decision.reported = true;
  return decision;
}

void CFamilyEnd(Tokens tokens, const RuleContext& context) {
  std::size_t i = DeclarationStart(tokens);
  if (i >= tokens.size()) {
    return;
  }
  const Token& first = tokens[i];
  if (Is(first, "typedef")) {
    EmitTypedefNames(tokens, i + 1, context);
    return;
  }
  if (Alias(tokens, i, context)) {
    return;
  }
  if (IsAny(first, {"using", "namespace", "static_assert", "class", "struct", "union", "enum",
                    "return", "goto", "break", "continue", "template"}) ||
      IsControlKeyword(first)) {
    return;
  }
  CalledName called;
  const std::size_t parameters = ParameterList(tokens, i, called, context);
  if (parameters != kNone) {
    // `T x(1);` constructs a variable; `FILE* __REDIRECT(tmpfile, (void), tmpfile64);` is a
    // macro call: neither declares a function.
    const bool literal_argument =
        parameters + 1 < tokens.size() && tokens[parameters + 1].kind == TokenKind::kLiteral;
    if (!literal_argument && !IsMacroName(called.name)) {
      context.Emit(SymbolKind::kPrototype, called.name, called.line,
                   called.qualifier.empty() ? context.container : called.qualifier);
    }
    return;
  }
  const std::size_t equals = Assignment(tokens);
  std::size_t end = equals == kNone ? tokens.size() : equals;
  const std::size_t body = FindTop(tokens, "{}");
  if (body != kNone && body < end) {
    end = body;
  }
  const std::size_t name = DeclaredName(tokens, i, end);
  if (name != kNone && name > i && IsConstant(tokens, 0, name)) {
    context.Emit(SymbolKind::kConstant, tokens[name]);
  }
}

}  // namespace oxd::codedb
