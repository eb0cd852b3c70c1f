#include "CachedStatement.h"

#include <Poco/Data/SQLite/Utility.h>

#include <sqlite3.h>

#include <stdexcept>

namespace oxd::whisper {

CachedStatement::CachedStatement(sqlite3* connection, std::string_view sql)
    : connection_(connection) {
  int code = sqlite3_prepare_v3(connection, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &statement_, nullptr);
  if (code != SQLITE_OK) {
    Poco::Data::SQLite::Utility::throwException(connection, code, std::string(sql));
  }
}

CachedStatement::~CachedStatement() { sqlite3_finalize(statement_); }

void CachedStatement::Throw(int code) const {
  Poco::Data::SQLite::Utility::throwException(connection_, code, sqlite3_sql(statement_));
  throw std::logic_error("unreachable");  // throwException always throws
}

void CachedStatement::Execute() {
  Run run(*this);
  run.StepToEnd();
}

CachedStatement::Run::~Run() {
  sqlite3_reset(statement_.statement_);
  sqlite3_clear_bindings(statement_.statement_);
}

CachedStatement::Run& CachedStatement::Run::Bind(std::int64_t value) {
  int code = sqlite3_bind_int64(statement_.statement_, next_parameter_++, value);
  if (code != SQLITE_OK) statement_.Throw(code);
  return *this;
}

CachedStatement::Run& CachedStatement::Run::Bind(const std::string& value) {
  int code = sqlite3_bind_text(statement_.statement_, next_parameter_++, value.data(),
                               static_cast<int>(value.size()), SQLITE_STATIC);
  if (code != SQLITE_OK) statement_.Throw(code);
  return *this;
}

bool CachedStatement::Run::Step() {
  int code = sqlite3_step(statement_.statement_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  statement_.Throw(code);
}

void CachedStatement::Run::StepToEnd() {
  while (Step()) {
  }
}

std::int64_t CachedStatement::Run::Int64(int column) const {
  return sqlite3_column_int64(statement_.statement_, column);
}

std::string CachedStatement::Run::Text(int column) const {
  const auto* text =
      reinterpret_cast<const char*>(sqlite3_column_text(statement_.statement_, column));
  int bytes = sqlite3_column_bytes(statement_.statement_, column);
  return text == nullptr ? std::string() : std::string(text, static_cast<std::size_t>(bytes));
}

}  // namespace oxd::whisper
