#pragma once
// A temporary directory removed at the end of a test, and the few shell steps plugin tests need
// to build real repositories with the git CLI. Header-only; for tests.

#include <oxd/workspace.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace oxd::testing {

class Scratch {
 public:
  Scratch() {
    std::string pattern = (std::filesystem::temp_directory_path() / "oxd-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
  }
  ~Scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path operator/(const std::string& relative) const { return root_ / relative; }

 private:
  std::filesystem::path root_;
};

// The directories a daemon would give a plugin, all inside `scratch` (project/ is created; the
// ledger path is set but not created: a test clones or leaves it absent).
inline sdk::Workspace WorkspaceIn(const Scratch& scratch) {
  sdk::Workspace workspace;
  workspace.project_root = scratch / "project";
  std::filesystem::create_directories(workspace.project_root);
  workspace.workspace_id = "abcd1234";
  workspace.data_dir = scratch / "data";
  workspace.workspace_data_dir = scratch / "data/workspaces/abcd1234";
  workspace.cache_dir = scratch / "cache/abcd1234";  // as $XDG_CACHE_HOME/oxd/<workspace id>
  workspace.config_dir = scratch / "config";
  workspace.state_dir = scratch / "state";
  workspace.runtime_dir = scratch / "run";
  workspace.ledger_path = scratch / "data/ledgers/abcd1234";
  return workspace;
}

// Runs `command` with sh; its output, or throws when it fails.
inline std::string Shell(const std::string& command) {
  std::string full = "(" + command + ") 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed: " + command);
  std::string output;
  char buffer[4096];
  while (std::size_t read = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, read);
  int status = pclose(pipe);
  if (status != 0) throw std::runtime_error("`" + command + "` failed:\n" + output);
  return output;
}

inline std::string Quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

inline void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A repository at `dir` with one commit holding `file` = `text`.
inline void GitRepoWithCommit(const std::filesystem::path& dir, const std::string& file,
                              const std::string& text) {
  WriteFile(dir / file, text);
  Shell("cd " + Quoted(dir) +
        " && git init -q -b main . && git add -A && git -c user.name=t -c user.email=t@t "
        "commit -q -m seed");
}

// A bare repository at `bare` whose main branch has one commit holding `file` = `text`.
inline void BareRepoWithCommit(const std::filesystem::path& bare, const std::string& file,
                               const std::string& text) {
  std::filesystem::path work = bare.string() + ".work";
  GitRepoWithCommit(work, file, text);
  Shell("git clone -q --bare " + Quoted(work) + " " + Quoted(bare));
  std::filesystem::remove_all(work);
}

}  // namespace oxd::testing
