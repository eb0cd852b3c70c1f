// What the plugin's parts share while it runs: the host services they use, the settings, the
// indexes (project, ledger, remotes), the overlay, the run serializer and the background indexer.
// Built in CodedbPlugin::start(), destroyed after stop(); every member is thread-safe on its own.
#pragma once

#include <oxd/disk_issue.h>
#include <oxd/host.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "BackgroundIndexer.h"
#include "CodedbSettings.h"
#include "IndexRuns.h"
#include "IndexStore.h"
#include "overlay/LiveOverlay.h"

namespace oxd::codedb {

class Runtime {
 public:
  Runtime(sdk::Reporting reporting_to, sdk::Caller& calls_to, sdk::Publisher& bus_to,
          sdk::KeepAlive& keep_alive_ref, sdk::Metrics& metrics_ref,
          const sdk::Workspace& workspace_ref, CodedbSettings settings);

  sdk::Reporting reporting;
  sdk::Caller& calls;  // the sync plugin's checkout, for code_index {url}
  sdk::Publisher& bus;
  sdk::KeepAlive& keep_alive;
  sdk::Metrics& metrics;
  const sdk::Workspace& workspace;
  const CodedbSettings settings;
  const std::filesystem::path data_dir;  // <workspace data>/codedb
  std::unique_ptr<IndexStore> project;   // null when the project is not a git repository
  std::unique_ptr<IndexStore> ledger;    // null when the workspace has no ledger
  std::unique_ptr<LiveOverlay> overlay;  // null when off, or no project index
  IndexRuns runs;
  std::unique_ptr<BackgroundIndexer> background;
  sdk::DiskIssues disk;  // disk_full / read_only of the index files

  // The index of a remote repository (code_index {url}); created on first use. Its clone
  // lives in <data>/remotes/<hash of url>/repo, beside its index.
  IndexStore& Remote(const std::string& url);
  // Remotes indexed so far (by this daemon or an earlier one: their `url` files are read).
  std::vector<IndexStore*> Remotes();
  // The store a code_search `repo` names: "" or "project", "ledger", or an indexed URL.
  IndexStore* Find(const std::string& repo);

  // A run with its consequences: codedb.indexed, the index_failed issue set or cleared, a log
  // line. `wait`: background runs queue behind the active one; code_index does not wait
  // (nullopt: another run is active).
  std::optional<IndexReport> Index(IndexStore& store, IndexOptions options, bool wait);

  // "project", "ledger" or "remote": the `index` label of the plugin's metrics.
  std::string IndexKind(const IndexStore& store) const;

 private:
  void Report(const IndexStore& store, const IndexOptions& options, const IndexReport& report);

  std::mutex remotes_mutex_;
  std::map<std::string, std::unique_ptr<IndexStore>> remotes_;
};

// <data>/remotes/<16 hex digits of a stable hash of the URL>.
std::filesystem::path RemoteDir(const std::filesystem::path& data_dir, const std::string& url);

}  // namespace oxd::codedb
