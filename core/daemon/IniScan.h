#pragma once
// Reads an oxd.ini the way Poco::Util::IniFileConfiguration (1.11) does, but keeps line numbers
// so `oxd --check-config` can name the file and line of each problem. Poco's syntax: ';' starts
// a comment, '[name]' a section, 'key = value' a key; anything else Poco silently turns into a
// key, which is why those lines are reported here as problems.

#include <istream>
#include <string>
#include <vector>

namespace oxd::core {

struct IniEntry {
  int line;
  std::string section;  // "" before the first section header
  int section_line;     // of that header; 0 before the first
  std::string key;      // trimmed
  std::string value;    // trimmed
};

struct IniProblem {
  int line;
  std::string message;
};

struct IniScan {
  std::vector<IniEntry> entries;
  std::vector<IniProblem> problems;
};

IniScan scanIni(std::istream& in);

}  // namespace oxd::core
