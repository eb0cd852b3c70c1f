// The transaction guards of the whisper store (WhisperStore*.cpp only). Both roll back or
// restore on destruction, so an exception never leaves a transaction open or the connection
// relaxed.
#pragma once

#include <Poco/Data/Session.h>

namespace oxd::whisper {

// BEGIN IMMEDIATE takes the write lock up front: a read-then-write (a cursor advance) cannot be
// overtaken between its read and its write. Rolls back unless committed.
class ImmediateTransaction {
 public:
  explicit ImmediateTransaction(Poco::Data::Session& session) : session_(session) {
    session_ << "BEGIN IMMEDIATE", Poco::Data::Keywords::now;
  }
  ~ImmediateTransaction() {
    if (open_) {
      try {
        session_ << "ROLLBACK", Poco::Data::Keywords::now;
      } catch (...) {  // the connection is broken; the next use reports it
      }
    }
  }
  void Commit() {
    session_ << "COMMIT", Poco::Data::Keywords::now;
    open_ = false;
  }

 private:
  Poco::Data::Session& session_;
  bool open_ = true;
};

// synchronous=NORMAL for one transaction, FULL again afterwards (it cannot change inside one).
class RelaxedSync {
 public:
  explicit RelaxedSync(Poco::Data::Session& session) : session_(session) {
    session_ << "PRAGMA synchronous = NORMAL", Poco::Data::Keywords::now;
  }
  ~RelaxedSync() {
    try {
      session_ << "PRAGMA synchronous = FULL", Poco::Data::Keywords::now;
    } catch (...) {  // the connection is broken; the next use reports it
    }
  }

 private:
  Poco::Data::Session& session_;
};

}  // namespace oxd::whisper
