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
  // Hidden and per process: never mistaken for content, never shared by two writers.
  fs::path temporary = path.parent_path() /
                       ("." + path.filename().string() + ".oxd-tmp." + std::to_string(getpid()));
  auto fail = [&](const std::string& what) {
    int saved = errno;
    ::unlink(temporary.c_str());
    throw std::system_error(saved, std::generic_category(), what);
  };
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    throw std::system_error(errno, std::generic_category(), "create " + temporary.string());
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      ::close(fd);
      errno = saved;
      fail("write " + temporary.string());
    }
    written += static_cast<std::size_t>(n);
  }
  // Without the fsync a crash soon after the rename could leave an empty file in its place.
  if (::fsync(fd) != 0) {
    int saved = errno;
    ::close(fd);
    errno = saved;
    fail("sync " + temporary.string());
  }
  if (::close(fd) != 0) fail("close " + temporary.string());
  if (::rename(temporary.c_str(), path.c_str()) != 0) fail("rename onto " + path.string());
}

void SyncDirectory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + dir.string());
  int result = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (result != 0) throw std::system_error(saved, std::generic_category(), "sync " + dir.string());
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

Poco::JSON::Object::Ptr ReadJsonFile(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return nullptr;
  std::stringstream text;
  text << in.rdbuf();
  try {
    Poco::JSON::Parser parser;
    return parser.parse(text.str()).extract<Poco::JSON::Object::Ptr>();
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::string WriteJsonFile(const fs::path& path, const Poco::JSON::Object::Ptr& object) {
  try {
    std::ostringstream text;
    object->stringify(text, 2);
    fs::create_directories(path.parent_path());
    ReplaceFileAtomically(path, text.str() + "\n");
    return "";
  } catch (const std::exception& error) {
    return "cannot write " + path.string() + ": " + error.what();
  }
}

}  // namespace oxd::sync
