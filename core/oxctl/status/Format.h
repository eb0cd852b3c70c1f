#pragma once
// Text helpers shared by the status views (docs/behavior.md#oxctl-status). Pure functions: the
// caller passes `now` and the home directory, so output depends on nothing but the arguments.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "oxctl/status/Terminal.h"

namespace oxd::cli::status {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

// Go's zero time ("0001-01-01T00:00:00Z") parses to the epoch; a missing time is stored the
// same way. Either means "never".
inline bool isZero(TimePoint time) { return time == TimePoint{}; }

// Relative age without the suffix, rounded to seconds: "42s", "5m", "3h" (< 24 h), "4d".
// Negative spans (clock skew, a time in the future) read as "0s".
std::string ageText(std::chrono::nanoseconds span);
// ageText(now - time) + " ago".
std::string relative(TimePoint time, TimePoint now);

// `$HOME` prefix → `~` (only at a path-component boundary).
std::string shortenPath(std::string_view path, const std::filesystem::path& home);

// Columns a UTF-8 string occupies, counting one per code point (the views use no wide glyphs).
std::size_t displayWidth(std::string_view text);
std::string padRight(std::string_view text, std::size_t width);

// `KV(k, v)`: two spaces, `k:` left-justified in 12 columns, one space, v.
std::string keyValue(std::string_view key, std::string_view value, const Style& style);

// "0.6.1+20260310" → "0.6.1": the build suffix never decides a version match
// (docs/behavior.md#version-mismatch).
inline std::string semverOf(std::string_view version) {
  return std::string(version.substr(0, version.find('+')));
}

// Local wall-clock "HH:MM:SS" (Recent Syncs table); follows TZ like every local time.
std::string localClock(TimePoint time);

}  // namespace oxd::cli::status
