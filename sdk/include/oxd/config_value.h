#pragma once
// What a value of each ConfigKind looks like, and the one check both sides use: the host before
// it starts or reloads a plugin and in `oxctl config check`, and sdk::Settings when a plugin
// reads a key. Problems are phrased without the key ("expected a duration such as 30s or 5m,
// got 'soon'", "1ms is below the minimum 1s"); the caller puts the key in front. Header-only;
// thread-safe.

#include <oxd/bytesize.h>
#include <oxd/descriptor.h>
#include <oxd/duration.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace oxd::sdk {

inline const char* configKindName(ConfigKind kind) {
  switch (kind) {
    case ConfigKind::String:
      return "string";
    case ConfigKind::Bool:
      return "bool";
    case ConfigKind::Int:
      return "int";
    case ConfigKind::Double:
      return "double";
    case ConfigKind::Duration:
      return "duration";
    case ConfigKind::ByteSize:
      return "byte size";
    case ConfigKind::List:
      return "list";
  }
  return "unknown";
}

// true/yes/on/1 and false/no/off/0, in any case.
inline std::optional<bool> parseFlag(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") return true;
  if (lower == "false" || lower == "no" || lower == "off" || lower == "0") return false;
  return std::nullopt;
}

inline std::optional<std::int64_t> parseInteger(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A finite decimal number ("0.35", "-2", "1e3"); not "inf" or "nan".
inline std::optional<double> parseNumber(std::string_view text) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value))
    return std::nullopt;
  return value;
}

// "a b,c" → {a, b, c}: entries separated by spaces, tabs or commas; empty entries dropped.
inline std::vector<std::string> splitList(std::string_view text) {
  std::vector<std::string> entries;
  std::string entry;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == ',') {
      if (!entry.empty()) entries.push_back(std::move(entry));
      entry.clear();
    } else {
      entry += c;
    }
  }
  if (!entry.empty()) entries.push_back(std::move(entry));
  return entries;
}

namespace detail {

// An Int, Double, Duration (nanoseconds) or ByteSize value as a number that orders like it;
// long double holds every int64 exactly.
inline std::optional<long double> magnitude(ConfigKind kind, std::string_view text) {
  switch (kind) {
    case ConfigKind::Int:
      if (auto value = parseInteger(text)) return static_cast<long double>(*value);
      return std::nullopt;
    case ConfigKind::Double:
      if (auto value = parseNumber(text)) return static_cast<long double>(*value);
      return std::nullopt;
    case ConfigKind::Duration:
      if (auto value = parseDuration(text)) return static_cast<long double>(value->count());
      return std::nullopt;
    case ConfigKind::ByteSize:
      if (auto value = parseByteSize(text)) return static_cast<long double>(*value);
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

inline bool isRanged(ConfigKind kind) {
  return kind == ConfigKind::Int || kind == ConfigKind::Double || kind == ConfigKind::Duration ||
         kind == ConfigKind::ByteSize;
}

inline bool hasBound(const char* bound) { return bound && *bound; }

inline std::string formProblem(ConfigKind kind, std::string_view value) {
  std::string got = ", got '" + std::string(value) + "'";
  switch (kind) {
    case ConfigKind::Bool:
      return "expected true or false" + got;
    case ConfigKind::Int:
      return "expected an integer" + got;
    case ConfigKind::Double:
      return "expected a number such as 0.5" + got;
    case ConfigKind::Duration:
      return "expected a duration such as 30s or 5m" + got;
    case ConfigKind::ByteSize:
      return "expected a size such as 64MB or 512KB" + got;
    default:
      return "";
  }
}

}  // namespace detail

// "" when `value` is a valid value of `key`: it parses as the key's kind and lies within its
// bounds. Otherwise the problem, without the key's name.
inline std::string configValueProblem(const ConfigKey& key, std::string_view value) {
  if (key.kind == ConfigKind::String || key.kind == ConfigKind::List) return "";
  if (key.kind == ConfigKind::Bool) {
    return parseFlag(value) ? "" : detail::formProblem(key.kind, value);
  }
  auto parsed = detail::magnitude(key.kind, value);
  if (!parsed) return detail::formProblem(key.kind, value);
  if (detail::hasBound(key.min)) {
    auto min = detail::magnitude(key.kind, key.min);
    if (min && *parsed < *min)
      return std::string(value) + " is below the minimum " + std::string(key.min);
  }
  if (detail::hasBound(key.max)) {
    auto max = detail::magnitude(key.kind, key.max);
    if (max && *parsed > *max)
      return std::string(value) + " is above the maximum " + std::string(key.max);
  }
  return "";
}

// "" when a descriptor's key is coherent: a known kind, bounds only on a kind that has an order,
// each bound parsing as the kind, min not above max, and a default that is itself a valid value
// (String and List keys may have none).
inline std::string configKeyProblem(const ConfigKey& key) {
  switch (key.kind) {
    case ConfigKind::String:
    case ConfigKind::Bool:
    case ConfigKind::Int:
    case ConfigKind::Double:
    case ConfigKind::Duration:
    case ConfigKind::ByteSize:
    case ConfigKind::List:
      break;
    default:
      return "unknown kind " + std::to_string(static_cast<int>(key.kind));
  }
  bool ranged = detail::isRanged(key.kind);
  for (const char* bound : {key.min, key.max}) {
    if (!detail::hasBound(bound)) continue;
    if (!ranged) return std::string("a ") + configKindName(key.kind) + " key has no range";
    if (!detail::magnitude(key.kind, bound)) {
      return std::string("bound '") + bound + "' is not a " + configKindName(key.kind);
    }
  }
  if (detail::hasBound(key.min) && detail::hasBound(key.max) &&
      *detail::magnitude(key.kind, key.min) > *detail::magnitude(key.kind, key.max)) {
    return std::string("minimum ") + key.min + " is above maximum " + key.max;
  }
  std::string_view fallback = key.default_value ? key.default_value : "";
  if (fallback.empty() && (key.kind == ConfigKind::String || key.kind == ConfigKind::List))
    return "";
  std::string problem = configValueProblem(key, fallback);
  return problem.empty() ? "" : "default: " + problem;
}

// How packaging/oxd.ini and the man page describe a key: "duration, 1s to 24h",
// "int, at least 1", "byte size, at most 1GB", "bool".
inline std::string configKindAndRange(const ConfigKey& key) {
  std::string text = configKindName(key.kind);
  bool min = detail::hasBound(key.min), max = detail::hasBound(key.max);
  if (min && max) return text + ", " + key.min + " to " + key.max;
  if (min) return text + ", at least " + key.min;
  if (max) return text + ", at most " + key.max;
  return text;
}

}  // namespace oxd::sdk
