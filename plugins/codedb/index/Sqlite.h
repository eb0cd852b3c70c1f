// Thin owning wrappers over the sqlite3 C API: a connection and a prepared statement. Failures
// throw SqliteError (a database that cannot be read or written is exceptional here; the public
// index and search functions catch it and report it as a value).
//
// Threading: a Database and its Statements are used by one thread at a time (the connection is
// opened with SQLITE_OPEN_NOMUTEX).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace oxd::codedb {

class SqliteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Database {
 public:
  enum class Mode {
    kReadWrite,  // creating the file if needed
    // An existing file on a medium nothing writes to (read-only): read as it is, without locks,
    // -shm or WAL (what a WAL holds that was never checkpointed is not seen).
    kImmutable,
  };
  // Opens the file at `path`, with a 5 s busy timeout.
  explicit Database(const std::string& path, Mode mode = Mode::kReadWrite);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  sqlite3* handle() const { return db_.get(); }

  // Runs one or more statements without results.
  void Exec(std::string_view sql);
  std::int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_.get()); }

 private:
  struct Close {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Close> db_;
};

class Statement {
 public:
  Statement(Database& db, std::string_view sql);
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binding returns *this so calls chain; indexes are 1-based as in SQLite.
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, std::string_view text);
  Statement& BindBlob(int index, const void* data, std::size_t size);
  Statement& BindNull(int index);

  // Steps once: true while a row is available, false when done.
  bool Step();
  // Steps to completion of a statement that returns no rows, then resets it for reuse.
  void Run();
  // Clears bindings and rewinds, ready for the next Bind/Step.
  void Reset();

  std::int64_t Int(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
  bool IsNull(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }
  // Views memory owned by the statement: valid until the next Step, Reset or destruction.
  std::string_view Text(int column) const;
  std::string_view Blob(int column) const;

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless Commit() ran, so an exception
// or an early return never leaves a half-written batch visible.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  Database& db_;
  bool open_ = true;
};

}  // namespace oxd::codedb
