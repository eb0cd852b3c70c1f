#include "common/DaemonRegistry.h"

#include "common/AtomicFile.h"
#include "common/Paths.h"
#include "common/Process.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <map>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace oxd::registry {
namespace fs = std::filesystem;

namespace {

using Entries = std::map<std::string, DaemonEntry>;  // by workspace id
using Clock = std::chrono::system_clock;

std::string stringField(const nlohmann::json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

// Tolerant: a damaged entry is skipped, a damaged file reads as empty
// (docs/architecture.md#files-and-directories).
Entries load(const fs::path& file) {
  Entries entries;
  std::optional<std::string> text;
  try {
    text = files::readWhole(file);
  } catch (const std::system_error&) {
    return entries;
  }
  if (!text) return entries;
  nlohmann::json document = nlohmann::json::parse(*text, nullptr, false);
  if (document.is_discarded() || !document.is_object()) return entries;
  auto daemons = document.find("daemons");
  if (daemons == document.end() || !daemons->is_object()) return entries;
  for (const auto& [key, value] : daemons->items()) {
    if (!value.is_object() || key.empty()) continue;
    DaemonEntry entry;
    entry.workspace_id = key;
    entry.workspace_path = stringField(value, "workspace_path");
    entry.repo_id = stringField(value, "repo_id");
    entry.socket_path = stringField(value, "socket_path");
    entry.version = stringField(value, "version");
    entry.started_at =
        DaemonRegistry::parseTime(stringField(value, "started_at")).value_or(Clock::time_point{});
    auto pid = value.find("pid");
    if (pid != value.end() && pid->is_number_integer()) {
      auto number = pid->get<std::int64_t>();
      if (number > 0 && number <= INT32_MAX) entry.pid = static_cast<pid_t>(number);
    }
    entries.emplace(key, std::move(entry));
  }
  return entries;
}

void save(const fs::path& file, const Entries& entries) {
  // ordered_json keeps the Go field order, so the file reads the same as the original's.
  nlohmann::ordered_json daemons = nlohmann::ordered_json::object();
  for (const auto& [key, entry] : entries) {
    nlohmann::ordered_json item;
    item["workspace_id"] = entry.workspace_id;
    item["workspace_path"] = entry.workspace_path;
    if (!entry.repo_id.empty()) item["repo_id"] = entry.repo_id;
    item["socket_path"] = entry.socket_path;
    item["pid"] = entry.pid;
    item["version"] = entry.version;
    item["started_at"] = DaemonRegistry::formatTime(entry.started_at);
    daemons[key] = std::move(item);
  }
  nlohmann::ordered_json document;
  document["daemons"] = std::move(daemons);
  files::writeAtomically(file, document.dump(2) + "\n", 0600);
}

}  // namespace

// An exclusive flock on `<dir>/registry.lock` for one load-modify-save. Each Lock opens its own
// descriptor, so it also excludes other threads of this process (flock locks belong to the open
// file description).
class DaemonRegistry::Lock {
 public:
  explicit Lock(const fs::path& file) {
    fs::path path = file.parent_path() / "registry.lock";
    files::makeMissingDirs(file.parent_path());
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0)
      throw std::system_error(errno, std::generic_category(), "cannot open " + path.string());
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno == EINTR) continue;
      int error = errno;
      ::close(fd_);
      throw std::system_error(error, std::generic_category(), "cannot lock " + path.string());
    }
  }
  ~Lock() { ::close(fd_); }  // closing the last descriptor releases the flock
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;

 private:
  int fd_ = -1;
};

std::string DaemonRegistry::formatTime(Clock::time_point time) {
  if (time == Clock::time_point{}) return "0001-01-01T00:00:00Z";
  auto nanos_total =
      std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
  std::int64_t seconds = nanos_total / 1'000'000'000;
  std::int64_t nanos = nanos_total % 1'000'000'000;
  if (nanos < 0) {
    nanos += 1'000'000'000;
    seconds -= 1;
  }
  std::time_t whole = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&whole, &utc);
  char buffer[40];
  std::size_t length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  std::string out(buffer, length);
  if (nanos != 0) {
    std::string digits = std::to_string(nanos);
    digits.insert(0, 9 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out + "Z";
}

std::optional<Clock::time_point> DaemonRegistry::parseTime(const std::string& text) {
  int year, month, day, hour, minute, second, consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute,
                  &second, &consumed) != 6 ||
      consumed != 19) {
    return std::nullopt;
  }
  std::size_t position = 19;
  std::int64_t nanos = 0;
  if (position < text.size() && text[position] == '.') {
    int digits = 0;
    for (++position;
         position < text.size() && std::isdigit(static_cast<unsigned char>(text[position]));
         ++position) {
      if (digits++ < 9) nanos = nanos * 10 + (text[position] - '0');
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 9; ++digits) nanos *= 10;
  }
  long offset = 0;
  if (position + 1 == text.size() && (text[position] == 'Z' || text[position] == 'z')) {
    position += 1;
  } else if (position + 6 == text.size() && (text[position] == '+' || text[position] == '-') &&
             text[position + 3] == ':') {
    int offset_hours = 0, offset_minutes = 0;
    if (std::sscanf(text.c_str() + position + 1, "%2d:%2d", &offset_hours, &offset_minutes) != 2) {
      return std::nullopt;
    }
    offset = (offset_hours * 3600L + offset_minutes * 60L) * (text[position] == '-' ? -1 : 1);
    position += 6;
  } else {
    return std::nullopt;  // RFC 3339 requires a zone
  }
  if (position != text.size() || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  if (year == 1 && month == 1 && day == 1 && hour == 0 && minute == 0 && second == 0 &&
      nanos == 0) {
    return Clock::time_point{};
  }
  std::tm utc{};
  utc.tm_year = year - 1900;
  utc.tm_mon = month - 1;
  utc.tm_mday = day;
  utc.tm_hour = hour;
  utc.tm_min = minute;
  utc.tm_sec = second;
  std::int64_t seconds = static_cast<std::int64_t>(timegm(&utc)) - offset;
  return Clock::time_point{std::chrono::duration_cast<Clock::duration>(
      std::chrono::seconds(seconds) + std::chrono::nanoseconds(nanos))};
}

DaemonRegistry::DaemonRegistry(fs::path file) : file_(std::move(file)) {}

DaemonRegistry DaemonRegistry::atDefaultPath() { return DaemonRegistry(paths::registryPath()); }

std::vector<DaemonEntry> DaemonRegistry::list() const {
  std::vector<DaemonEntry> out;
  for (auto& [key, entry] : load(file_)) out.push_back(std::move(entry));
  return out;
}

std::optional<DaemonEntry> DaemonRegistry::findByWorkspaceId(
    const std::string& workspace_id) const {
  if (workspace_id.empty()) return std::nullopt;
  Entries entries = load(file_);
  auto found = entries.find(workspace_id);
  if (found == entries.end()) return std::nullopt;
  return found->second;
}

std::optional<DaemonEntry> DaemonRegistry::findByRepoId(const std::string& repo_id) const {
  if (repo_id.empty()) return std::nullopt;
  for (auto& [key, entry] : load(file_)) {
    if (entry.repo_id == repo_id) return entry;
  }
  return std::nullopt;
}

void DaemonRegistry::upsert(const DaemonEntry& entry) {
  if (entry.workspace_id.empty()) {
    throw std::invalid_argument("daemon registry: entry without workspace_id");
  }
  Lock lock(file_);
  Entries entries = load(file_);
  entries[entry.workspace_id] = entry;
  save(file_, entries);
}

bool DaemonRegistry::remove(const std::string& workspace_id) {
  Lock lock(file_);
  Entries entries = load(file_);
  if (entries.erase(workspace_id) == 0) return false;
  save(file_, entries);
  return true;
}

bool DaemonRegistry::removeIfPid(const std::string& workspace_id, pid_t pid) {
  Lock lock(file_);
  Entries entries = load(file_);
  auto found = entries.find(workspace_id);
  if (found == entries.end() || found->second.pid != pid) return false;
  entries.erase(found);
  save(file_, entries);
  return true;
}

std::vector<DaemonEntry> DaemonRegistry::pruneDead() {
  Lock lock(file_);
  Entries entries = load(file_);
  std::vector<DaemonEntry> removed;
  for (auto it = entries.begin(); it != entries.end();) {
    if (!process::isAlive(it->second.pid)) {
      removed.push_back(std::move(it->second));
      it = entries.erase(it);
    } else {
      ++it;
    }
  }
  if (!removed.empty()) save(file_, entries);
  return removed;
}

}  // namespace oxd::registry
