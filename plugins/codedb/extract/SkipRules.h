// Which files the index leaves out, and why (README.md, "Skip rules", has the measurements
// behind the thresholds). Pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace oxd::codedb {

struct SkipOptions {
  std::size_t max_bytes = 1024 * 1024;    // larger files are kTooLarge
  std::size_t binary_probe_bytes = 8192;  // a NUL among these first bytes: kBinary
  // Minified or generated: lines longer than long_line_bytes holding more than
  // long_line_share of the text …
  std::size_t long_line_bytes = 1000;
  double long_line_share = 0.5;
  // … or, in a text of at least trigram_min_bytes, more than max_trigram_density distinct
  // byte trigrams per byte among its first trigram_sample_bytes (data: base64, hashes).
  std::size_t trigram_min_bytes = 16 * 1024;
  std::size_t trigram_sample_bytes = 64 * 1024;
  double max_trigram_density = 0.35;
};

enum class SkipReason : std::uint8_t { kNone, kTooLarge, kBinary, kNotUtf8, kGenerated };

// Lower-case stable name: "none", "too_large", "binary", "not_utf8", "generated".
std::string_view SkipReasonName(SkipReason reason);

struct SkipDecision {
  SkipReason reason = SkipReason::kNone;
  std::string detail;  // for people: "1234567 bytes > 1048576", "invalid UTF-8 at byte 17"

  bool skip() const { return reason != SkipReason::kNone; }
};

// Checks in order of cost: size, binary, UTF-8, minified/generated. `size` is the file's
// full size: a caller that read only a prefix of a large file passes the prefix as `text`.
SkipDecision CheckSkip(std::string_view text, std::size_t size, const SkipOptions& options = {});
inline SkipDecision CheckSkip(std::string_view text, const SkipOptions& options = {}) {
  return CheckSkip(text, text.size(), options);
}

// The offset of the first byte that is not part of valid UTF-8 (overlong forms, surrogates
// and code points above U+10FFFF are invalid), or text.size() when it is all valid.
std::size_t FirstInvalidUtf8(std::string_view text);

// Distinct byte trigrams among the first `sample` bytes, estimated with a 2^19-bit hash set
// (at 64 KiB of distinct trigrams the estimate is about 6% low).
std::size_t DistinctTrigrams(std::string_view text, std::size_t sample);

}  // namespace oxd::codedb
