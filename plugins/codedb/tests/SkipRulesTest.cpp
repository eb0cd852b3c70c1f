#include "extract/SkipRules.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace oxd::codedb {
namespace {

// Ordinary code: short lines, a vocabulary that repeats.
std::string Code(std::size_t bytes) {
  std::string text;
  for (int i = 0; text.size() < bytes; ++i) {
    text += "int function_" + std::to_string(i % 50) + "(int value) { return value * " +
            std::to_string(i % 7) + "; }\n";
  }
  return text;
}

std::string Base64Lines(std::size_t bytes) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::mt19937 random(7);
  std::string text;
  while (text.size() < bytes) {
    for (int i = 0; i < 76; ++i) {
      text += kAlphabet[random() % 64];
    }
    text += '\n';
  }
  return text;
}

TEST(SkipRules, OrdinaryCodeIsKept) {
  for (std::size_t size : {0, 1, 100, 20000, 300000}) {
    const SkipDecision decision = CheckSkip(Code(size));
    EXPECT_FALSE(decision.skip()) << size << ": " << decision.detail;
  }
}

TEST(SkipRules, TooLargeUsesTheFullSizeAndTheOption) {
  const std::string text = Code(100);
  EXPECT_EQ(CheckSkip(text, 1024 * 1024 + 1).reason, SkipReason::kTooLarge);
  EXPECT_FALSE(CheckSkip(text, 1024 * 1024).skip());
  SkipOptions options;
  options.max_bytes = 50;
  const SkipDecision decision = CheckSkip(text, options);
  EXPECT_EQ(decision.reason, SkipReason::kTooLarge);
  EXPECT_EQ(decision.detail, std::to_string(text.size()) + " bytes > 50");
}

TEST(SkipRules, NulInTheProbeIsBinary) {
  std::string text = Code(20000);
  text[8191] = '\0';
  EXPECT_EQ(CheckSkip(text).reason, SkipReason::kBinary);
  text[8191] = ' ';
  text[8192] = '\0';  // past the probe: not binary, and NUL is valid UTF-8
  EXPECT_FALSE(CheckSkip(text).skip());
}

TEST(SkipRules, InvalidUtf8) {
  EXPECT_EQ(FirstInvalidUtf8("plain ascii"), 11u);
  EXPECT_EQ(FirstInvalidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), 14u);  // é € 😀
  EXPECT_EQ(FirstInvalidUtf8("ab\xE9"
                             "cd"),
            2u);                                        // Latin-1 é
  EXPECT_EQ(FirstInvalidUtf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(FirstInvalidUtf8("x\xE0\x80\xAF"), 1u);     // overlong, three bytes
  EXPECT_EQ(FirstInvalidUtf8("\xED\xA0\x80"), 0u);      // a surrogate
  EXPECT_EQ(FirstInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FirstInvalidUtf8("12345678\xE2\x82"), 8u);  // truncated at the end
  EXPECT_EQ(FirstInvalidUtf8("\x80"), 0u);              // a lone continuation byte
  const SkipDecision decision = CheckSkip("int x; // caf\xE9\n");
  EXPECT_EQ(decision.reason, SkipReason::kNotUtf8);
  EXPECT_EQ(decision.detail, "invalid UTF-8 at byte 13");
}

TEST(SkipRules, MinifiedLongLines) {
  // A minified bundle: one 3,000-byte line.
  std::string minified;
  while (minified.size() < 3000) {
    minified += "function a(b){return b+1};var c=a(2);";
  }
  EXPECT_EQ(CheckSkip(minified).reason, SkipReason::kGenerated);
  // One long line in ordinary code (a table, a URL) is kept: it is under half the bytes.
  std::string code = Code(10000) + std::string(1500, 'x') + "\n";
  EXPECT_FALSE(CheckSkip(code).skip());
  // Exactly at the share: kept; above it: generated.
  SkipOptions options;
  options.long_line_bytes = 10;
  EXPECT_FALSE(CheckSkip(std::string(11, 'a') + "\n" + std::string(10, 'b'), options).skip());
  EXPECT_EQ(CheckSkip(std::string(12, 'a') + "\n" + std::string(10, 'b'), options).reason,
            SkipReason::kGenerated);
}

TEST(SkipRules, TooManyDistinctTrigrams) {
  const SkipDecision decision = CheckSkip(Base64Lines(40000));
  EXPECT_EQ(decision.reason, SkipReason::kGenerated);
  EXPECT_NE(decision.detail.find("distinct trigrams"), std::string::npos) << decision.detail;
  // Below the minimum size the density is not judged: small files are naturally diverse.
  EXPECT_FALSE(CheckSkip(Base64Lines(8000)).skip());
}

TEST(SkipRules, DistinctTrigramsEstimate) {
  EXPECT_EQ(DistinctTrigrams("ab", 100), 0u);
  EXPECT_EQ(DistinctTrigrams("aaaaaaaa", 100), 1u);
  EXPECT_EQ(DistinctTrigrams("abcabcabc", 100), 3u);
  EXPECT_EQ(DistinctTrigrams("abcdef", 4), 2u);  // only the sample counts
  // Every trigram of a de Bruijn-like walk over 64 symbols is distinct; the estimate stays
  // within 7% of the truth at the full 64 KiB sample.
  const std::string data = Base64Lines(65536);
  const std::size_t estimate = DistinctTrigrams(data, 65536);
  EXPECT_GT(estimate, 50000u);
  EXPECT_LE(estimate, 65534u);
}

TEST(SkipRules, ReasonNames) {
  EXPECT_EQ(SkipReasonName(SkipReason::kNone), "none");
  EXPECT_EQ(SkipReasonName(SkipReason::kTooLarge), "too_large");
  EXPECT_EQ(SkipReasonName(SkipReason::kBinary), "binary");
  EXPECT_EQ(SkipReasonName(SkipReason::kNotUtf8), "not_utf8");
  EXPECT_EQ(SkipReasonName(SkipReason::kGenerated), "generated");
}

}  // namespace
}  // namespace oxd::codedb
