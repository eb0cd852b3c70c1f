#include "RepoStateFiles.h"

#include <oxd/json.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

#include "RollingFile.h"

namespace oxd::sync {

namespace fs = std::filesystem;

namespace {

// Team ids come from the project file: keep the directory name to a safe alphabet.
std::string DirectoryName(const std::string& repo_id) {
  std::string name;
  for (char c : repo_id) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.';
    name += safe ? c : '_';
  }
  if (name.empty() || name == "." || name == "..") name = "_" + name;
  return name;
}

Clock::time_point TimeField(const Poco::JSON::Object::Ptr& object, const std::string& key) {
  if (!object || !object->has(key)) return {};
  try {
    return sdk::parseTime(object->getValue<std::string>(key)).value_or(Clock::time_point{});
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace

std::string FormatUtc(Clock::time_point time) {
  if (time == Clock::time_point{}) return "0001-01-01T00:00:00Z";
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + length, sizeof text - length, ".%06lldZ",
                static_cast<long long>(micros % 1'000'000));
  return text;
}

RepoStateFiles::RepoStateFiles(fs::path workspace_data_dir)
    : root_(std::move(workspace_data_dir) / "repos") {}

fs::path RepoStateFiles::SyncStatePath(const std::string& repo_id) const {
  return root_ / DirectoryName(repo_id) / "sync-state.json";
}

fs::path RepoStateFiles::GcStatePath(const std::string& repo_id) const {
  return root_ / DirectoryName(repo_id) / "gc-state.json";
}

SyncStateFile RepoStateFiles::LoadSync(const std::string& repo_id) const {
  std::lock_guard lock(mutex_);
  return LoadSyncLocked(repo_id);
}

SyncStateFile RepoStateFiles::LoadSyncLocked(const std::string& repo_id) const {
  SyncStateFile state;
  Poco::JSON::Object::Ptr object = ReadJsonFile(SyncStatePath(repo_id));
  if (!object) return state;
  state.last_sync = TimeField(object, "last_sync");
  try {
    state.last_sync_commit = object->optValue<std::string>("last_sync_commit", "");
    state.consecutive_failures = object->optValue<int>("consecutive_failures", 0);
  } catch (const std::exception&) {
    return SyncStateFile{state.last_sync, "", 0};
  }
  return state;
}

std::string RepoStateFiles::SaveSync(const std::string& repo_id, const SyncStateFile& state) {
  Poco::JSON::Object::Ptr object = new Poco::JSON::Object(true);
  object->set("last_sync", FormatUtc(state.last_sync));
  object->set("last_sync_commit", state.last_sync_commit);
  object->set("consecutive_failures", state.consecutive_failures);
  return WriteJsonFile(SyncStatePath(repo_id), object);
}

std::string RepoStateFiles::RecordSyncSuccess(const std::string& repo_id,
                                              const std::string& commit) {
  SyncStateFile state{Clock::now(), commit, 0};
  std::lock_guard lock(mutex_);
  return SaveSync(repo_id, state);
}

std::string RepoStateFiles::RecordSyncFailure(const std::string& repo_id) {
  std::lock_guard lock(mutex_);
  SyncStateFile state = LoadSyncLocked(repo_id);
  ++state.consecutive_failures;
  return SaveSync(repo_id, state);
}

Clock::time_point RepoStateFiles::LoadLastGc(const std::string& repo_id) const {
  std::lock_guard lock(mutex_);
  return TimeField(ReadJsonFile(GcStatePath(repo_id)), "last_gc");
}

std::string RepoStateFiles::SaveLastGc(const std::string& repo_id, Clock::time_point when) {
  Poco::JSON::Object::Ptr object = new Poco::JSON::Object(true);
  object->set("last_gc", FormatUtc(when));
  std::lock_guard lock(mutex_);
  return WriteJsonFile(GcStatePath(repo_id), object);
}

}  // namespace oxd::sync
