#pragma once
// Text oxctl prints. Plain stdio, not iostreams: the CLI's start-up must stay near /bin/true.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "oxctl/Cli.h"

namespace oxd::cli {

void printOut(std::string_view line);  // line + '\n' on stdout
void printErr(std::string_view line);  // line + '\n' on stderr
void flushOut();                       // progress lines must appear as they arrive

std::string generalUsage();
std::string commandUsage(const Command& command);

// Compact duration (docs/behavior.md#oxctl-status): "<1s", "42s", "5m", "5m 3s", "2h", "2h 7m".
std::string compactDuration(std::int64_t nanoseconds);

}  // namespace oxd::cli
