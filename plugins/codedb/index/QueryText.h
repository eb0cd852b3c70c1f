// What a search query may be, and how user text becomes an FTS5 expression that is always
// read literally. User text never reaches FTS5 as query syntax: every piece is wrapped in a
// double-quoted FTS5 string with embedded quotes doubled, so `NEAR(`, `*`, `^`, `-`, `AND`,
// column filters and unbalanced quotes are just characters.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace oxd::codedb {

// Longer queries are refused: no useful code search needs more, and the trigram expression
// grows with the text.
inline constexpr std::size_t kMaxQueryBytes = 1024;

// Empty when `text` is acceptable; otherwise the error for the caller: empty, longer
// than kMaxQueryBytes, not UTF-8, or holding a line break or a NUL (matches are within a line).
// Blanks are a literal like any other text ("  " finds two spaces).
std::string CheckQueryText(std::string_view text);

// `text` as one FTS5 string: "…" with each " doubled.
std::string FtsString(std::string_view text);

// For the trigram table: the distinct 3-character (code point) windows of `text`, each an
// FTS5 string, joined by AND; at most kMaxTrigrams, spread over the text. Empty when `text` has
// fewer than 3 characters: the trigram index cannot narrow such a query.
std::string TrigramExpression(std::string_view text);
inline constexpr std::size_t kMaxTrigrams = 32;

}  // namespace oxd::codedb
