// Which language a file is written in, from its path and its first bytes. Pure functions,
// safe from any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace oxd::codedb {

enum class Language : std::uint8_t {
  kUnknown,
  kC,
  kCpp,
  kGo,
  kPython,
  kJavaScript,
  kTypeScript,
  kRust,
  kJava,
  kShell,
};

// Lower-case stable name ("cpp", "typescript", "unknown"): stored in the index, accepted by the
// search filter.
std::string_view LanguageName(Language language);

// The inverse of LanguageName; kUnknown for any other string.
Language LanguageFromName(std::string_view name);

// By extension first (".h" counts as C++: most headers in mixed trees are C++ and the C++
// scanner reads C correctly); then, for a file without a known extension, by a `#!` line naming
// sh/bash/zsh/ksh/dash or python. `first_bytes` may be the whole text or any prefix of it.
Language DetectLanguage(std::string_view path, std::string_view first_bytes);

}  // namespace oxd::codedb
