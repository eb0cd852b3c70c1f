#pragma once
// Texts generated from the command table (Commands.cpp), so a new command or option shows up
// in them without another edit: shell completion scripts and the oxctl(1) man page.

#include <string>
#include <string_view>

namespace oxd::cli {

// The completion script for `shell` ("bash" or "zsh"); UsageError for any other.
std::string completionScript(std::string_view shell);

// oxctl(1) in man(7) roff: NAME, SYNOPSIS, DESCRIPTION, COMMANDS (options and an example each),
// GLOBAL OPTIONS, EXIT STATUS, ENVIRONMENT, FILES.
std::string manPage();

}  // namespace oxd::cli
