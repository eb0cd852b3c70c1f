// code_status and status.code_db: CodeDBStats (docs/protocol.md#code_status), from the caches of
// the last runs (IndexStore::Figures) and the overlay's own counters; never waits on an active run.
#include <oxd/json.h>

#include <Poco/JSON/Array.h>

#include <filesystem>
#include <system_error>
#include <vector>

#include "Messages.h"

namespace oxd::codedb {

namespace {

Poco::JSON::Object::Ptr RepoJson(IndexStore& store, const IndexFigures& figures) {
  Poco::JSON::Object::Ptr repo = new Poco::JSON::Object(true);
  repo->set("name", store.target().name);
  repo->set("path", store.target().repo.string());
  repo->set("commits", static_cast<Poco::UInt64>(figures.stats.commits));
  repo->set("blobs", static_cast<Poco::UInt64>(figures.stats.blobs));
  repo->set("blobs_skipped", static_cast<Poco::UInt64>(figures.stats.blobs_skipped));
  repo->set("index_exists", figures.exists);
  if (figures.stats.indexed_at > 0) {
    repo->set("last_indexed",
              sdk::formatTime(sdk::Time{} + std::chrono::seconds(figures.stats.indexed_at)));
  }
  if (!figures.last_error.empty()) repo->set("last_error", figures.last_error);
  return repo;
}

Poco::JSON::Object::Ptr OverlayJson(const OverlayStatus& status) {
  Poco::JSON::Object::Ptr overlay = new Poco::JSON::Object(true);
  overlay->set("dirty_files", static_cast<Poco::UInt64>(status.dirty_files));
  overlay->set("watched_directories", static_cast<Poco::UInt64>(status.watched_directories));
  overlay->set("degraded", status.degraded);
  if (status.degraded) overlay->set("degraded_reason", status.degraded_reason);
  overlay->set("rescans", static_cast<Poco::UInt64>(status.rescans));
  overlay->set("overflows", static_cast<Poco::UInt64>(status.overflows));
  overlay->set("last_refresh_took_ns", static_cast<Poco::Int64>(status.last_refresh_took_ns));
  return overlay;
}

// The index file and its write-ahead log: a stat each.
double FileBytes(const std::filesystem::path& index) {
  std::uintmax_t bytes = 0;
  for (const std::filesystem::path& file :
       {index, std::filesystem::path(index.string() + "-wal")}) {
    std::error_code error;
    std::uintmax_t size = std::filesystem::file_size(file, error);
    if (!error) bytes += size;
  }
  return static_cast<double>(bytes);
}

// Bytes on disk of the indexes, by kind; refreshed whenever status or code_status is read.
void UpdateStoreBytes(Runtime& runtime, const std::vector<IndexStore*>& remotes) {
  auto gauge = [&](const char* index) -> sdk::Gauge& {
    return runtime.metrics.gauge("oxd_codedb_store_bytes",
                                 "Bytes on disk of the code indexes (as of status).",
                                 {{"index", index}});
  };
  if (runtime.project) gauge("project").set(FileBytes(runtime.project->target().index));
  if (runtime.ledger) gauge("ledger").set(FileBytes(runtime.ledger->target().index));
  double remote_bytes = 0;
  for (IndexStore* remote : remotes) remote_bytes += FileBytes(remote->target().index);
  gauge("remote").set(remote_bytes);
}

}  // namespace

Poco::JSON::Object::Ptr CodeDbStats(Runtime& runtime, bool cold_read) {
  auto figures = [cold_read](IndexStore* store) {
    if (!store) return IndexFigures{};
    if (cold_read) return store->Figures();
    std::optional<IndexFigures> cached = store->CachedFigures();
    if (cached) return *cached;
    IndexFigures unknown;
    std::error_code ignored;
    unknown.exists = std::filesystem::exists(store->target().index, ignored);
    return unknown;
  };
  Poco::JSON::Object::Ptr stats = new Poco::JSON::Object(true);
  IndexFigures project = figures(runtime.project.get());
  IndexFigures ledger = figures(runtime.ledger.get());
  stats->set("commits", static_cast<Poco::UInt64>(project.stats.commits));
  stats->set("blobs", static_cast<Poco::UInt64>(project.stats.blobs));
  stats->set("symbols", static_cast<Poco::UInt64>(project.stats.symbols));
  stats->set("comments", static_cast<Poco::UInt64>(project.stats.comments));
  // Pull requests and issues the github plugin mirrored into the ledger, as of its last index.
  stats->set("prs", static_cast<Poco::UInt64>(ledger.stats.prs));
  stats->set("issues", static_cast<Poco::UInt64>(ledger.stats.issues));
  Poco::JSON::Array::Ptr repos = new Poco::JSON::Array;
  if (runtime.project) repos->add(RepoJson(*runtime.project, project));
  if (runtime.ledger) repos->add(RepoJson(*runtime.ledger, ledger));
  std::vector<IndexStore*> remotes = runtime.Remotes();
  for (IndexStore* remote : remotes) repos->add(RepoJson(*remote, figures(remote)));
  UpdateStoreBytes(runtime, remotes);
  stats->set("repos", repos);
  if (project.stats.indexed_at > 0) {
    stats->set("last_indexed",
               sdk::formatTime(sdk::Time{} + std::chrono::seconds(project.stats.indexed_at)));
  }
  std::optional<ActiveRun> active = runtime.runs.Active();
  stats->set("indexing_now",
             active && runtime.project && active->target == runtime.project->target().name);
  if (!project.last_error.empty()) stats->set("last_error", project.last_error);
  stats->set("data_dir", runtime.data_dir.string());
  stats->set("index_exists", project.exists);
  stats->set("ledger_exists", ledger.exists);
  stats->set("ledger_commits", static_cast<Poco::UInt64>(ledger.stats.commits));
  stats->set("ledger_indexing_now",
             active && runtime.ledger && active->target == runtime.ledger->target().name);
  if (active) {
    Poco::JSON::Object::Ptr run = new Poco::JSON::Object(true);
    run->set("repo", active->target);
    run->set("stage", active->stage);
    run->set("percent", active->percent);
    run->set("full", active->full);
    stats->set("active_run", run);
  }
  if (runtime.overlay) stats->set("overlay", OverlayJson(runtime.overlay->Status()));
  return stats;
}

}  // namespace oxd::codedb
