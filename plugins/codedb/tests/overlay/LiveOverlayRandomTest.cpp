// Randomized sequences of working-tree operations (create, modify, delete, rename, new nested
// directories, rmdir, checkout of a branch or a file, add, commit, ignored files, .gitignore
// edits); after each one the LiveOverlay must equal `git status --porcelain -uall`, texts
// included. OXD_OVERLAY_SEQUENCES (default 200) sequences, seeded by OXD_OVERLAY_SEED (default:
// random, printed on failure).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "OverlayTestSupport.h"

namespace oxd::codedb::test {
namespace {
namespace fs = std::filesystem;
using std::chrono::milliseconds;

std::uint64_t EnvNumber(const char* name, std::uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::strtoull(value, nullptr, 10) : fallback;
}

// The repository every sequence starts from: two branches that differ in files and in
// directories, an ignore file, nested directories.
std::string BuildTemplate(const std::string& parent) {
  std::string repo = parent + "/template";
  InitRepo(repo, {{"README.md", "# readme\n"},
                  {"src/main.cpp", "int main() { return 0; }\n"},
                  {"src/util/helpers.h", "#pragma once\nint helper();\n"},
                  {"src/util/helpers.cpp", "int helper() { return 1; }\n"},
                  {"docs/guide.txt", "guide\n"},
                  {"scripts/run.sh", "#!/bin/sh\necho run\n"},
                  {".gitignore", "*.log\nbuild/\n"}});
  Git(repo, {"checkout", "-q", "-b", "other"});
  WriteFile(repo + "/other/only_here.py", "def only():\n    pass\n");
  WriteFile(repo + "/src/main.cpp", "int main() { return 2; }\n");
  fs::remove(repo + "/docs/guide.txt");
  Git(repo, {"add", "-A"});
  Git(repo, {"commit", "-q", "-m", "other"});
  Git(repo, {"checkout", "-q", "main"});
  return repo;
}

class Sequence {
 public:
  Sequence(std::string repo, std::mt19937_64& random) : repo_(std::move(repo)), random_(random) {}

  // One random operation; returns what it did, for the log.
  std::string Step() {
    switch (Pick(12)) {
      case 0:
      case 1: {
        std::string path = RandomDirectory() + "f" + std::to_string(Pick(1000)) + Extension();
        WriteFile(repo_ + "/" + path, Text());
        return "create " + path;
      }
      case 2:
      case 3: {
        std::string path = RandomFile();
        if (path.empty()) {
          return "modify (no file)";
        }
        WriteFile(repo_ + "/" + path, Text());
        return "modify " + path;
      }
      case 4: {
        std::string path = RandomFile();
        if (path.empty()) {
          return "delete (no file)";
        }
        fs::remove(repo_ + "/" + path);
        return "delete " + path;
      }
      case 5: {
        std::string from = RandomFile();
        if (from.empty()) {
          return "rename (no file)";
        }
        std::string to = RandomDirectory() + "r" + std::to_string(Pick(1000)) + Extension();
        fs::create_directories(fs::path(repo_ + "/" + to).parent_path());
        fs::rename(repo_ + "/" + from, repo_ + "/" + to);
        return "rename " + from + " -> " + to;
      }
      case 6: {
        std::string path = "n" + std::to_string(Pick(100)) + "/d" + std::to_string(Pick(10)) +
                           "/e/new" + std::to_string(Pick(100)) + ".txt";
        WriteFile(repo_ + "/" + path, Text());
        return "mkdir+create " + path;
      }
      case 7: {
        std::string directory = RandomDirectory();
        if (directory.empty()) {
          return "rmdir (root skipped)";
        }
        directory.pop_back();
        if (Pick(2) == 0) {
          fs::remove_all(repo_ + "/" + directory);
          return "rmdir " + directory;
        }
        std::string to = "moved" + std::to_string(Pick(100));
        if (fs::exists(repo_ + "/" + to)) {
          return "move dir (target exists)";
        }
        fs::rename(repo_ + "/" + directory, repo_ + "/" + to);
        return "move dir " + directory + " -> " + to;
      }
      case 8: {
        if (Pick(2) == 0) {
          std::string branch = Pick(2) == 0 ? "main" : "other";
          int code = RunCommand({"git", "checkout", "-q", "-f", branch}, repo_).exit_code;
          return "checkout -f " + branch + " (exit " + std::to_string(code) + ")";
        }
        std::string path = RandomFile();
        int code =
            RunCommand({"git", "checkout", "-q", "--", path.empty() ? "." : path}, repo_).exit_code;
        return "checkout -- " + path + " (exit " + std::to_string(code) + ")";
      }
      case 9: {
        std::string path = Pick(3) == 0 ? std::string() : RandomFile();
        if (path.empty()) {
          RunCommand({"git", "-c", "advice.addIgnoredFile=false", "add", "-A"}, repo_);
          return "add -A";
        }
        int code =
            RunCommand({"git", "-c", "advice.addIgnoredFile=false", "add", "--", path}, repo_)
                .exit_code;
        return "add " + path + " (exit " + std::to_string(code) + ")";
      }
      case 10: {
        std::vector<std::string> commit = {
            "git",    "-c", "user.name=T", "-c", "user.email=t@example.com",
            "commit", "-q", "-m",          "c"};
        bool all = Pick(2) == 0;
        if (all) {
          commit.push_back("-a");
        }
        int code = RunCommand(commit, repo_).exit_code;
        return std::string(all ? "commit -a" : "commit") + " (exit " + std::to_string(code) + ")";
      }
      default: {
        if (Pick(4) == 0) {
          std::string pattern = "*.tmp" + std::to_string(Pick(3));
          std::string gitignore = ReadFile(repo_ + "/.gitignore");
          WriteFile(repo_ + "/.gitignore", gitignore + pattern + "\n");
          return "ignore " + pattern;
        }
        std::string path = Pick(2) == 0 ? RandomDirectory() + "x" + std::to_string(Pick(9)) + ".log"
                                        : "build/out" + std::to_string(Pick(9)) + ".o";
        WriteFile(repo_ + "/" + path, Text());
        return "create ignored " + path;
      }
    }
  }

 private:
  std::size_t Pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_);
  }

  std::string Extension() {
    static const char* kExtensions[] = {".txt", ".cpp", ".py", ".go", ".tmp1"};
    return kExtensions[Pick(5)];
  }

  std::string Text() {
    std::string text;
    for (std::size_t lines = Pick(4) + 1; lines > 0; --lines) {
      text += "line " + std::to_string(Pick(1000)) + " // note\n";
    }
    return text;
  }

  // Files and directories of the working tree outside .git (ignored ones too).
  std::vector<std::string> Entries(bool directories) {
    std::vector<std::string> found;
    for (auto at = fs::recursive_directory_iterator(repo_);
         at != fs::recursive_directory_iterator(); ++at) {
      std::string path = fs::relative(at->path(), repo_).string();
      if (path == ".git") {
        at.disable_recursion_pending();
        continue;
      }
      if (at->is_directory() == directories && path != ".gitignore") {
        found.push_back(path);
      }
    }
    std::sort(found.begin(), found.end());
    return found;
  }

  std::string RandomFile() {
    std::vector<std::string> files = Entries(false);
    return files.empty() ? std::string() : files[Pick(files.size())];
  }

  // "" (the root) or "dir/".
  std::string RandomDirectory() {
    std::vector<std::string> directories = Entries(true);
    std::size_t choice = Pick(directories.size() + 1);
    return choice == directories.size() ? std::string() : directories[choice] + "/";
  }

  std::string repo_;
  std::mt19937_64& random_;
};

TEST(LiveOverlayRandomTest, EqualsGitStatusAfterEveryOperation) {
  std::uint64_t sequences = EnvNumber("OXD_OVERLAY_SEQUENCES", 200);
  std::uint64_t seed = EnvNumber("OXD_OVERLAY_SEED", std::random_device{}());
  std::mt19937_64 random(seed);
  TempDir dir;
  std::string template_repo = BuildTemplate(dir.path());
  auto start = std::chrono::steady_clock::now();
  std::size_t operations = 0;
  std::uint64_t refreshes = 0;  // settled batches
  std::uint64_t rescans = 0;    // the full ones among them
  for (std::uint64_t sequence = 0; sequence < sequences; ++sequence) {
    std::string repo = dir.path() + "/seq" + std::to_string(sequence);
    ASSERT_EQ(RunCommand({"cp", "-a", template_repo, repo}, dir.path()).exit_code, 0);
    LiveOverlay overlay(repo, milliseconds(10), nullptr);
    overlay.Start();
    std::vector<std::string> log;
    Sequence steps(repo, random);
    for (std::size_t count = 3 + random() % 6; count > 0; --count) {
      log.push_back(steps.Step());
      ++operations;
      std::string difference = WaitForOverlay(overlay, repo, GitStatus(repo));
      if (!difference.empty()) {
        std::string ops;
        for (const std::string& line : log) {
          ops += "  " + line + "\n";
        }
        FAIL() << "seed " << seed << ", sequence " << sequence << " after:\n"
               << ops << difference << "status: " << overlay.Status().degraded_reason << " "
               << overlay.Status().last_error;
      }
    }
    OverlayStatus status = overlay.Status();
    refreshes += status.refreshes;
    rescans += status.rescans - 1;  // not the initial one
    overlay.Stop();
    fs::remove_all(repo);
  }
  auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
  std::printf(
      "%llu sequences, %zu operations, %llu settled batches (%llu full rescans), seed "
      "%llu: %lld ms\n",
      static_cast<unsigned long long>(sequences), operations,
      static_cast<unsigned long long>(refreshes), static_cast<unsigned long long>(rescans),
      static_cast<unsigned long long>(seed), static_cast<long long>(took.count()));
}

}  // namespace
}  // namespace oxd::codedb::test
