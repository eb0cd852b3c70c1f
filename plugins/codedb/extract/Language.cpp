#include "Language.h"

#include <array>
#include <utility>

namespace oxd::codedb {
namespace {

constexpr std::array<std::pair<std::string_view, Language>, 10> kNames = {{
    {"unknown", Language::kUnknown},
    {"c", Language::kC},
    {"cpp", Language::kCpp},
    {"go", Language::kGo},
    {"python", Language::kPython},
    {"javascript", Language::kJavaScript},
    {"typescript", Language::kTypeScript},
    {"rust", Language::kRust},
    {"java", Language::kJava},
    {"shell", Language::kShell},
}};

// Extensions compared case-sensitively except where upper case is common in the wild (".C",
// ".H" are C++ by convention, so case matters there).
constexpr std::array<std::pair<std::string_view, Language>, 33> kExtensions = {{
    {"c", Language::kC},
    {"h", Language::kCpp},
    {"cc", Language::kCpp},
    {"cpp", Language::kCpp},
    {"cxx", Language::kCpp},
    {"c++", Language::kCpp},
    {"hh", Language::kCpp},
    {"hpp", Language::kCpp},
    {"hxx", Language::kCpp},
    {"h++", Language::kCpp},
    {"ipp", Language::kCpp},
    {"inl", Language::kCpp},
    {"tcc", Language::kCpp},
    {"C", Language::kCpp},
    {"H", Language::kCpp},
    {"go", Language::kGo},
    {"py", Language::kPython},
    {"pyi", Language::kPython},
    {"pyw", Language::kPython},
    {"js", Language::kJavaScript},
    {"mjs", Language::kJavaScript},
    {"cjs", Language::kJavaScript},
    {"jsx", Language::kJavaScript},
    {"ts", Language::kTypeScript},
    {"mts", Language::kTypeScript},
    {"cts", Language::kTypeScript},
    {"tsx", Language::kTypeScript},
    {"rs", Language::kRust},
    {"java", Language::kJava},
    {"sh", Language::kShell},
    {"bash", Language::kShell},
    {"zsh", Language::kShell},
    {"ksh", Language::kShell},
}};

Language FromShebang(std::string_view first_bytes) {
  if (!first_bytes.starts_with("#!")) {
    return Language::kUnknown;
  }
  std::string_view line = first_bytes.substr(2, first_bytes.find('\n') - 2);
  // The interpreter is the last path component of the first word, or the word after `env`
  // (skipping env's options such as -S).
  auto next_word = [&line]() {
    std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) {
      line = {};
      return std::string_view{};
    }
    std::size_t end = line.find_first_of(" \t", start);
    std::string_view word = line.substr(start, end - start);
    line = end == std::string_view::npos ? std::string_view{} : line.substr(end);
    return word;
  };
  std::string_view word = next_word();
  std::string_view program = word.substr(word.rfind('/') + 1);
  while (program == "env" || (program.starts_with('-') && !line.empty())) {
    word = next_word();
    program = word.substr(word.rfind('/') + 1);
  }
  if (program == "sh" || program == "bash" || program == "zsh" || program == "ksh" ||
      program == "dash" || program == "ash") {
    return Language::kShell;
  }
  if (program.starts_with("python")) {
    return Language::kPython;
  }
  return Language::kUnknown;
}

}  // namespace

std::string_view LanguageName(Language language) {
  for (const auto& [name, value] : kNames) {
    if (value == language) {
      return name;
    }
  }
  return "unknown";
}

Language LanguageFromName(std::string_view name) {
  for (const auto& [known, value] : kNames) {
    if (known == name) {
      return value;
    }
  }
  return Language::kUnknown;
}

Language DetectLanguage(std::string_view path, std::string_view first_bytes) {
  std::string_view base = path.substr(path.rfind('/') + 1);
  std::size_t dot = base.rfind('.');
  if (dot != std::string_view::npos && dot != 0) {
    std::string_view extension = base.substr(dot + 1);
    for (const auto& [known, language] : kExtensions) {
      if (known == extension) {
        return language;
      }
    }
  }
  return FromShebang(first_bytes);
}

}  // namespace oxd::codedb
