#include "RollingFile.h"

#include <Poco/JSON/Parser.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace oxd::sync {

namespace fs = std::filesystem;

namespace {

bool IsJsonObject(const std::string& line) {
  if (line.empty() || line.front() != '{') return false;
  try {
    Poco::JSON::Parser parser;
    return parser.parse(line).type() == typeid(Poco::JSON::Object::Ptr);
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

void ReplaceFileAtomically(const fs::path& path, const std::string& text) {
  fs::path tmp = path.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + tmp.string());
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      ::close(fd);
      throw std::system_error(error, std::generic_category(), "write " + tmp.string());
    }
    written += static_cast<std::size_t>(n);
  }
  // Without the fsync a crash soon after the rename could leave an empty file in its place.
  ::fsync(fd);
  ::close(fd);
  fs::rename(tmp, path);
}

std::vector<std::string> ReadJsonLines(const fs::path& path) {
  std::error_code error;
  fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) return {};
  if (!fs::is_regular_file(status))
    throw std::runtime_error("not a regular file: " + path.string());
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (IsJsonObject(line)) lines.push_back(line);
  }
  return lines;
}

void AppendKeepingLast(const fs::path& path, const std::string& line, std::size_t keep) {
  std::vector<std::string> lines = ReadJsonLines(path);
  lines.push_back(line);
  std::size_t first = lines.size() > keep ? lines.size() - keep : 0;
  std::string text;
  for (std::size_t i = first; i < lines.size(); ++i) text += lines[i] + "\n";
  ReplaceFileAtomically(path, text);
}

}  // namespace oxd::sync
