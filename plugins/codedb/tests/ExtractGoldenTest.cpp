// Golden tests of symbol and comment extraction: each input under tests/golden/<language>/ has
// a `.expected` file beside it, written by hand-reviewed runs. After an intended change:
//   OXD_UPDATE_GOLDEN=1 ./oxd_codedb_extract_tests --gtest_filter='Files/Golden*'
// rewrites them; review the diff. Without the variable a difference fails the test.
//
// Format: one line per symbol, "<line> <kind> <name>" plus " [<container>]" when there is one,
// then one line per comment, "<start>-<end> <kind> | <text>" with "\n" for line breaks.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "extract/Extraction.h"

namespace oxd::codedb {
namespace {

namespace fs = std::filesystem;

const fs::path kGoldenDir = OXD_CODEDB_GOLDEN_DIR;

bool Updating() {
  const char* value = std::getenv("OXD_UPDATE_GOLDEN");
  return value && std::string(value) == "1";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream input(path, std::ios::binary);
  std::stringstream buffer;
  buffer << input.rdbuf();
  return buffer.str();
}

std::string Escape(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    if (c == '\n') {
      escaped += "\\n";
    } else if (c == '\\') {
      escaped += "\\\\";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string Render(const Extraction& extraction) {
  std::string out = "# symbols\n";
  for (const Symbol& symbol : extraction.symbols) {
    out += std::to_string(symbol.line) + " " + std::string(SymbolKindName(symbol.kind)) + " " +
           std::string(symbol.name);
    if (!symbol.container.empty()) {
      out += " [" + std::string(symbol.container) + "]";
    }
    out += "\n";
  }
  out += "# comments\n";
  for (const Comment& comment : extraction.comments) {
    out += std::to_string(comment.start_line) + "-" + std::to_string(comment.end_line) + " " +
           std::string(CommentKindName(comment.kind)) + " | " + Escape(comment.text) + "\n";
  }
  return out;
}

std::vector<fs::path> GoldenInputs() {
  std::vector<fs::path> inputs;
  std::error_code error;
  for (const auto& entry : fs::recursive_directory_iterator(kGoldenDir, error)) {
    // Hidden files (.clang-format, which keeps the inputs' layout) are not inputs.
    if (entry.is_regular_file() && entry.path().extension() != ".expected" &&
        !entry.path().filename().string().starts_with('.')) {
      inputs.push_back(entry.path());
    }
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

std::string TestName(const testing::TestParamInfo<fs::path>& info) {
  std::string name = fs::relative(info.param, kGoldenDir).string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      c = '_';
    }
  }
  return name;
}

// Names inside the text, lines within it, no empty comment: what any input must give.
void ExpectWellFormed(const Extraction& extraction, std::string_view text,
                      const std::string& where) {
  const std::uint32_t lines =
      static_cast<std::uint32_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const Symbol& symbol : extraction.symbols) {
    ASSERT_FALSE(symbol.name.empty()) << where;
    ASSERT_GE(symbol.name.data(), text.data()) << where;
    ASSERT_LE(symbol.name.data() + symbol.name.size(), text.data() + text.size()) << where;
    ASSERT_GE(symbol.line, 1u) << where;
    ASSERT_LE(symbol.line, lines) << where;
  }
  for (const Comment& comment : extraction.comments) {
    ASSERT_FALSE(comment.text.empty()) << where;
    ASSERT_LE(comment.start_line, comment.end_line) << where;
    ASSERT_LE(comment.end_line, lines) << where;
  }
}

class Golden : public testing::TestWithParam<fs::path> {};

TEST_P(Golden, MatchesExpected) {
  const fs::path input = GetParam();
  const std::string text = ReadFile(input);
  const Language language = DetectLanguage(input.string(), text);
  ASSERT_NE(language, Language::kUnknown) << input;
  const std::string actual = Render(Extract(language, text));
  fs::path expected_path = input;
  expected_path += ".expected";
  if (Updating()) {
    std::ofstream(expected_path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(expected_path))
      << "missing " << expected_path << " (create it with OXD_UPDATE_GOLDEN=1 and review it)";
  EXPECT_EQ(ReadFile(expected_path), actual)
      << "golden file " << expected_path << " differs (OXD_UPDATE_GOLDEN=1 rewrites it)";
}

INSTANTIATE_TEST_SUITE_P(Files, Golden, testing::ValuesIn(GoldenInputs()), TestName);

TEST(GoldenCorpus, CoversEveryLanguage) {
  std::vector<Language> seen;
  for (const fs::path& input : GoldenInputs()) {
    seen.push_back(DetectLanguage(input.string(), ReadFile(input)));
  }
  for (Language language :
       {Language::kC, Language::kCpp, Language::kGo, Language::kPython, Language::kJavaScript,
        Language::kTypeScript, Language::kRust, Language::kJava, Language::kShell}) {
    EXPECT_NE(std::find(seen.begin(), seen.end(), language), seen.end())
        << "no golden input for " << LanguageName(language);
  }
}

// Every prefix of every golden input (cut anywhere: inside strings, comments, braces) still
// extracts without crashing, with names inside the text and lines within it.
TEST(GoldenCorpus, TruncatedInputsStayWellFormed) {
  for (const fs::path& input : GoldenInputs()) {
    const std::string text = ReadFile(input);
    const Language language = DetectLanguage(input.string(), text);
    for (std::size_t cut = 0; cut <= text.size(); cut += 7) {
      const std::string_view prefix(text.data(), cut);
      ExpectWellFormed(Extract(language, prefix), prefix,
                       input.string() + " cut at " + std::to_string(cut));
    }
  }
}

// Golden inputs with bytes replaced by quotes, braces, slashes and the like at random places
// (a fixed seed) walk the scanners' recovery paths; the same checks apply.
TEST(GoldenCorpus, MutatedInputsStayWellFormed) {
  static constexpr std::string_view kNasty = "\"'`{}()[]/*\\\n#$<>;:=!r";
  std::mt19937 random(20261123);
  for (const fs::path& input : GoldenInputs()) {
    const std::string original = ReadFile(input);
    const Language language = DetectLanguage(input.string(), original);
    for (int round = 0; round < 200 && !original.empty(); ++round) {
      std::string text = original;
      for (int edit = 0; edit < 4; ++edit) {
        text[random() % text.size()] = kNasty[random() % kNasty.size()];
      }
      ExpectWellFormed(Extract(language, text), text,
                       input.string() + " round " + std::to_string(round));
    }
  }
}

}  // namespace
}  // namespace oxd::codedb
