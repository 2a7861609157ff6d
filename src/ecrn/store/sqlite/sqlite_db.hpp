// Private to store/sqlite: a thin RAII layer over one sqlite3 connection and
// its prepared statements. A Connection is not thread-safe; the store guards
// each with a mutex or hands it to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <sqlite3.h>

#include "ecrn/core/result.hpp"

namespace ecrn::store::sqlite {

// A prepared statement, reset and with bindings cleared on each Bind start.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Clears previous state; call before binding a new execution.
  Statement& Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return *this;
  }
  // Binds 1-based parameters. Text is copied only when `transient` is true.
  Statement& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& Bind(int i, std::string_view v) {
    // A default-constructed view has no data pointer, which SQLite would bind as NULL.
    sqlite3_bind_text(stmt_, i, v.data() ? v.data() : "", static_cast<int>(v.size()),
                      SQLITE_TRANSIENT);
    return *this;
  }
  // Binds a view that stays alive until the statement is stepped to completion.
  Statement& BindStatic(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  // As BindStatic, but an empty view binds NULL.
  Statement& BindStaticOrNull(int i, std::string_view v) {
    return v.empty() ? BindNull(i) : BindStatic(i, v);
  }
  // Binds bytes as a BLOB; the view must stay alive until the statement is
  // stepped to completion.
  Statement& BindBlobStatic(int i, std::string_view v) {
    sqlite3_bind_blob64(stmt_, i, v.data() ? v.data() : "", v.size(), SQLITE_STATIC);
    return *this;
  }
  Statement& BindNull(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  // Steps once: true if a row is available, false when done; an error otherwise.
  Result<bool> Step();
  // Steps to completion (for statements returning no rows).
  Result<void> Run();

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  // A BLOB column's bytes (NUL bytes included).
  std::string Blob(int col) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  std::string Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// One open database connection with a cache of prepared statements.
class Connection {
 public:
  // Opens `path` (creating it when `create`), applies the durability pragmas.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool create,
                                                  int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL text with no parameters (may hold several statements).
  Result<void> Exec(std::string_view sql);
  // The cached prepared statement for `sql`, reset and unbound. The reference
  // stays valid for the connection's lifetime.
  Result<Statement*> Prepare(const std::string& sql);
  // A one-off prepared statement (for SQL built at run time).
  Result<std::unique_ptr<Statement>> PrepareOnce(const std::string& sql);
  // As Prepare, for SQL built at run time from a request's filters: kept in a
  // second cache of at most kMaxRuntimeStatements texts, emptied when full
  // (a request's SQL repeats, e.g. every page of a TAXII collection walk;
  // preparing it was a sixth of a page's CPU). The pointer stays valid until
  // the next PrepareRuntime call on this connection.
  Result<Statement*> PrepareRuntime(const std::string& sql);
  static constexpr size_t kMaxRuntimeStatements = 64;

  int64_t LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  sqlite3* raw() { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> runtime_cache_;
};

// Maps a SQLite result code to an Error (constraint violations → kAlreadyExists
// or kInvalidArgument, busy → kUnavailable, others kInternal).
Error SqliteError(sqlite3* db, int rc, std::string_view what);

}  // namespace ecrn::store::sqlite
