// libFuzzer target: each language scanner of codedb's extractor (plugins/codedb/extract) over
// arbitrary text. The first input byte picks the language (C, C++, Go, Python, JavaScript,
// TypeScript, Rust, Java, shell), the rest is the file's text. Extract promises never to throw
// on malformed input; beyond a crash, a leak or a sanitizer report, a finding is a result that
// breaks Extraction.h's contract: a symbol name or container that is not a view into the
// text, a line past the text's last, a comment whose lines run backwards or whose text is not
// in the extraction's own storage.
//
// Build and run: tests/fuzz/run.sh (tests/fuzz/README.md).

#include "extract/Extraction.h"
#include "extract/Language.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace oxd::codedb;

constexpr Language kLanguages[] = {Language::kC,      Language::kCpp,        Language::kGo,
                                   Language::kPython, Language::kJavaScript, Language::kTypeScript,
                                   Language::kRust,   Language::kJava,       Language::kShell};

[[noreturn]] void finding(const char* what, Language language) {
  std::fprintf(stderr, "%s: %s\n", std::string(LanguageName(language)).c_str(), what);
  std::abort();
}

bool within(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Language language = kLanguages[data[0] % std::size(kLanguages)];
  // A copy of exactly the input: ASan sees a read one byte past the text.
  std::string owned(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string_view text = owned;
  std::uint32_t lines = static_cast<std::uint32_t>(std::count(text.begin(), text.end(), '\n')) + 1;

  Extraction extraction = Extract(language, text);
  for (const Symbol& symbol : extraction.symbols) {
    if (!within(symbol.name, text)) finding("symbol name outside the text", language);
    if (!within(symbol.container, text)) finding("symbol container outside the text", language);
    if (symbol.line < 1 || symbol.line > lines) finding("symbol line outside the text", language);
    SymbolKindName(symbol.kind);
  }
  for (const Comment& comment : extraction.comments) {
    if (comment.start_line < 1 || comment.start_line > comment.end_line || comment.end_line > lines)
      finding("comment lines outside the text", language);
    if (comment.text.size() > text.size()) finding("comment longer than the text", language);
    // Read every byte: a view into freed or unowned memory shows up under ASan.
    volatile char sink = 0;
    for (char c : comment.text) sink = sink ^ c;
    CommentKindName(comment.kind);
  }
  // Moving keeps the views valid (Extraction.h).
  Extraction moved = std::move(extraction);
  for (const Comment& comment : moved.comments) {
    volatile char sink = 0;
    for (char c : comment.text) sink = sink ^ c;
  }
  return 0;
}
