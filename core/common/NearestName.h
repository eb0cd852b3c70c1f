#pragma once
// "Did you mean …?" hints for config errors: the candidate nearest to a mistyped name by edit
// distance, or "" when none is close enough to be a plausible typo. Pure; thread-safe.

#include <string>
#include <vector>

namespace oxd {

std::string nearestName(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace oxd
