// The transaction guards of the whisper store (WhisperStore*.cpp only), over statements
// prepared once per connection. Both roll back or restore on destruction, so an exception never
// leaves a transaction open or the connection relaxed.
#pragma once

#include "CachedStatement.h"

namespace oxd::whisper {

struct TransactionStatements {
  explicit TransactionStatements(sqlite3* connection)
      : begin_immediate(connection, "BEGIN IMMEDIATE"),
        commit(connection, "COMMIT"),
        rollback(connection, "ROLLBACK"),
        synchronous_normal(connection, "PRAGMA synchronous = NORMAL"),
        synchronous_full(connection, "PRAGMA synchronous = FULL") {}
  CachedStatement begin_immediate, commit, rollback, synchronous_normal, synchronous_full;
};

// BEGIN IMMEDIATE takes the write lock up front: a read-then-write (a cursor advance) cannot be
// overtaken between its read and its write. Rolls back unless committed.
class ImmediateTransaction {
 public:
  explicit ImmediateTransaction(TransactionStatements& statements) : statements_(statements) {
    statements_.begin_immediate.Execute();
  }
  ~ImmediateTransaction() {
    if (open_) {
      try {
        statements_.rollback.Execute();
      } catch (...) {  // the connection is broken; the next use reports it
      }
    }
  }
  ImmediateTransaction(const ImmediateTransaction&) = delete;
  ImmediateTransaction& operator=(const ImmediateTransaction&) = delete;
  void Commit() {
    statements_.commit.Execute();
    open_ = false;
  }

 private:
  TransactionStatements& statements_;
  bool open_ = true;
};

// synchronous=NORMAL for one transaction, FULL again afterwards (it cannot change inside one).
class RelaxedSync {
 public:
  explicit RelaxedSync(TransactionStatements& statements) : statements_(statements) {
    statements_.synchronous_normal.Execute();
  }
  ~RelaxedSync() {
    try {
      statements_.synchronous_full.Execute();
    } catch (...) {  // the connection is broken; the next use reports it
    }
  }
  RelaxedSync(const RelaxedSync&) = delete;
  RelaxedSync& operator=(const RelaxedSync&) = delete;

 private:
  TransactionStatements& statements_;
};

}  // namespace oxd::whisper
