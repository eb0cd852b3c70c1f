#include "WalCheckpointer.h"

#include <sqlite3.h>

namespace oxd::whisper {

WalCheckpointer::WalCheckpointer(std::filesystem::path database)
    : database_(std::move(database)), thread_([this] { Loop(); }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void WalCheckpointer::Attach(sqlite3* connection) { sqlite3_wal_hook(connection, &OnCommit, this); }

// On the committing thread, after each commit: a flag and a notify, nothing more — unless the
// WAL has outgrown what the background thread keeps up with.
int WalCheckpointer::OnCommit(void* self, sqlite3* connection, const char* database,
                              int wal_pages) {
  if (wal_pages >= kHardLimitPages) {
    sqlite3_wal_checkpoint_v2(connection, database, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (wal_pages >= kThresholdPages) {
    auto* checkpointer = static_cast<WalCheckpointer*>(self);
    {
      std::lock_guard lock(checkpointer->mutex_);
      checkpointer->due_ = true;
    }
    checkpointer->wake_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::Loop() {
  sqlite3* connection = nullptr;
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return due_ || stopping_; });
    if (stopping_) break;
    due_ = false;
    lock.unlock();
    // A new connection learns that the file is in WAL mode only once it has read it: until
    // then a checkpoint does nothing ("not in WAL mode").
    if (!connection && (sqlite3_open_v2(database_.c_str(), &connection, SQLITE_OPEN_READWRITE,
                                        nullptr) != SQLITE_OK ||
                        sqlite3_exec(connection, "PRAGMA schema_version", nullptr, nullptr,
                                     nullptr) != SQLITE_OK)) {
      sqlite3_close(connection);  // a store being moved aside: the next commit asks again
      connection = nullptr;
    }
    if (connection) {
      // PASSIVE: copies what no reader still needs, takes no lock a request waits for; BUSY
      // (another checkpoint) or a failure leaves the WAL to the next round.
      sqlite3_wal_checkpoint_v2(connection, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    }
    lock.lock();
  }
  sqlite3_close(connection);
}

}  // namespace oxd::whisper
