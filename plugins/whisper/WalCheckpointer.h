// Folds a store's WAL into its database off the request path. SQLite's auto-checkpoint runs
// inside the commit that crosses 1,000 WAL pages, so that one request pays for a checkpoint
// (page writes and an fsync of the database: milliseconds, the p99 of appends and deliveries).
// The store replaces it with a WAL hook that only wakes this thread, which checkpoints PASSIVE
// on a connection of its own: it never waits for, nor blocks, the store's reader or writer.
// The thread sleeps on a condition variable between checkpoints: an idle store costs nothing.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

struct sqlite3;

namespace oxd::whisper {

class WalCheckpointer {
 public:
  static constexpr int kThresholdPages = 1000;  // SQLite's own auto-checkpoint default
  // Under a sustained burst of commits a PASSIVE checkpoint never catches up and the WAL never
  // starts over: past this size the committing request checkpoints itself, as SQLite would.
  static constexpr int kHardLimitPages = 4 * kThresholdPages;

  explicit WalCheckpointer(std::filesystem::path database);
  ~WalCheckpointer();  // stops and joins the thread
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Installs itself as `connection`'s WAL hook (which turns SQLite's auto-checkpoint off).
  void Attach(sqlite3* connection);

 private:
  static int OnCommit(void* self, sqlite3* connection, const char* database, int wal_pages);
  void Loop();

  const std::filesystem::path database_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace oxd::whisper
