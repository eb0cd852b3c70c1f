// Properties of Extract that the golden files do not show: lifetimes, line endings, the byte
// order mark, unknown languages.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "extract/Extraction.h"

namespace oxd::codedb {
namespace {

TEST(Extract, UnknownLanguageYieldsNothing) {
  const Extraction extraction = Extract(Language::kUnknown, "int main() { return 0; } // x");
  EXPECT_TRUE(extraction.symbols.empty());
  EXPECT_TRUE(extraction.comments.empty());
}

TEST(Extract, CommentTextsSurviveAMove) {
  const std::string text = "// first\nint f() { return 1; }\n/* second */\n";
  Extraction moved;
  {
    Extraction original = Extract(Language::kC, text);
    ASSERT_EQ(original.comments.size(), 2u);
    moved = std::move(original);
  }
  ASSERT_EQ(moved.comments.size(), 2u);
  EXPECT_EQ(moved.comments[0].text, "first");
  EXPECT_EQ(moved.comments[1].text, "second");
  ASSERT_EQ(moved.symbols.size(), 1u);
  EXPECT_EQ(moved.symbols[0].name, "f");
  // Names view the caller's text.
  EXPECT_EQ(moved.symbols[0].name.data(), text.data() + text.find("f()"));
}

TEST(Extract, CarriageReturnsAreBlanks) {
  const Extraction extraction =
      Extract(Language::kCpp, "// one\r\n// two\r\nint g();\r\n/* a\r\n * b\r\n */\r\n");
  ASSERT_EQ(extraction.comments.size(), 2u);
  EXPECT_EQ(extraction.comments[0].text, "one\ntwo");
  EXPECT_EQ(extraction.comments[1].text, "a\nb");
  EXPECT_EQ(extraction.comments[1].start_line, 4u);
  EXPECT_EQ(extraction.comments[1].end_line, 6u);
  ASSERT_EQ(extraction.symbols.size(), 1u);
  EXPECT_EQ(extraction.symbols[0].line, 3u);
}

TEST(Extract, ByteOrderMarkIsIgnored) {
  const Extraction python = Extract(Language::kPython, "\xEF\xBB\xBF\"\"\"Doc.\"\"\"\nX = 1\n");
  ASSERT_EQ(python.comments.size(), 1u);
  EXPECT_EQ(python.comments[0].kind, CommentKind::kDoc);
  ASSERT_EQ(python.symbols.size(), 1u);
  EXPECT_EQ(python.symbols[0].name, "X");
  const Extraction cpp = Extract(Language::kCpp, "\xEF\xBB\xBF#define A 1\nint f() {}\n");
  ASSERT_EQ(cpp.symbols.size(), 2u);
  EXPECT_EQ(cpp.symbols[0].kind, SymbolKind::kMacro);
}

TEST(Extract, UnbalancedInputRecovers) {
  // A stray '}' at file level and an unterminated comment do not stop the scan.
  const Extraction extraction =
      Extract(Language::kCpp, "}\nint after_brace() { return 0; }\n/* never closed\nint x;");
  ASSERT_EQ(extraction.symbols.size(), 1u);
  EXPECT_EQ(extraction.symbols[0].name, "after_brace");
  ASSERT_EQ(extraction.comments.size(), 1u);
  EXPECT_EQ(extraction.comments[0].text, "never closed\nint x;");
}

TEST(Extract, SymbolsAreOrderedByLine) {
  // The lexer reports the macro as it reads it; the function only at its '{', later.
  const Extraction extraction =
      Extract(Language::kC, "int f(int a,\n#define LIMIT 3\n      int b) {\n}\n");
  ASSERT_EQ(extraction.symbols.size(), 2u);
  EXPECT_EQ(extraction.symbols[0].name, "f");
  EXPECT_EQ(extraction.symbols[0].line, 1u);
  EXPECT_EQ(extraction.symbols[1].name, "LIMIT");
  EXPECT_EQ(extraction.symbols[1].line, 2u);
}

TEST(Extract, DeepNestingStaysWithinTheStack) {
  // Hostile input under the 1 MiB limit: nesting is bounded or iterative, never a deep
  // recursion.
  std::string script = "const a = `";
  std::string shell = "echo ";
  std::string braces;
  for (int i = 0; i < 100000; ++i) {
    script += "${`";
    shell += "\"$(";
    braces += "{";
  }
  script += "\nfunction after() {}\n";
  shell += "\nlate() { :; }\n";
  braces += "\nint f();\n";
  EXPECT_NO_FATAL_FAILURE(Extract(Language::kJavaScript, script));
  EXPECT_NO_FATAL_FAILURE(Extract(Language::kShell, shell));
  EXPECT_NO_FATAL_FAILURE(Extract(Language::kCpp, braces));
  EXPECT_NO_FATAL_FAILURE(Extract(Language::kPython, "x = " + std::string(100000, '(')));
}

TEST(Extract, KindNames) {
  EXPECT_EQ(SymbolKindName(SymbolKind::kFunction), "function");
  EXPECT_EQ(SymbolKindName(SymbolKind::kEnumerator), "enumerator");
  EXPECT_EQ(SymbolKindName(SymbolKind::kAlias), "alias");
  EXPECT_EQ(CommentKindName(CommentKind::kDoc), "doc");
}

}  // namespace
}  // namespace oxd::codedb
