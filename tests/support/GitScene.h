// Builds real repositories with the git CLI for the git library's and the plugins' tests: a bare
// "remote", clones of it for "us" and for a "teammate", commits and pushes. Everything lives in
// a fresh temp directory removed at the end. The git CLI is used only here, never by the code
// under test.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace oxd::git::testing {

namespace fs = std::filesystem;

inline std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

// Runs `command` with sh in `cwd`; returns its stdout. Fails the test on a non-zero exit.
inline std::string Sh(const fs::path& cwd, const std::string& command) {
  std::string full = "cd " + ShellQuote(cwd.string()) + " && " + command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  std::string output;
  std::array<char, 4096> buffer{};
  size_t got = 0;
  while ((got = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    output.append(buffer.data(), got);
  }
  int status = pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "command failed: " << command << "\n"
      << output;
  return output;
}

inline void WriteFile(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

inline std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class GitScene : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/oxd-sync-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    // The CLI must not read the developer's config; the library reads the same HOME.
    setenv("HOME", root_.c_str(), 1);
    setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    setenv("GIT_AUTHOR_NAME", "Scene", 1);
    setenv("GIT_AUTHOR_EMAIL", "scene@example.com", 1);
    setenv("GIT_COMMITTER_NAME", "Scene", 1);
    setenv("GIT_COMMITTER_EMAIL", "scene@example.com", 1);
    remote_ = root_ / "remote.git";
    Sh(root_, "git init -q --bare -b main remote.git");
    Sh(root_, "git clone -q " + ShellQuote(remote_.string()) + " seed");
    WriteFile(root_ / "seed/README.md", "seed\n");
    WriteFile(root_ / "seed/data/shared.txt", "line 1\nline 2\nline 3\n");
    Sh(root_ / "seed", "git add -A && git commit -q -m seed && git push -q origin main");
  }

  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  std::string RemoteUrl() const { return "file://" + remote_.string(); }

  // A CLI clone of the remote at root/<name>.
  fs::path CloneWithCli(const std::string& name) {
    Sh(root_, "git clone -q " + ShellQuote(RemoteUrl()) + " " + name);
    return root_ / name;
  }

  // Commits `content` at `path` in `repo` (a checkout) and optionally pushes.
  std::string CommitFile(const fs::path& repo, const std::string& path, const std::string& content,
                         const std::string& message, bool push) {
    WriteFile(repo / path, content);
    Sh(repo, "git add -A " + ShellQuote(path) + " && git commit -q -m " + ShellQuote(message));
    if (push) {
      Sh(repo, "git push -q origin main");
    }
    return Head(repo);
  }

  std::string Head(const fs::path& repo) {
    std::string head = Sh(repo, "git rev-parse HEAD");
    return head.substr(0, head.find('\n'));
  }

  fs::path root_;
  fs::path remote_;
};

}  // namespace oxd::git::testing
