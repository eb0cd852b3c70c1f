// Small token-span queries shared by the per-language rules.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string_view>

#include "Scope.h"

namespace oxd::codedb {

inline constexpr std::size_t kNone = static_cast<std::size_t>(-1);

bool IsAny(const Token& token, std::initializer_list<std::string_view> words);

// The first token at paren depth 0 spelled `text`, from index `from`; kNone if there is none.
std::size_t FindTop(Tokens tokens, std::string_view text, std::size_t from = 0);

// `open` indexes "(", "[" or "<"; returns the index after its match (or tokens.size()).
// Angle brackets count only "<" and ">" at the opener's paren depth.
std::size_t SkipBalanced(Tokens tokens, std::size_t open);

// Skips `template <…>` headers, C++ `[[…]]` attributes, and the given leading words; returns
// the first index that is none of them.
std::size_t SkipPrefix(Tokens tokens, std::size_t at,
                       std::initializer_list<std::string_view> words);

// The name before the "(" at `open`: the identifier (or `operator…`, `~Name`) spelled just
// before it, with any `A::B::` qualifier. Returns false when the token before is no name.
struct CalledName {
  std::string_view name;
  std::string_view qualifier;  // "B" of A::B<T>::f (the innermost), empty if none
  std::uint32_t line = 0;
  std::size_t first = 0;  // index of the first token of qualifier+name
};
bool NameBeforeParen(Tokens tokens, std::size_t open, CalledName& out);

// The span from the start of tokens[first] to the end of tokens[last] (inclusive) in the source.
std::string_view SpanOf(Tokens tokens, std::size_t first, std::size_t last);

// NAME_IN_CAPITALS (two characters or more, no lower case, a letter): what C and C++ macros
// are called.
bool IsMacroName(std::string_view name);

// Keywords that open a control-flow block: a '{' after them opens no declaration.
bool IsControlKeyword(const Token& token);

}  // namespace oxd::codedb
