// The `path` filter of a search. `*` matches within one path segment, `**` across segments
// (also none: `src/**/x.h` matches `src/x.h`), `?` one character other than `/`; everything
// else is literal. A pattern without `/` is matched against the file name (`*.cpp`); one with a
// `/` against the whole path from the repository root (`src/*/x.h`); one ending in `/` matches
// everything under that directory (`src/`). Pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace oxd::codedb {

// Longer path filters are refused (CheckSearchQuery): matching one candidate file costs up to
// pattern length x path length squared steps (PathGlob.cpp).
inline constexpr std::size_t kMaxPathGlobBytes = 1024;

bool MatchPathGlob(std::string_view pattern, std::string_view path);

}  // namespace oxd::codedb
