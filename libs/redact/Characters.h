// Byte classes the scanner (LineScanner.cpp) and its rules (Rules.cpp) share: table lookups, no
// locale, so a transcript in any encoding is scanned the same way (bytes ≥ 0x80 are never part of
// a secret). Internal to libs/redact.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace oxd::redact::detail {

enum CharClass : std::uint8_t {
  kPlain,      // nothing starts here
  kAlnum,      // a word starts here: prefixes, `Bearer`, sensitive names
  kBackslash,  // a JSON escape: its second byte never starts anything
  kDash,       // perhaps -----BEGIN … PRIVATE KEY-----
  kColon,      // perhaps ://user:password@
};

constexpr std::array<std::uint8_t, 256> MakeCharClasses() {
  std::array<std::uint8_t, 256> classes{};
  for (int c = '0'; c <= '9'; ++c) classes[c] = kAlnum;
  for (int c = 'a'; c <= 'z'; ++c) classes[c] = kAlnum;
  for (int c = 'A'; c <= 'Z'; ++c) classes[c] = kAlnum;
  classes['\\'] = kBackslash;
  classes['-'] = kDash;
  classes[':'] = kColon;
  return classes;
}
inline constexpr std::array<std::uint8_t, 256> kCharClasses = MakeCharClasses();

inline std::uint8_t ClassOf(char c) { return kCharClasses[static_cast<unsigned char>(c)]; }
inline bool IsAlnum(char c) { return ClassOf(c) == kAlnum; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsLetter(char c) { return IsAlnum(c) && !IsDigit(c); }
inline char Lower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
inline bool IsOneOf(char c, std::string_view set) { return set.find(c) != std::string_view::npos; }
inline bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Base64url and the like: most API tokens.
inline bool IsTokenChar(char c) { return IsAlnum(c) || c == '_' || c == '-'; }
// RFC 6750's b64token: what follows `Bearer `.
inline bool IsBearerChar(char c) { return IsAlnum(c) || IsOneOf(c, "-._~+/="); }

// How many bytes from `from` on satisfy `in_set`.
template <typename Predicate>
std::size_t RunLength(std::string_view text, std::size_t from, Predicate in_set) {
  std::size_t at = from;
  while (at < text.size() && in_set(text[at])) ++at;
  return at - from;
}

// RunLength, also stepping over `\/`: JSON writers may escape '/' (PHP and Poco do), and a
// base64 secret cut at its first '/' would half leak.
template <typename Predicate>
std::size_t RunLengthWithEscapedSlashes(std::string_view text, std::size_t from, Predicate in_set) {
  std::size_t at = from;
  while (at < text.size()) {
    if (in_set(text[at])) {
      ++at;
    } else if (text[at] == '\\' && at + 1 < text.size() && text[at + 1] == '/') {
      at += 2;
    } else {
      break;
    }
  }
  return at - from;
}

inline bool StartsWithAt(std::string_view text, std::size_t at, std::string_view prefix) {
  return at <= text.size() && text.substr(at).starts_with(prefix);
}

// `lower_prefix` (lower case) at `at`, ignoring the case of `text`.
inline bool StartsWithNoCase(std::string_view text, std::size_t at, std::string_view lower_prefix) {
  if (at > text.size() || text.size() - at < lower_prefix.size()) return false;
  for (std::size_t k = 0; k < lower_prefix.size(); ++k) {
    if (Lower(text[at + k]) != lower_prefix[k]) return false;
  }
  return true;
}

// A credential rather than a word of prose or code: a digit, or a capital after the first byte.
// Random strings of 16+ characters almost always have one; `authentication`, `self.token` and
// `string` do not.
inline bool LooksRandom(std::string_view value) {
  for (std::size_t k = 0; k < value.size(); ++k) {
    if (IsDigit(value[k]) || (k > 0 && IsUpper(value[k]))) return true;
  }
  return false;
}

}  // namespace oxd::redact::detail
