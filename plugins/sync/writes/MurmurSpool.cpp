#include "writes/MurmurSpool.h"

#include <oxd/payload.h>

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>

#include "RollingFile.h"

namespace oxd::sync {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSuffix = ".json";

// `<sequence>.json` → sequence; 0 for any other name (temporaries, unreadable files).
std::uint64_t SequenceOf(const fs::path& file) {
  std::string name = file.filename().string();
  if (!name.ends_with(kSuffix) || name.size() != 20 + 5) return 0;
  std::uint64_t value = 0;
  for (char c : name.substr(0, 20)) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

std::vector<fs::path> SpoolFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    if (SequenceOf(it->path()) != 0) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());  // fixed-width numbers: name order is spool order
  return files;
}

}  // namespace

MurmurSpool::MurmurSpool(fs::path dir) : dir_(std::move(dir)) {
  std::vector<fs::path> files = SpoolFiles(dir_);
  if (!files.empty()) next_ = SequenceOf(files.back()) + 1;
}

void MurmurSpool::Add(const sdk::MurmurRequest& request) {
  std::ostringstream text;
  request.toRequest().payload->stringify(text);
  std::lock_guard lock(mutex_);
  fs::create_directories(dir_);
  char name[32];
  std::snprintf(name, sizeof name, "%020llu%s", static_cast<unsigned long long>(next_), kSuffix);
  ReplaceFileAtomically(dir_ / name, text.str());
  SyncDirectory(dir_);
  ++next_;
}

std::vector<MurmurSpool::Entry> MurmurSpool::Pending(std::vector<fs::path>* unreadable) const {
  std::vector<Entry> entries;
  for (const fs::path& file : SpoolFiles(dir_)) {
    try {
      std::ifstream in(file, std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      Poco::JSON::Parser parser;
      auto object = parser.parse(text.str()).extract<Poco::JSON::Object::Ptr>();
      entries.push_back({file, sdk::MurmurRequest::Parse(sdk::Payload(object))});
    } catch (const std::exception&) {
      std::error_code ignored;
      fs::rename(file, fs::path(file.string() + ".unreadable"), ignored);
      if (unreadable) unreadable->push_back(file);
    }
  }
  return entries;
}

void MurmurSpool::Remove(const fs::path& file) {
  std::error_code ignored;
  fs::remove(file, ignored);
}

}  // namespace oxd::sync
