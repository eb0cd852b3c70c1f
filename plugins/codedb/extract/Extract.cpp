#include <algorithm>
#include <array>

#include "CLikeScanner.h"
#include "CommentCollector.h"
#include "Extraction.h"
#include "PythonScanner.h"
#include "ShellScanner.h"

namespace oxd::codedb {

std::string_view SymbolKindName(SymbolKind kind) {
  static constexpr std::array<std::string_view, 16> kNames = {
      "function",  "method", "prototype", "class",    "struct", "union",     "enum",   "enumerator",
      "interface", "trait",  "type",      "constant", "macro",  "namespace", "module", "alias"};
  return kNames[static_cast<std::size_t>(kind)];
}

std::string_view CommentKindName(CommentKind kind) {
  switch (kind) {
    case CommentKind::kLine:
      return "line";
    case CommentKind::kBlock:
      return "block";
    case CommentKind::kDoc:
      return "doc";
  }
  return "line";
}

Extraction Extract(Language language, std::string_view text) {
  Extraction out;
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);  // a UTF-8 byte order mark is no identifier
  }
  {
    CommentCollector comments(out, text.size());
    switch (language) {
      case Language::kC:
      case Language::kCpp:
      case Language::kGo:
      case Language::kJavaScript:
      case Language::kTypeScript:
      case Language::kRust:
      case Language::kJava:
        CLikeScanner(language, text, out, comments).Run();
        break;
      case Language::kPython:
        ScanPython(text, out, comments);
        break;
      case Language::kShell:
        ScanShell(text, out, comments);
        break;
      case Language::kUnknown:
        break;
    }
  }
  // Symbols come out when their declaration is complete; a typedef's name, for one, after the
  // enumerators of its body. Order them by line for the reader.
  auto by_line = [](const Symbol& a, const Symbol& b) { return a.line < b.line; };
  if (!std::is_sorted(out.symbols.begin(), out.symbols.end(), by_line)) {
    std::stable_sort(out.symbols.begin(), out.symbols.end(), by_line);
  }
  return out;
}

}  // namespace oxd::codedb
