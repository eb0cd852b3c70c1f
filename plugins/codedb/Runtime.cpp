#include "Runtime.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <sstream>
#include <system_error>

#include "RunReport.h"

namespace oxd::codedb {

namespace fs = std::filesystem;

namespace {

constexpr const char* kIndexFailed = "codedb_index_failed";

// FNV-1a: stable across builds and runs, unlike std::hash; a directory name, not a secret.
std::string StableHash(const std::string& text) {
  std::uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

IndexTarget RemoteTarget(const fs::path& data_dir, const std::string& url) {
  fs::path dir = RemoteDir(data_dir, url);
  return IndexTarget{url, dir / "repo", dir / "index.db"};
}

// SQLite's words for a file that is not (or no longer) a database it can read.
bool IsDamagedDatabase(const std::string& error) {
  return error.find("malformed") != std::string::npos ||
         error.find("not a database") != std::string::npos;
}

}  // namespace

fs::path RemoteDir(const fs::path& data_dir, const std::string& url) {
  return data_dir / "remotes" / StableHash(url);
}

Runtime::Runtime(sdk::Reporting reporting_to, sdk::Caller& calls_to, sdk::Publisher& bus_to,
                 sdk::KeepAlive& keep_alive_ref, sdk::Metrics& metrics_ref,
                 const sdk::Workspace& workspace_ref, CodedbSettings settings_value)
    : reporting(reporting_to),
      calls(calls_to),
      bus(bus_to),
      keep_alive(keep_alive_ref),
      metrics(metrics_ref),
      workspace(workspace_ref),
      settings(std::move(settings_value)),
      data_dir(workspace_ref.workspace_data_dir / "codedb"),
      disk(reporting_to.issues, "codedb") {}

IndexStore& Runtime::Remote(const std::string& url) {
  std::lock_guard lock(remotes_mutex_);
  auto& store = remotes_[url];
  if (!store) store = std::make_unique<IndexStore>(RemoteTarget(data_dir, url));
  return *store;
}

std::vector<IndexStore*> Runtime::Remotes() {
  std::error_code ignored;
  for (fs::directory_iterator entry(data_dir / "remotes", ignored), end; entry != end;
       entry.increment(ignored)) {
    std::ifstream file(entry->path() / "url");
    std::string url;
    if (std::getline(file, url) && !url.empty() && RemoteDir(data_dir, url) == entry->path()) {
      Remote(url);
    }
  }
  std::lock_guard lock(remotes_mutex_);
  std::vector<IndexStore*> stores;
  for (auto& [url, store] : remotes_) stores.push_back(store.get());
  return stores;
}

IndexStore* Runtime::Find(const std::string& repo) {
  if (repo.empty() || repo == "project") return project.get();
  if (repo == "ledger") return ledger.get();
  std::error_code ignored;
  if (!fs::exists(RemoteDir(data_dir, repo) / "index.db", ignored)) return nullptr;
  return &Remote(repo);
}

// The index a metric names: remotes are many URLs, so they share one label value.
std::string Runtime::IndexKind(const IndexStore& store) const {
  if (&store == project.get()) return "project";
  if (&store == ledger.get()) return "ledger";
  return "remote";
}

std::optional<IndexReport> Runtime::Index(IndexStore& store, IndexOptions options, bool wait) {
  options.skip = settings.skip;
  sdk::PendingWork hold = keep_alive.keepAlive("codedb index of " + store.target().name);
  auto started = std::chrono::steady_clock::now();
  std::optional<IndexReport> report =
      wait ? std::optional(runs.Run(store, options)) : runs.TryRun(store, options);
  // The index is derived from git: a damaged file costs a rebuild, never the user's attention.
  if (report && !report->ok && !report->cancelled && !options.full &&
      IsDamagedDatabase(report->error)) {
    reporting.log.warning("codedb: the index of %s is damaged (%s); rebuilding it",
                          store.target().name, report->error);
    options.full = true;
    report = wait ? std::optional(runs.Run(store, options)) : runs.TryRun(store, options);
  }
  if (report) {
    const char* outcome = report->ok ? "ok" : report->cancelled ? "cancelled" : "failed";
    metrics
        .counter("oxd_codedb_index_runs_total", "Index runs, by index and outcome.",
                 {{"index", IndexKind(store)}, {"outcome", outcome}})
        .increment();
    metrics
        .histogram("oxd_codedb_index_duration_seconds", "Duration of index runs, by index.",
                   sdk::durationBuckets(), {{"index", IndexKind(store)}})
        .observeSince(started);
    Report(store, options, *report);
  }
  return report;
}

void Runtime::Report(const IndexStore& store, const IndexOptions& options,
                     const IndexReport& report) {
  const std::string& name = store.target().name;
  // The issue names the index: "" is the project's, "ledger" the ledger's, else the URL.
  std::string issue_repo = &store == project.get() ? "" : name;
  if (report.ok || report.cancelled) {
    reporting.issues.clear(kIndexFailed, issue_repo);
    if (report.ok) disk.succeeded();
  } else {
    // SQLite often says only "unable to open database file" where it cannot create the WAL's
    // files: the index dir itself tells a read-only or full disk apart.
    sdk::DiskProblem problem = sdk::diskProblemOf(report.error);
    std::string index_dir = store.target().index.parent_path().string();
    if (problem == sdk::DiskProblem::None && ::access(index_dir.c_str(), W_OK) != 0) {
      problem = sdk::diskProblemOf(errno);
    }
    disk.failed(problem, "the code index of " + name, report.error);
    reporting.log.warning("codedb: indexing %s failed: %s", name, report.error);
    reporting.issues.set(sdk::Issue{kIndexFailed, sdk::Severity::Warning, issue_repo,
                                    "code index of " + name + " failed: " + report.error});
  }
  // A run that found nothing new is not news (it happens every check interval).
  if (report.ok && report.counters.commits == 0 && !options.full) return;
  sdk::CodedbIndexedEvent event = RunReport(name, options.full, report);
  std::ostringstream text;
  event.toObject()->stringify(text);
  reporting.log.information("event codedb.indexed %s", text.str());
  sdk::publish(bus, event);
}

}  // namespace oxd::codedb
