#pragma once
// Go encoding/json conventions, so a client of the original Go daemon reads oxd's replies:
//   - time.Duration is an int64 count of nanoseconds;
//   - time.Time is RFC 3339 with up to 9 fractional digits (trailing zeros trimmed) and the
//     local UTC offset; the zero time prints "0001-01-01T00:00:00Z" and is never omitted;
//   - a list is "[]", never "null".
// In oxd a default-constructed Time (the Unix epoch) stands for Go's zero time.
//
// Header-only; every function is thread-safe.

#include <Poco/JSON/Array.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace oxd::sdk {

using Time = std::chrono::system_clock::time_point;

inline std::int64_t toNanoseconds(std::chrono::nanoseconds duration) { return duration.count(); }

inline std::string formatTime(Time time) {
  if (time == Time{}) return "0001-01-01T00:00:00Z";
  auto since_epoch = std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch());
  std::int64_t seconds = since_epoch.count() / 1'000'000'000;
  std::int64_t nanos = since_epoch.count() % 1'000'000'000;
  if (nanos < 0) {
    nanos += 1'000'000'000;
    seconds -= 1;
  }
  std::time_t whole = static_cast<std::time_t>(seconds);
  std::tm local{};
  localtime_r(&whole, &local);
  char buffer[64];
  std::size_t length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &local);
  std::string out(buffer, length);
  if (nanos != 0) {
    char fraction[16];
    std::snprintf(fraction, sizeof fraction, ".%09lld", static_cast<long long>(nanos));
    std::string digits(fraction);
    while (digits.back() == '0') digits.pop_back();
    out += digits;
  }
  long offset = local.tm_gmtoff;
  if (offset == 0) return out + "Z";
  int minutes = static_cast<int>(std::labs(offset) / 60 % (24 * 60));
  char zone[8];
  std::snprintf(zone, sizeof zone, "%c%02d:%02d", offset < 0 ? '-' : '+', minutes / 60,
                minutes % 60);
  return out + zone;
}

// Parses RFC 3339 ("2026-03-12T11:09:05.120431-07:00", "…Z"). Go's zero time parses to Time{}.
inline std::optional<Time> parseTime(std::string_view text) {
  int year, month, day, hour, minute, second, consumed = 0;
  std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute,
                  &second, &consumed) != 6 ||
      consumed != 19) {
    return std::nullopt;
  }
  std::size_t position = 19;
  std::int64_t nanos = 0;
  if (position < copy.size() && copy[position] == '.') {
    int digits = 0;
    for (++position; position < copy.size() && copy[position] >= '0' && copy[position] <= '9';
         ++position) {
      if (digits++ < 9) nanos = nanos * 10 + (copy[position] - '0');
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 9; ++digits) nanos *= 10;
  }
  long offset = 0;
  if (position < copy.size() && (copy[position] == 'Z' || copy[position] == 'z')) {
    ++position;
  } else if (position + 6 == copy.size() && (copy[position] == '+' || copy[position] == '-') &&
             copy[position + 3] == ':') {
    int offset_hours = 0, offset_minutes = 0;
    if (std::sscanf(copy.c_str() + position + 1, "%2d:%2d", &offset_hours, &offset_minutes) != 2) {
      return std::nullopt;
    }
    offset = (offset_hours * 3600L + offset_minutes * 60L) * (copy[position] == '-' ? -1 : 1);
    position += 6;
  } else {
    return std::nullopt;
  }
  if (position != copy.size() || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  if (year == 1 && month == 1 && day == 1 && hour == 0 && minute == 0 && second == 0 &&
      nanos == 0) {
    return Time{};
  }
  std::tm utc{};
  utc.tm_year = year - 1900;
  utc.tm_mon = month - 1;
  utc.tm_mday = day;
  utc.tm_hour = hour;
  utc.tm_min = minute;
  utc.tm_sec = second;
  std::int64_t seconds = static_cast<std::int64_t>(timegm(&utc)) - offset;
  // Time counts nanoseconds in 64 bits, about the years 1678 to 2262: a time outside them is
  // refused, not wrapped (found by tests/fuzz).
  constexpr std::int64_t kLimit = std::numeric_limits<Time::rep>::max() / 1'000'000'000 - 1;
  if (seconds < -kLimit || seconds > kLimit) return std::nullopt;
  return Time{std::chrono::duration_cast<Time::duration>(std::chrono::seconds(seconds) +
                                                         std::chrono::nanoseconds(nanos))};
}

// An empty Poco array serialises as "[]"; use it for every list field instead of leaving the
// field unset (which would print null).
inline Poco::JSON::Array::Ptr emptyList() { return new Poco::JSON::Array; }

}  // namespace oxd::sdk
