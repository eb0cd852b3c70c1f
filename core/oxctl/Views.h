#pragma once
// Human views of the daemon's replies (doctor, get_errors, instances, plugins): pure functions
// of the reply and the current time, so unit tests render them from fixed data.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace oxd::cli {

using TimePoint = std::chrono::system_clock::time_point;

// "5s ago", "3m 2s ago"; "-" when `rfc3339` does not parse or is the zero time.
std::string ago(const std::string& rfc3339, TimePoint now);
// 950 → "950", 12345 → "12.3k", 2500000 → "2.5M".
std::string compactCount(std::int64_t count);

struct DoctorView {
  std::string text;  // one ✓/✗ line per plugin check
  bool failed = false;
};
// The `doctor` reply's data: each plugins.<name> object is one check; an `error` string, an
// `ok: false` or a non-empty `errors` list fails it. Replies without `plugins` (the original
// daemon's shape) are shown from their top-level `errors`.
DoctorView doctorView(const nlohmann::json& doctor);

// get_errors data (StoredError list), newest first: "<id>  <severity>  <when>  <code>: <message>".
std::string errorsView(const nlohmann::json& errors, TimePoint now);

// instances data as a tree by parent_agent_id, like the original `ox agent list`: roots (and
// agents whose parent is not listed) newest first, children indented under ├──/└──.
std::string instancesView(const nlohmann::json& instances, TimePoint now);

// plugins data: one row per plugin (name, version, state, counters), its last error below it.
std::string pluginsView(const nlohmann::json& plugins);

}  // namespace oxd::cli
