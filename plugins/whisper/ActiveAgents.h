// The agents the core's instance store reports as active (the `instances` built-in, called in
// process): what nudges and activity summaries are about.
#pragma once

#include <oxd/host.h>

#include <string>
#include <vector>

namespace oxd::whisper {

std::vector<std::string> ActiveAgentIds(sdk::Caller& calls);

}  // namespace oxd::whisper
