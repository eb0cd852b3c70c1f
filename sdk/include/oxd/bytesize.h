#pragma once
// Sizes in config: "64MB", "512KB", "1GB", "1048576" (bytes; K/M/G and KiB/MiB/GiB are powers
// of 1024, case-insensitive). Header-only; thread-safe.

#include <cstdint>
#include <optional>
#include <string_view>

namespace oxd::sdk {

inline std::optional<std::int64_t> parseByteSize(std::string_view text) {
  std::size_t digits = 0;
  std::int64_t number = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    if (number > (INT64_MAX >> 31)) return std::nullopt;  // room for the G shift below
    number = number * 10 + (text[digits++] - '0');
  }
  if (digits == 0) return std::nullopt;
  std::string_view unit = text.substr(digits);
  auto is = [unit](std::string_view upper) {
    if (unit.size() != upper.size()) return false;
    for (std::size_t i = 0; i < unit.size(); ++i) {
      char c = unit[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (c != upper[i]) return false;
    }
    return true;
  };
  if (unit.empty() || is("B")) return number;
  if (is("K") || is("KB") || is("KIB")) return number << 10;
  if (is("M") || is("MB") || is("MIB")) return number << 20;
  if (is("G") || is("GB") || is("GIB")) return number << 30;
  return std::nullopt;
}

}  // namespace oxd::sdk
