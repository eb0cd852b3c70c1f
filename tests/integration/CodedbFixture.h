#pragma once
// What the codedb integration tests share: the real oxd with the real plugins, the project
// directory made a git repository by the test (the git CLI builds scenes and checks results),
// and helpers over code_search / code_status. Built on SyncFixture for its remotes (the ledger,
// a remote indexed by URL) and git environment.

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "SyncFixture.h"

namespace oxd::testing {

class CodedbFixture : public SyncFixture {
 protected:
  // Makes the project a repository with `files` committed on main ("seed").
  void InitProject(const std::map<std::string, std::string>& files) {
    git::testing::Sh(projectDir(),
                     "git init -q -b main && git config user.name Me && "
                     "git config user.email me@example.com");
    // The project file is the daemon's, not the code's: keep it out of git status.
    git::testing::WriteFile(projectDir() / ".git/info/exclude", ".oxd/\n");
    CommitProject(files, "seed");
  }
  void WriteProject(const std::string& path, const std::string& content) {
    git::testing::WriteFile(projectDir() / path, content);
  }
  void CommitProject(const std::map<std::string, std::string>& files, const std::string& message) {
    for (const auto& [path, content] : files) WriteProject(path, content);
    git::testing::Sh(projectDir(),
                     "git add -A && git commit -q -m " + git::testing::ShellQuote(message));
  }
  std::string Git(const std::string& command) {
    return git::testing::Sh(projectDir(), "git " + command);
  }

  // whisper off (its own tests cover it), a short settle so overlay tests wait little.
  void StartCodedb(std::vector<std::string> defines = {}, bool with_whisper = false) {
    std::vector<std::string> args{"--define", "codedb.settle=20ms"};
    if (!with_whisper) {
      args.push_back("--define");
      args.push_back("whisper.enabled=false");
    }
    for (const std::string& define : defines) {
      args.push_back("--define");
      args.push_back(define);
    }
    ASSERT_NO_FATAL_FAILURE(StartSync(args));
  }

  json CodeStatus() { return request("code_status").value("data", json::object()); }
  // Waits until the project's index holds `commits` commits and no run is active.
  bool WaitIndexed(std::uint64_t commits) {
    return WaitFor([&] {
      json status = CodeStatus();
      return status.value("commits", 0u) == commits && !status.value("indexing_now", true);
    });
  }

  json SearchReply(json payload) { return request("code_search", payload); }
  json Search(json payload) {
    json reply = SearchReply(payload);
    EXPECT_TRUE(reply.value("success", false)) << payload.dump() << " → " << reply.dump();
    return reply.value("data", json::object());
  }
  json Results(json payload) { return Search(payload).value("results", json::array()); }
  std::set<std::string> Paths(json payload) {
    std::set<std::string> paths;
    for (const json& hit : Results(payload)) paths.insert(hit.value("path", ""));
    return paths;
  }
  // What `git grep -l -F -I` finds in the committed files (the tests' working trees are clean
  // when they compare).
  std::set<std::string> GitGrepPaths(const std::string& text) {
    std::string out = Git("grep -l -F -I -e " + git::testing::ShellQuote(text) + " || true");
    std::set<std::string> paths;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) paths.insert(line);
    }
    return paths;
  }
  std::string ErrorOf(json payload) {
    json reply = SearchReply(payload);
    EXPECT_FALSE(reply.value("success", true)) << payload.dump() << " → " << reply.dump();
    return reply.value("error", "");
  }
};

}  // namespace oxd::testing
