#include "SkipRules.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace oxd::codedb {

std::string_view SkipReasonName(SkipReason reason) {
  switch (reason) {
    case SkipReason::kNone:
      return "none";
    case SkipReason::kTooLarge:
      return "too_large";
    case SkipReason::kBinary:
      return "binary";
    case SkipReason::kNotUtf8:
      return "not_utf8";
    case SkipReason::kGenerated:
      return "generated";
  }
  return "none";
}

std::size_t FirstInvalidUtf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    // Eight ASCII bytes at a time: source code is mostly ASCII.
    if (i + 8 <= size) {
      std::uint64_t word;
      std::memcpy(&word, bytes + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char lead = bytes[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length;
    unsigned char low = 0x80;  // allowed range of the second byte
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;   // overlong
      if (lead == 0xED) high = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;   // overlong
      if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
      return i;
    }
    if (i + length > size || bytes[i + 1] < low || bytes[i + 1] > high) {
      return i;
    }
    for (std::size_t k = 2; k < length; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) {
        return i;
      }
    }
    i += length;
  }
  return size;
}

std::size_t DistinctTrigrams(std::string_view text, std::size_t sample) {
  const std::size_t size = std::min(text.size(), sample);
  if (size < 3) {
    return 0;
  }
  constexpr std::size_t kBits = std::size_t{1} << 19;
  std::vector<std::uint64_t> seen(kBits / 64);
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t distinct = 0;
  std::uint32_t trigram = (bytes[0] << 8) | bytes[1];
  for (std::size_t i = 2; i < size; ++i) {
    trigram = ((trigram << 8) | bytes[i]) & 0xFFFFFF;
    // Fibonacci hashing spreads the 24-bit trigram over the 19-bit table.
    const std::uint32_t slot = static_cast<std::uint32_t>((trigram * 2654435761U) >> 13);
    std::uint64_t& cell = seen[slot >> 6];
    const std::uint64_t bit = std::uint64_t{1} << (slot & 63);
    if (!(cell & bit)) {
      cell |= bit;
      ++distinct;
    }
  }
  return distinct;
}

namespace {

// Bytes in lines longer than `limit`.
std::size_t LongLineBytes(std::string_view text, std::size_t limit) {
  std::size_t total = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const void* found = std::memchr(text.data() + start, '\n', text.size() - start);
    const std::size_t end =
        found ? static_cast<std::size_t>(static_cast<const char*>(found) - text.data())
              : text.size();
    if (end - start > limit) {
      total += end - start;
    }
    start = end + 1;
  }
  return total;
}

}  // namespace

SkipDecision CheckSkip(std::string_view text, std::size_t size, const SkipOptions& options) {
  SkipDecision decision;
  if (size > options.max_bytes) {
    decision.reason = SkipReason::kTooLarge;
    decision.detail = std::to_string(size) + " bytes > " + std::to_string(options.max_bytes);
    return decision;
  }
  const std::size_t probe = std::min(text.size(), options.binary_probe_bytes);
  if (const void* nul = std::memchr(text.data(), '\0', probe)) {
    decision.reason = SkipReason::kBinary;
    decision.detail =
        "NUL byte at offset " + std::to_string(static_cast<const char*>(nul) - text.data());
    return decision;
  }
  if (const std::size_t invalid = FirstInvalidUtf8(text); invalid != text.size()) {
    decision.reason = SkipReason::kNotUtf8;
    decision.detail = "invalid UTF-8 at byte " + std::to_string(invalid);
    return decision;
  }
  if (text.empty()) {
    return decision;
  }
  const std::size_t long_bytes = LongLineBytes(text, options.long_line_bytes);
  if (static_cast<double>(long_bytes) >
      options.long_line_share * static_cast<double>(text.size())) {
    decision.reason = SkipReason::kGenerated;
    decision.detail = std::to_string(long_bytes * 100 / text.size()) +
                      "% of the bytes in lines over " + std::to_string(options.long_line_bytes) +
                      " bytes";
    return decision;
  }
  if (text.size() >= options.trigram_min_bytes) {
    const std::size_t sample = std::min(text.size(), options.trigram_sample_bytes);
    const std::size_t distinct = DistinctTrigrams(text, sample);
    const double density = static_cast<double>(distinct) / static_cast<double>(sample);
    if (density > options.max_trigram_density) {
      decision.reason = SkipReason::kGenerated;
      decision.detail =
          std::to_string(distinct) + " distinct trigrams in " + std::to_string(sample) + " bytes";
      return decision;
    }
  }
  return decision;
}

}  // namespace oxd::codedb
