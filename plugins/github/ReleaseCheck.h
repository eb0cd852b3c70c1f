// The release check (the original's VersionCache): the latest release of [github] release_repo,
// asked for with If-None-Match every 30 minutes, kept in version-check.json in the user cache
// dir ({latest_version, checked_at, etag}, written atomically; a damaged file is an empty cache).
// A 304 keeps the version; a 200 stores tag_name and the ETag; any other answer is an error that
// leaves the cache as it was. `status` shows "update available: vX" when vX is newer than the
// daemon's version.
#pragma once

#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

#include "GithubApi.h"

namespace oxd::github {

struct VersionCacheData {
  std::string latest_version;
  std::string checked_at;  // RFC 3339 UTC
  std::string etag;
};

VersionCacheData LoadVersionCache(const std::filesystem::path& path);
void SaveVersionCache(const std::filesystem::path& path, const VersionCacheData& data);

// -1, 0, 1 comparing dotted versions, a leading 'v' and any pre-release suffix ignored.
int CompareVersions(const std::string& a, const std::string& b);

class ReleaseCheck {
 public:
  ReleaseCheck(std::filesystem::path cache_file, std::string release_repo,
               std::string running_version);

  // One check through `api`; throws ApiError (the cache is then untouched).
  void Check(GithubApi& api);
  // "vX" when newer than the running daemon, else "".
  std::string UpdateAvailable() const;
  std::string Latest() const;

 private:
  std::filesystem::path cache_file_;
  std::string release_repo_;
  std::string running_version_;
  mutable std::mutex mutex_;
  VersionCacheData data_;  // guarded by mutex_
};

}  // namespace oxd::github
