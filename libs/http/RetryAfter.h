#pragma once
// Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP date.

#include <chrono>
#include <optional>
#include <string>

namespace oxd::http {

// The wait the header asks for, from `now`; nullopt when it is neither form. A date in the past
// is a zero wait.
std::optional<std::chrono::seconds> ParseRetryAfter(const std::string& value,
                                                    std::chrono::system_clock::time_point now);

}  // namespace oxd::http
