// Tokens of the C-like languages (C, C++, Java, JavaScript, TypeScript, Go, Rust) as the lexer
// hands them to the statement scanner. Token::text views the scanned source.
#pragma once

#include <cstdint>
#include <string_view>

namespace oxd::codedb {

enum class TokenKind : std::uint8_t {
  kIdentifier,  // identifiers and keywords alike
  kLiteral,     // numbers, strings, chars, regexes, template literals, Rust lifetimes
  kPunct,       // one operator or punctuator ("::", "->", "=>", "==" are one token each)
  kBody,        // stands for a `{…}` already scanned inside the statement (synthetic)
};

struct Token {
  std::string_view text;
  std::uint32_t line = 0;
  TokenKind kind = TokenKind::kPunct;
  bool newline_before = false;  // a line break since the previous token (Go/JS statement ends)
  std::uint8_t depth = 0;       // ( and [ nesting inside the statement, before this token
};

inline bool Is(const Token& token, std::string_view text) {
  return token.text == text && token.kind != TokenKind::kLiteral;
}

inline bool IsIdentifier(const Token& token) { return token.kind == TokenKind::kIdentifier; }

}  // namespace oxd::codedb
