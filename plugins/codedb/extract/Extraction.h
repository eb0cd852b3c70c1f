// Symbols and comments found in one file's text by the hand-written scanners (README.md lists
// what each language's scanner recognises). Extract is a pure function, safe from any thread.
//
// Lifetime: Symbol::name and Symbol::container view the text given to Extract; the caller keeps
// that text alive as long as it reads them. Comment::text views memory owned by the Extraction
// (markers and decoration removed), valid as long as the Extraction lives; moving an Extraction
// keeps the views valid, copying is deleted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "Language.h"

namespace oxd::codedb {

enum class SymbolKind : std::uint8_t {
  kFunction,
  kMethod,
  kPrototype,  // a C/C++ function declared without a body
  kClass,
  kStruct,
  kUnion,
  kEnum,
  kEnumerator,
  kInterface,
  kTrait,
  kType,  // typedef, type alias, concept
  kConstant,
  kMacro,
  kNamespace,
  kModule,
  kAlias,  // shell alias
};

// Lower-case stable name ("function", "enumerator"): stored in the index and in golden files.
std::string_view SymbolKindName(SymbolKind kind);

struct Symbol {
  std::string_view name;       // as spelled in the source: "f", "operator==", "~Widget"
  std::string_view container;  // enclosing class/namespace/impl, or the qualifier of A::f
  SymbolKind kind;
  std::uint32_t line;  // 1-based line of the name
};

enum class CommentKind : std::uint8_t {
  kLine,   // `// …` or `# …`; adjacent lines each alone on their line merge into one comment
  kBlock,  // `/* … */`
  kDoc,    // `/** */`, `/*! */`, `///`, `//!`, Python docstrings
};

std::string_view CommentKindName(CommentKind kind);

struct Comment {
  CommentKind kind;
  std::uint32_t start_line;
  std::uint32_t end_line;
  std::string_view text;  // without markers, leading `*` decoration or surrounding blank lines
};

class Extraction {
 public:
  Extraction() = default;
  Extraction(Extraction&&) = default;
  Extraction& operator=(Extraction&&) = default;
  Extraction(const Extraction&) = delete;
  Extraction& operator=(const Extraction&) = delete;

  std::vector<Symbol> symbols;    // by line, then in the order found
  std::vector<Comment> comments;  // in source order

 private:
  friend class CommentCollector;
  // Holds every Comment::text; sized once to the source length (comment texts never exceed
  // the source they came from), so it never reallocates under the views.
  std::unique_ptr<char[]> arena_;
  std::size_t arena_capacity_ = 0;
  std::size_t arena_used_ = 0;
};

// Symbols and comments of `text` in `language`; kUnknown yields an empty Extraction. Never
// throws on malformed input: unbalanced braces, unterminated strings and comments end or reset
// the affected construct and scanning goes on.
Extraction Extract(Language language, std::string_view text);

}  // namespace oxd::codedb
