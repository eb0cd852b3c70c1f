// A statement prepared once for the life of its connection, for the request paths that run on
// every agent poll (Deliver) and every acknowledged write (Append). Poco::Data prepares, binds
// through its own layers and finalizes each statement it runs; a delivery runs ten, and that
// overhead was most of the poll's time. Errors are thrown as Poco's SQLite exceptions, as
// Poco::Data would, so callers treat both paths alike (corruption included).
//
// Not thread-safe: used under the owning store's mutex, like the connection itself.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace oxd::whisper {

class CachedStatement {
 public:
  CachedStatement(sqlite3* connection, std::string_view sql);
  ~CachedStatement();  // finalizes: every one must be gone before the connection closes
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;

  // One execution: bind in placeholder order, Step() through the rows, read columns. The
  // destructor resets the statement (releasing its read snapshot) whatever happened.
  class Run {
   public:
    explicit Run(CachedStatement& statement) : statement_(statement) {}
    ~Run();
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    Run& Bind(std::int64_t value);
    Run& Bind(const std::string& value);  // must outlive the run (bound without a copy)
    bool Step();                          // true: a row is ready; throws on errors
    void StepToEnd();                     // runs a statement whose rows nobody reads
    std::int64_t Int64(int column) const;
    std::string Text(int column) const;

   private:
    CachedStatement& statement_;
    int next_parameter_ = 1;
  };

  // Runs a statement without parameters or rows (BEGIN, COMMIT, PRAGMA …).
  void Execute();

 private:
  [[noreturn]] void Throw(int code) const;

  sqlite3* connection_;
  sqlite3_stmt* statement_ = nullptr;
};

}  // namespace oxd::whisper
