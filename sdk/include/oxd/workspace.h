#pragma once
// What a plugin knows of the project it serves. Built once by the host at startup from the
// project root and `.oxd/project.json`; immutable afterwards, so it may be read from any thread
// without locking. Every path is absolute.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace oxd::sdk {

struct TeamContext {
  std::string id;    // e.g. "team_42"
  std::string name;  // display name; may be empty
  std::string slug;
  std::string url;                        // clone URL; may be empty when only the id is known
  std::filesystem::path path;             // default <data>/teams/<sanitized id>
  std::chrono::milliseconds interval{0};  // least time between background pulls; 0: the default
  int gc_interval_days = 0;               // days between GC reclones; 0: the default
};

struct Workspace {
  std::filesystem::path project_root;  // real path of the project
  std::string workspace_id;            // 8 hex chars: SHA-256 of repo_id, else of the real path
  std::string repo_id;                 // from project.json; may be empty
  std::filesystem::path data_dir;      // $XDG_DATA_HOME/oxd: shared by every workspace
  std::filesystem::path workspace_data_dir;  // <data_dir>/workspaces/<workspace id>: this one's
  std::filesystem::path cache_dir;           // $XDG_CACHE_HOME/oxd/<workspace id>
  std::filesystem::path config_dir;          // $XDG_CONFIG_HOME/oxd
  std::filesystem::path state_dir;           // $XDG_STATE_HOME/oxd: logs, restart history
  std::filesystem::path runtime_dir;         // $XDG_RUNTIME_DIR/oxd: sockets, pid files, registry
  std::string ledger_url;                    // may be empty: no ledger configured
  std::filesystem::path ledger_path;         // default <data_dir>/ledgers/<workspace id>
  std::vector<TeamContext> team_contexts;
  std::string github_owner;
  std::string github_repo;
};

}  // namespace oxd::sdk
