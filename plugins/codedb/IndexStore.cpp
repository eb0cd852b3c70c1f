#include "IndexStore.h"

#include <chrono>
#include <system_error>

namespace oxd::codedb {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSqliteSuffixes[] = {"", "-wal", "-shm"};
// Enough for every worker of the host's pool to search at once; more would only hold memory.
constexpr std::size_t kMaxPooledConnections = 8;

}  // namespace

IndexStore::IndexStore(IndexTarget target) : target_(std::move(target)) {
  // A rebuild a crash interrupted is worth nothing: the live file beside it is whole.
  std::error_code ignored;
  for (const char* suffix : kSqliteSuffixes) fs::remove(RebuildPath().string() + suffix, ignored);
}

fs::path IndexStore::RebuildPath() const { return target_.index.string() + ".rebuild"; }

IndexReport IndexStore::Update(IndexOptions options) {
  auto started = std::chrono::steady_clock::now();
  std::error_code error;
  fs::create_directories(target_.index.parent_path(), error);
  IndexReport report;
  if (error) {
    report.error = "cannot create " + target_.index.parent_path().string() + ": " + error.message();
  } else if (options.full) {
    report = IndexHistory(target_.repo.string(), RebuildPath().string(), options);
    if (report.ok) SwapIn(RebuildPath());
  } else {
    report = IndexHistory(target_.repo.string(), target_.index.string(), options);
  }
  // Counted once per run, here on the indexing thread, so that status never counts rows.
  IndexFigures figures = ReadFigures();
  auto took = std::chrono::steady_clock::now() - started;
  figures.last_run_ms = std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
  if (!report.ok && !report.cancelled) figures.last_error = report.error;
  std::lock_guard lock(figures_mutex_);
  if (report.ok) fingerprint_ = report.fingerprint;
  figures_ = figures;
  return report;
}

void IndexStore::SwapIn(const fs::path& rebuilt) {
  std::unique_lock swap(swap_mutex_);
  {
    std::lock_guard pool(pool_mutex_);
    pool_.clear();
  }
  // The old file's WAL must go with it: SQLite would read a stale -wal as the new file's.
  std::error_code ignored;
  for (const char* suffix : kSqliteSuffixes) {
    fs::remove(target_.index.string() + suffix, ignored);
  }
  for (const char* suffix : kSqliteSuffixes) {
    fs::path from = rebuilt.string() + suffix;
    if (fs::exists(from, ignored)) fs::rename(from, target_.index.string() + suffix, ignored);
  }
}

IndexFigures IndexStore::ReadFigures() const {
  IndexFigures figures;
  std::error_code ignored;
  figures.exists = fs::exists(target_.index, ignored);
  if (!figures.exists) return figures;
  auto connection = SearchIndex::Open(target_.index.string(), figures.last_error);
  if (!connection) return figures;
  try {
    figures.stats = connection->ReadStats();
  } catch (const std::exception& failure) {
    figures.last_error = failure.what();
  }
  return figures;
}

IndexFigures IndexStore::Figures() {
  {
    std::lock_guard lock(figures_mutex_);
    if (figures_) return *figures_;
  }
  IndexFigures cold = ReadFigures();  // a cold start: nothing indexed by this daemon yet
  std::lock_guard lock(figures_mutex_);
  if (!figures_) figures_ = cold;
  return *figures_;
}

std::optional<IndexFigures> IndexStore::CachedFigures() const {
  std::lock_guard lock(figures_mutex_);
  return figures_;
}

std::string IndexStore::Fingerprint() const {
  std::lock_guard lock(figures_mutex_);
  return fingerprint_;
}

SearchResult IndexStore::Search(const SearchQuery& query) {
  std::shared_lock swap(swap_mutex_);
  std::unique_ptr<SearchIndex> connection;
  {
    std::lock_guard pool(pool_mutex_);
    if (!pool_.empty()) {
      connection = std::move(pool_.back());
      pool_.pop_back();
    }
  }
  if (!connection) {
    std::error_code ignored;
    if (!fs::exists(target_.index, ignored)) {
      SearchResult none;
      none.error = "no index of " + target_.name + " yet (code_index builds it)";
      return none;
    }
    std::string error;
    connection = SearchIndex::Open(target_.index.string(), error);
    if (!connection) {
      SearchResult failed;
      failed.error = error;
      return failed;
    }
  }
  SearchResult result = connection->Search(query);
  if (connection->immutable()) return result;
  std::lock_guard pool(pool_mutex_);
  if (pool_.size() < kMaxPooledConnections) pool_.push_back(std::move(connection));
  return result;
}

}  // namespace oxd::codedb
