#include "OverlayTestSupport.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace oxd::codedb::test {
namespace fs = std::filesystem;

void WriteFile(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

void InitRepo(const std::string& repo, const std::map<std::string, std::string>& files) {
  fs::create_directories(repo);
  Git(repo, {"init", "-q", "-b", "main"});
  for (const auto& [path, text] : files) {
    WriteFile(repo + "/" + path, text);
  }
  Git(repo, {"add", "-A"});
  Git(repo, {"commit", "-q", "-m", "initial"});
}

std::map<std::string, std::string> GitStatus(const std::string& repo) {
  CommandResult result = RunCommand(
      {"git", "--no-optional-locks", "status", "--porcelain", "-uall", "--no-renames", "-z"}, repo);
  EXPECT_EQ(result.exit_code, 0) << "git status in " << repo;
  std::map<std::string, std::string> status;
  std::map<std::string, std::string> codes;  // a path may come twice ("D " and "??")
  for (std::size_t at = 0; at < result.out.size();) {
    std::size_t end = result.out.find('\0', at);
    if (end == std::string::npos) {
      end = result.out.size();
    }
    std::string entry = result.out.substr(at, end - at);
    at = end + 1;
    if (entry.size() > 3) {
      codes[entry.substr(3)] += entry.substr(0, 2);
    }
  }
  for (const auto& [path, xy] : codes) {
    bool exists = fs::symlink_status(repo + "/" + path).type() != fs::file_type::not_found;
    bool staged_delete = false;
    for (std::size_t i = 0; i + 1 < xy.size(); i += 2) {
      staged_delete = staged_delete || xy[i] == 'D';
    }
    if (!exists) {
      status[path] = "deleted";
    } else if (xy.find("??") != std::string::npos && !staged_delete) {
      status[path] = "untracked";
    } else if (xy[0] == 'A') {
      status[path] = "added";
    } else {
      status[path] = "modified";
    }
  }
  return status;
}

std::map<std::string, std::string> SnapshotStatus(const OverlaySnapshot& snapshot) {
  std::map<std::string, std::string> status;
  for (const DirtyFile& file : snapshot.files()) {
    status[file.path] = std::string(DirtyChangeName(file.change));
  }
  return status;
}

std::string StaleText(const OverlaySnapshot& snapshot, const std::string& repo) {
  for (const DirtyFile& file : snapshot.files()) {
    if (file.searchable() && file.content->text != ReadFile(repo + "/" + file.path)) {
      return file.path;
    }
  }
  return "";
}

std::string WaitForOverlay(const LiveOverlay& overlay, const std::string& repo,
                           const std::map<std::string, std::string>& expected,
                           std::chrono::milliseconds bound) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  while (true) {
    OverlaySnapshotPtr snapshot = overlay.Snapshot();
    std::map<std::string, std::string> actual = SnapshotStatus(*snapshot);
    std::string difference;
    if (actual != expected) {
      difference = "overlay:\n" + Describe(actual) + "git status:\n" + Describe(expected);
    } else if (std::string stale = StaleText(*snapshot, repo); !stale.empty()) {
      difference = "stale text of " + stale;
    }
    if (difference.empty() || std::chrono::steady_clock::now() >= deadline) {
      return difference;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

std::string Describe(const std::map<std::string, std::string>& status) {
  std::string out;
  for (const auto& [path, change] : status) {
    out += "  " + change + " " + path + "\n";
  }
  return out.empty() ? "  (clean)\n" : out;
}

}  // namespace oxd::codedb::test
