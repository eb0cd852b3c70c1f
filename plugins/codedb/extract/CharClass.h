// Byte classes shared by the C-like lexer's files.
#pragma once

#include <array>
#include <cstdint>

namespace oxd::codedb::lexing {

enum CharClass : std::uint8_t { kOther = 0, kIdentStart = 1, kDigit = 2, kBlank = 4 };

constexpr std::array<std::uint8_t, 256> MakeClasses() {
  std::array<std::uint8_t, 256> classes{};
  for (int c = 'a'; c <= 'z'; ++c) classes[c] = kIdentStart;
  for (int c = 'A'; c <= 'Z'; ++c) classes[c] = kIdentStart;
  for (int c = '0'; c <= '9'; ++c) classes[c] = kDigit;
  for (int c = 0x80; c < 0x100; ++c) classes[c] = kIdentStart;  // UTF-8 identifiers
  classes['_'] = kIdentStart;
  classes['$'] = kIdentStart;  // JavaScript, Java; elsewhere harmless
  classes[' '] = classes['\t'] = classes['\r'] = classes['\f'] = classes['\v'] = kBlank;
  return classes;
}
inline constexpr std::array<std::uint8_t, 256> kClasses = MakeClasses();

inline std::uint8_t ClassOf(char c) { return kClasses[static_cast<unsigned char>(c)]; }
inline bool IsIdentChar(char c) { return (ClassOf(c) & (kIdentStart | kDigit)) != 0; }

}  // namespace oxd::codedb::lexing
