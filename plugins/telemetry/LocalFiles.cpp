#include "LocalFiles.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <system_error>

#include "OtlpJson.h"
#include "TelemetryEvent.h"

namespace oxd::telemetry {

namespace fs = std::filesystem;

void WriteFileAtomically(const fs::path& path, const std::string& content) {
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  fs::path temporary = path;
  temporary += ".tmp." + std::to_string(::getpid());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + temporary.string());
  std::size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      int saved = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      throw std::system_error(saved, std::generic_category(), "write " + temporary.string());
    }
    written += static_cast<std::size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(temporary.c_str());
    throw std::system_error(saved, std::generic_category(), "rename to " + path.string());
  }
}

std::optional<std::string> ReadSmallFile(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string LoadOrCreateClientId(const fs::path& path) {
  static const std::regex kUuid("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
  if (auto stored = ReadSmallFile(path)) {
    std::string id = stored->substr(0, stored->find_first_of("\r\n"));
    if (std::regex_match(id, kUuid)) return id;
  }
  std::string id = NewUuid();
  WriteFileAtomically(path, id + "\n");
  return id;
}

std::optional<UncleanExit> CrashMarker::previous() const {
  auto content = ReadSmallFile(path_);
  if (!content) return std::nullopt;
  UncleanExit exit;
  try {
    auto marker = Poco::JSON::Parser().parse(*content).extract<Poco::JSON::Object::Ptr>();
    std::int64_t started = marker->optValue<Poco::Int64>("started_ms", 0);
    std::int64_t alive = marker->optValue<Poco::Int64>("alive_ms", started);
    exit.uptime_seconds = std::max<std::int64_t>(0, (alive - started) / 1000);
    exit.pid = marker->optValue<Poco::Int64>("pid", 0);
  } catch (const std::exception&) {
    // A marker cut short by the crash itself still says the run did not stop cleanly.
  }
  return exit;
}

void CrashMarker::arm(std::chrono::system_clock::time_point started) {
  started_ = started;
  touch();
}

void CrashMarker::touch() {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  auto ms = [](std::chrono::system_clock::time_point at) {
    return static_cast<Poco::Int64>(duration_cast<milliseconds>(at.time_since_epoch()).count());
  };
  Poco::JSON::Object::Ptr marker = new Poco::JSON::Object(true);
  marker->set("pid", static_cast<Poco::Int64>(::getpid()));
  marker->set("started_ms", ms(started_));
  marker->set("alive_ms", ms(std::chrono::system_clock::now()));
  WriteFileAtomically(path_, ToJsonText(marker) + "\n");
}

void CrashMarker::disarm() {
  std::error_code error;
  fs::remove(path_, error);
}

}  // namespace oxd::telemetry
