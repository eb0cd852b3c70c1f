#include "ReleaseCheck.h"

#include <oxd/json.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace oxd::github {

namespace fs = std::filesystem;

namespace {

std::vector<long> Parts(std::string version) {
  if (!version.empty() && (version[0] == 'v' || version[0] == 'V')) version.erase(0, 1);
  version = version.substr(0, version.find_first_of("-+ "));
  std::vector<long> parts;
  std::istringstream in(version);
  std::string part;
  while (std::getline(in, part, '.')) {
    try {
      parts.push_back(std::stol(part));
    } catch (const std::exception&) {
      parts.push_back(0);
    }
  }
  return parts;
}

}  // namespace

int CompareVersions(const std::string& a, const std::string& b) {
  std::vector<long> left = Parts(a), right = Parts(b);
  for (std::size_t i = 0; i < std::max(left.size(), right.size()); ++i) {
    long l = i < left.size() ? left[i] : 0, r = i < right.size() ? right[i] : 0;
    if (l != r) return l < r ? -1 : 1;
  }
  return 0;
}

VersionCacheData LoadVersionCache(const fs::path& path) {
  VersionCacheData data;
  std::ifstream in(path);
  if (!in) return data;
  std::stringstream text;
  text << in.rdbuf();
  try {
    Poco::JSON::Parser parser;
    auto root = parser.parse(text.str()).extract<Poco::JSON::Object::Ptr>();
    data.latest_version = root->optValue<std::string>("latest_version", "");
    data.checked_at = root->optValue<std::string>("checked_at", "");
    data.etag = root->optValue<std::string>("etag", "");
  } catch (const std::exception&) {
    return VersionCacheData{};
  }
  return data;
}

void SaveVersionCache(const fs::path& path, const VersionCacheData& data) {
  Poco::JSON::Object::Ptr root = new Poco::JSON::Object(true);
  root->set("latest_version", data.latest_version);
  root->set("checked_at", data.checked_at);
  if (!data.etag.empty()) root->set("etag", data.etag);
  fs::create_directories(path.parent_path());
  fs::path temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    root->stringify(out, 2);
    out << "\n";
    if (!out) throw std::runtime_error("cannot write " + temporary.string());
  }
  fs::rename(temporary, path);
}

ReleaseCheck::ReleaseCheck(fs::path cache_file, std::string release_repo,
                           std::string running_version)
    : cache_file_(std::move(cache_file)),
      release_repo_(std::move(release_repo)),
      running_version_(std::move(running_version)),
      data_(LoadVersionCache(cache_file_)) {}

void ReleaseCheck::Check(GithubApi& api) {
  VersionCacheData data;
  {
    std::lock_guard lock(mutex_);
    data = data_;
  }
  ApiPage page = api.get("/repos/" + release_repo_ + "/releases/latest",
                         data.latest_version.empty() ? "" : data.etag);
  data.checked_at = sdk::formatTime(std::chrono::system_clock::now());
  if (!page.not_modified) {
    Poco::JSON::Object::Ptr release =
        page.items && page.items->size() == 1 ? page.items->getObject(0) : nullptr;
    std::string tag = release ? release->optValue<std::string>("tag_name", "") : "";
    if (tag.empty())
      throw ApiError(ApiErrorKind::kServer, 200, "decode: no tag_name in the release");
    data.latest_version = tag;
    data.etag = page.etag;
    SaveVersionCache(cache_file_, data);
  }
  std::lock_guard lock(mutex_);
  data_ = data;
}

std::string ReleaseCheck::UpdateAvailable() const {
  std::lock_guard lock(mutex_);
  if (data_.latest_version.empty()) return "";
  return CompareVersions(data_.latest_version, running_version_) > 0 ? data_.latest_version : "";
}

std::string ReleaseCheck::Latest() const {
  std::lock_guard lock(mutex_);
  return data_.latest_version;
}

}  // namespace oxd::github
