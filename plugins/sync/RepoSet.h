// The repositories the plugin keeps in sync: the ledger and every team context of the project
// file, each with its runtime state (last sync, last error, syncing, backoffs), plus team
// contexts learnt later from heartbeats (TeamDiscovery.h). Repos are only ever added (or given
// the URL they lacked), never removed; readers get copies, everything is under one mutex.
#pragma once

#include <oxd/workspace.h>

#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "Backoff.h"

namespace oxd::sync {

inline constexpr const char* kLedgerType = "ledger";
inline constexpr const char* kTeamContextType = "team-context";
// checkout only: a clone for another plugin (codedb), neither a ledger nor a team context.
inline constexpr const char* kMirrorType = "mirror";

struct Repo {
  std::string id;    // "ledger" or the team id: key of issues, backoff and history
  std::string type;  // kLedgerType or kTeamContextType
  std::string name;  // for messages: "ledger" or the team's display name (else its id)
  std::string team_slug;
  std::filesystem::path path;
  std::string url;  // clone URL; may be empty
  // From the project file, 0 = the [sync] default: least time between background pulls (the
  // team tick skips the repo until then), and days between GC reclones.
  std::chrono::milliseconds interval{0};
  int gc_interval_days = 0;

  bool is_ledger() const { return type == kLedgerType; }
};

struct RepoRuntime {
  bool exists = false;  // a .git is there (refreshed by every pull, clone and anti-entropy)
  bool syncing = false;
  bool cloning = false;
  Clock::time_point last_sync{};  // last successful pull or "remote unchanged" check
  std::string last_error;         // "" after a success
  Clock::time_point last_gc{};    // last GC, or the baseline a first due-check recorded
  Backoff pull_backoff;
  Backoff clone_backoff;
};

class RepoSet {
 public:
  // The ledger (when it has a URL or a checkout) and every team context of `workspace`.
  static std::vector<Repo> FromWorkspace(const sdk::Workspace& workspace);

  explicit RepoSet(std::vector<Repo> repos);

  std::vector<Repo> repos() const;
  std::optional<Repo> Find(const std::string& id) const;
  std::optional<Repo> FindByPath(const std::filesystem::path& path) const;
  std::vector<Repo> OfType(const std::string& type) const;

  // Adds `repo`, or gives a known repo without a URL the URL of `repo`. False when nothing
  // changed (already known, with a URL).
  bool AddOrComplete(const Repo& repo);

  RepoRuntime State(const std::string& id) const;
  // Runs `change` on the state of `id` under the lock (no-op for an unknown id).
  void Update(const std::string& id, const std::function<void(RepoRuntime&)>& change);

  // Marks `id` syncing; false when a pull of it is already running.
  bool TryBeginSync(const std::string& id);
  void EndSync(const std::string& id);
  // Marks `id` cloning; false when a clone of it is already in flight.
  bool TryBeginClone(const std::string& id);
  void EndClone(const std::string& id);

 private:
  struct Entry {
    Repo repo;
    RepoRuntime state;
  };
  Entry* FindLocked(const std::string& id);

  mutable std::mutex mutex_;
  std::vector<Entry> entries_;  // guarded by mutex_
};

// RAII for TryBeginSync/EndSync.
class SyncingMark {
 public:
  SyncingMark(RepoSet& repos, std::string id) : repos_(repos), id_(std::move(id)) {
    held_ = repos_.TryBeginSync(id_);
  }
  ~SyncingMark() {
    if (held_) repos_.EndSync(id_);
  }
  SyncingMark(const SyncingMark&) = delete;
  SyncingMark& operator=(const SyncingMark&) = delete;
  bool held() const { return held_; }

 private:
  RepoSet& repos_;
  std::string id_;
  bool held_ = false;
};

}  // namespace oxd::sync
