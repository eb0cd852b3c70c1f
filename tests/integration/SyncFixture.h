#pragma once
// What the oxctl-sync and auth tests share: the real oxd with the real sync plugin, bare remotes
// built with the git CLI in the fixture's temp dir (each with a teammate's clone that pushes),
// and polling helpers. The git CLI only builds scenes and checks results.

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "DaemonFixture.h"
#include "GitScene.h"

namespace oxd::testing {

class SyncFixture : public CleanExitFixture {
 protected:
  using json = nlohmann::json;

  void SetUp() override {
    CleanExitFixture::SetUp();
    for (const char* name : {"GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"}) setenv(name, "Mate", 1);
    for (const char* name : {"GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"}) {
      setenv(name, "mate@example.com", 1);
    }
    setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    setenv("GIT_TERMINAL_PROMPT", "0", 1);  // a teammate's push must never wait for a password
    remotes_ = tempDir() / "remotes";
    std::filesystem::create_directories(remotes_);
  }
  void TearDown() override {
    CleanExitFixture::TearDown();
    for (const char* name : {"GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME", "GIT_AUTHOR_EMAIL",
                             "GIT_COMMITTER_EMAIL", "GIT_CONFIG_NOSYSTEM", "GIT_TERMINAL_PROMPT"}) {
      unsetenv(name);
    }
  }

  // A bare remote <remotes>/<name>.git with one commit (README.md) and a teammate's clone of it
  // at <remotes>/<name>-mate. Returns its file:// URL.
  std::string MakeRemote(const std::string& name) {
    using git::testing::ShellQuote;
    git::testing::Sh(remotes_, "git init -q --bare -b main " + name + ".git");
    git::testing::Sh(remotes_, "git clone -q " + ShellQuote((remotes_ / (name + ".git")).string()) +
                                   " " + name + "-mate 2>&1");
    git::testing::WriteFile(Mate(name) / "README.md", name + "\n");
    git::testing::Sh(Mate(name), "git add -A && git commit -q -m seed && git push -q origin main");
    return "file://" + (remotes_ / (name + ".git")).string();
  }
  std::filesystem::path Mate(const std::string& name) const { return remotes_ / (name + "-mate"); }

  // The teammate commits `path` and pushes to the bare remote directly (never over HTTP).
  void Push(const std::string& name, const std::string& path, const std::string& content) {
    std::filesystem::path mate = Mate(name);
    git::testing::Sh(mate, "git pull -q --rebase origin main");
    git::testing::WriteFile(mate / path, content);
    git::testing::Sh(mate, "git add -A && git commit -q -m " +
                               git::testing::ShellQuote("teammate: " + path) +
                               " && git push -q origin main");
  }

  void StartSync(const std::vector<std::string>& extra_args = {},
                 const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> args{"--define", "sync.interval=1h", "--define",
                                  "sync.team_interval=1h"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    ASSERT_NO_FATAL_FAILURE(startDaemon({.args = args, .env = env, .plugin_dir = OXD_PLUGIN_DIR}));
  }

  json Status() { return request("status")["data"]; }
  // The ledger's `workspaces` entry; an empty object while there is none.
  json LedgerStatus() {
    json status = Status();
    if (!status.contains("workspaces") || status["workspaces"]["ledger"].empty()) {
      return json::object();
    }
    return status["workspaces"]["ledger"][0];
  }
  json IssuesOfType(const std::string& type) {
    json found = json::array();
    for (const json& issue : Status().value("issues", json::array())) {
      if (issue.value("type", "") == type) found.push_back(issue);
    }
    return found;
  }
  // Waits until the ledger checkout exists and the ledger task's first run (due at start) has
  // returned; its path, or "" (with a test failure). Before that run returns, a commit the test
  // makes in the checkout may be pushed by it (the daemon pushes local commits after a pull).
  std::filesystem::path WaitForLedger() {
    bool cloned = WaitFor([&] { return LedgerStatus().value("exists", false); });
    EXPECT_TRUE(cloned) << "the ledger was not cloned\n" << Status().dump(2) << daemonDiagnostics();
    bool ticked = WaitFor([&] { return SyncTaskRuns() >= 1; });
    EXPECT_TRUE(ticked) << "the ledger task never ran\n" << request("plugins").dump(2);
    return cloned ? std::filesystem::path(LedgerStatus().value("path", "")) : "";
  }
  // Runs of the sync plugin's periodic tasks that have returned.
  int SyncTaskRuns() {
    json plugins = request("plugins")["data"]["plugins"];
    for (const json& plugin : plugins) {
      if (plugin.value("name", "") == "sync") return plugin["counters"].value("task_runs", 0);
    }
    return 0;
  }

  std::filesystem::path remotes_;
};

}  // namespace oxd::testing
