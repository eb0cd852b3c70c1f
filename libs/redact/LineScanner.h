// The scanner behind Redact() and StreamRedactor (Redact.h): one line at a time, one pass, each
// byte looked at a bounded number of times. Internal to libs/redact.
#pragma once

#include <string>
#include <string_view>

#include "redact/Redact.h"

namespace oxd::redact::detail {

// Appends `line` (one line, with its newline if it has one) to `out`, its secrets replaced.
// `in_private_key` carries a private-key block that has not ended yet from one line to the next.
void ScanLine(std::string_view line, bool& in_private_key, std::string& out, Counts& counts);

}  // namespace oxd::redact::detail
