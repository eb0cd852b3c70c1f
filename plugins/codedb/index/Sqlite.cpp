#include "index/Sqlite.h"

#include <cstdio>

namespace oxd::codedb {
namespace {

[[noreturn]] void Fail(sqlite3* db, std::string_view what) {
  throw SqliteError(std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : "no memory"));
}

}  // namespace

Database::Database(const std::string& path, Mode mode) {
  sqlite3* raw = nullptr;
  int rc = SQLITE_OK;
  if (mode == Mode::kImmutable) {
    // A URI, so that "immutable" applies; the path's own '?' and '#' must not end it.
    std::string uri = "file:";
    for (char c : path) {
      if (c == '?' || c == '#' || c == '%') {
        char escaped[4];
        std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
        uri += escaped;
      } else {
        uri += c;
      }
    }
    uri += "?immutable=1";
    rc = sqlite3_open_v2(uri.c_str(), &raw,
                         SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
  } else {
    rc = sqlite3_open_v2(path.c_str(), &raw,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  }
  db_.reset(raw);
  if (rc != SQLITE_OK) {
    Fail(raw, "cannot open " + path);
  }
  sqlite3_busy_timeout(raw, 5000);
  sqlite3_extended_result_codes(raw, 1);
}

void Database::Exec(std::string_view sql) {
  char* message = nullptr;
  std::string text(sql);
  if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string error = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    throw SqliteError(error + " in: " + text.substr(0, 80));
  }
}

Statement::Statement(Database& db, std::string_view sql) : db_(db.handle()) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &raw, nullptr) != SQLITE_OK) {
    Fail(db_, "cannot prepare " + std::string(sql.substr(0, 80)));
  }
  stmt_.reset(raw);
}

Statement& Statement::Bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_.get(), index, value) != SQLITE_OK) {
    Fail(db_, "bind");
  }
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  // An empty view may hold a null pointer, which SQLite would bind as NULL, not as ''.
  const char* data = text.data() != nullptr ? text.data() : "";
  if (sqlite3_bind_text64(stmt_.get(), index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8) !=
      SQLITE_OK) {
    Fail(db_, "bind");
  }
  return *this;
}

Statement& Statement::BindBlob(int index, const void* data, std::size_t size) {
  if (sqlite3_bind_blob64(stmt_.get(), index, data, size, SQLITE_TRANSIENT) != SQLITE_OK) {
    Fail(db_, "bind");
  }
  return *this;
}

Statement& Statement::BindNull(int index) {
  if (sqlite3_bind_null(stmt_.get(), index) != SQLITE_OK) {
    Fail(db_, "bind");
  }
  return *this;
}

bool Statement::Step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  Fail(db_, "step");
}

void Statement::Run() {
  while (Step()) {
  }
  Reset();
}

void Statement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::string_view Statement::Text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), column));
  return data == nullptr ? std::string_view()
                         : std::string_view(data, sqlite3_column_bytes(stmt_.get(), column));
}

std::string_view Statement::Blob(int column) const {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_.get(), column));
  return data == nullptr ? std::string_view()
                         : std::string_view(data, sqlite3_column_bytes(stmt_.get(), column));
}

Transaction::Transaction(Database& db) : db_(db) { db_.Exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (open_) {
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::Commit() {
  db_.Exec("COMMIT");
  open_ = false;
}

}  // namespace oxd::codedb
