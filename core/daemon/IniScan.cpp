#include "daemon/IniScan.h"

#include <string_view>

namespace oxd::core {
namespace {

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\f\v";
  auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

}  // namespace

IniScan scanIni(std::istream& in) {
  IniScan scan;
  std::string section;
  int section_line = 0;
  std::string raw;
  for (int number = 1; std::getline(in, raw); ++number) {
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == ';') continue;
    if (line.front() == '#') {
      scan.problems.push_back({number, "'#' does not start a comment in oxd.ini; use ';'"});
      continue;
    }
    if (line.front() == '[') {
      auto close = line.find(']');
      if (close == std::string_view::npos) {
        scan.problems.push_back({number, "section header without ']'"});
        continue;
      }
      section = trim(line.substr(1, close - 1));
      section_line = number;
      if (!trim(line.substr(close + 1)).empty())
        scan.problems.push_back({number, "text after the section header ']'"});
      continue;
    }
    auto equals = line.find('=');
    if (equals == std::string_view::npos) {
      scan.problems.push_back({number, "expected 'key = value', got '" + std::string(line) + "'"});
      continue;
    }
    std::string_view key = trim(line.substr(0, equals));
    if (key.empty()) {
      scan.problems.push_back({number, "a value without a key"});
      continue;
    }
    scan.entries.push_back({number, section, section_line, std::string(key),
                            std::string(trim(line.substr(equals + 1)))});
  }
  return scan;
}

}  // namespace oxd::core
