#include "oxctl/UserConfig.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <system_error>
#include <vector>

#include "common/AtomicFile.h"
#include "common/Paths.h"
#include "oxctl/Cli.h"

namespace oxd::cli {
namespace {

namespace fs = std::filesystem;

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

bool sameName(std::string_view left, std::string_view right) {
  return std::equal(left.begin(), left.end(), right.begin(), right.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

// One line of the file with its terminator, and what it means to the ini reader.
struct Line {
  std::string_view full;                   // including "\n" or "\r\n" when present
  std::string_view content;                // without the terminator
  std::optional<std::string_view> header;  // the section name of a "[name]" line
  std::optional<std::string_view> key;     // the key of a "key = value" line
  std::size_t value_start = 0;             // in content: after '=' and the spaces after it
};

std::vector<Line> splitLines(std::string_view text) {
  std::vector<Line> lines;
  while (!text.empty()) {
    std::size_t newline = text.find('\n');
    std::size_t length = newline == std::string_view::npos ? text.size() : newline + 1;
    Line line;
    line.full = text.substr(0, length);
    line.content = line.full;
    if (line.content.ends_with('\n')) line.content.remove_suffix(1);
    if (line.content.ends_with('\r')) line.content.remove_suffix(1);
    std::string_view body = trim(line.content);
    if (body.starts_with('[')) {
      std::size_t close = body.find(']');
      line.header = trim(body.substr(1, close == std::string_view::npos ? close : close - 1));
    } else if (!body.empty() && body.front() != ';') {
      std::size_t equals = line.content.find('=');
      if (equals != std::string_view::npos) {
        line.key = trim(line.content.substr(0, equals));
        std::size_t start = equals + 1;
        while (start < line.content.size() &&
               (line.content[start] == ' ' || line.content[start] == '\t'))
          ++start;
        line.value_start = start;
      }
    }
    lines.push_back(line);
    text.remove_prefix(length);
  }
  return lines;
}

}  // namespace

std::optional<std::string> iniValue(std::string_view text, std::string_view section,
                                    std::string_view key) {
  std::optional<std::string> found;
  std::string_view current;
  for (const Line& line : splitLines(text)) {
    if (line.header) {
      current = *line.header;
    } else if (line.key && sameName(current, section) && sameName(*line.key, key)) {
      found = std::string(trim(line.content.substr(line.value_start)));
    }
  }
  return found;
}

std::string withIniValue(std::string_view text, std::string_view section, std::string_view key,
                         std::string_view value) {
  const std::string eol = text.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
  std::vector<Line> lines = splitLines(text);
  std::string out;
  std::string_view current;
  bool replaced = false;
  std::optional<std::size_t> header_end;  // in `out`: just after the section's last header
  for (const Line& line : lines) {
    if (line.header) current = *line.header;
    if (line.key && sameName(current, section) && sameName(*line.key, key)) {
      out += line.content.substr(0, line.value_start);
      out += value;
      out += line.full.substr(line.content.size());
      replaced = true;
      continue;
    }
    out += line.full;
    if (line.header && sameName(*line.header, section)) header_end = out.size();
  }
  if (replaced) return out;
  std::string entry = std::string(key) + " = " + std::string(value) + eol;
  if (header_end) {
    // A header on the file's last line has no terminator yet.
    out.insert(*header_end, out[*header_end - 1] == '\n' ? entry : eol + entry);
    return out;
  }
  if (!out.empty() && !out.ends_with('\n')) out += eol;
  if (!out.empty()) out += eol;
  out += "[" + std::string(section) + "]" + eol + entry;
  return out;
}

fs::path userConfigPath() { return paths::configDir() / "oxd.ini"; }

fs::path setUserConfigValue(std::string_view section, std::string_view key,
                            std::string_view value) {
  fs::path path = userConfigPath();
  std::error_code error;
  // A dotfile manager's symlink stays a symlink: the edit goes to the file it points at.
  if (fs::is_symlink(path, error)) {
    fs::path target = fs::canonical(path, error);
    if (error)
      throw CommandError("cannot resolve the symlink " + path.string() + ": " + error.message());
    path = target;
  }
  try {
    std::string text = files::readWhole(path).value_or("");
    mode_t mode = 0600;
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) mode = info.st_mode & 07777;
    files::writeAtomically(path, withIniValue(text, section, key, value), mode);
  } catch (const std::system_error& failure) {
    throw CommandError("cannot update " + path.string() + ": " + failure.what());
  }
  return path;
}

}  // namespace oxd::cli
