#include "SyncCursor.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

namespace oxd::github {

namespace fs = std::filesystem;

namespace {

// One path component: what GitHub allows in names, anything else as '_'.
std::string Component(const std::string& name) {
  std::string safe;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    safe += ok ? c : '_';
  }
  if (safe.empty() || safe.front() == '.') safe.insert(0, "_");
  return safe;
}

void WriteAll(int fd, const std::string& bytes, const fs::path& path) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "write " + path.string());
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

fs::path CursorPath(const fs::path& workspace_data_dir, const std::string& host,
                    const std::string& owner, const std::string& repo) {
  return workspace_data_dir / "github" / Component(host) / Component(owner) /
         (Component(repo) + ".json");
}

RepoCursor LoadCursor(const fs::path& path) {
  RepoCursor cursor;
  std::ifstream in(path);
  if (!in) return cursor;
  std::stringstream text;
  text << in.rdbuf();
  try {
    Poco::JSON::Parser parser;
    auto root = parser.parse(text.str()).extract<Poco::JSON::Object::Ptr>();
    cursor.window_start = root->optValue<std::string>("window_start", "");
    if (auto lists = root->getObject("lists")) {
      std::vector<std::string> names;
      lists->getNames(names);
      for (const std::string& name : names) {
        auto list = lists->getObject(name);
        if (!list) continue;
        cursor.lists[name] = ListCursor{list->optValue<std::string>("etag", ""),
                                        list->optValue<std::string>("newest", "")};
      }
    }
  } catch (const std::exception&) {
    return RepoCursor{};  // damaged: the next sync starts over, which rewrites identical files
  }
  return cursor;
}

void SaveCursor(const fs::path& path, const RepoCursor& cursor) {
  Poco::JSON::Object::Ptr root = new Poco::JSON::Object(true);
  root->set("window_start", cursor.window_start);
  Poco::JSON::Object::Ptr lists = new Poco::JSON::Object(true);
  for (const auto& [name, list] : cursor.lists) {
    Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
    entry->set("etag", list.etag);
    entry->set("newest", list.newest);
    lists->set(name, entry);
  }
  root->set("lists", lists);
  std::ostringstream text;
  root->stringify(text, 2);
  text << "\n";

  fs::create_directories(path.parent_path());
  fs::path temporary = path;
  temporary += ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + temporary.string());
  try {
    WriteAll(fd, text.str(), temporary);
    if (::fsync(fd) != 0) {
      throw std::system_error(errno, std::generic_category(), "fsync " + temporary.string());
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  fs::rename(temporary, path);
}

}  // namespace oxd::github
