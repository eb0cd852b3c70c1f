#pragma once
// Durations in config are written as Go writes them: "300ms", "30s", "5m", "1h30m", "0".
// Header-only; thread-safe.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace oxd::sdk {

inline std::optional<std::chrono::nanoseconds> parseDuration(std::string_view text) {
  if (text == "0") return std::chrono::nanoseconds{0};
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t position = 0;
  while (position < text.size()) {
    std::int64_t number = 0;
    std::size_t digits_start = position;
    while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
      if (number > (INT64_MAX - 9) / 10) return std::nullopt;
      number = number * 10 + (text[position++] - '0');
    }
    if (position == digits_start) return std::nullopt;
    std::size_t unit_start = position;
    while (position < text.size() && (text[position] < '0' || text[position] > '9')) ++position;
    std::string_view unit = text.substr(unit_start, position - unit_start);
    std::int64_t scale;
    if (unit == "ns")
      scale = 1;
    else if (unit == "us" || unit == "µs")
      scale = 1'000;
    else if (unit == "ms")
      scale = 1'000'000;
    else if (unit == "s")
      scale = 1'000'000'000;
    else if (unit == "m")
      scale = 60'000'000'000;
    else if (unit == "h")
      scale = 3'600'000'000'000;
    else if (unit == "d")
      scale = 86'400'000'000'000;  // not Go, but operators write "7d"
    else
      return std::nullopt;
    if (number > (INT64_MAX - total) / scale) return std::nullopt;
    total += number * scale;
  }
  return std::chrono::nanoseconds{total};
}

}  // namespace oxd::sdk
