#include "ecrn/store/sqlite/sqlite_db.hpp"

#include <mutex>

namespace ecrn::store::sqlite {

Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string detail = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return {ErrorCode::kAlreadyExists, "already exists", detail};
      }
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return {ErrorCode::kNotFound, "a referenced record does not exist", detail};
      }
      return {ErrorCode::kInvalidArgument, "a reference or constraint was violated", detail};
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return {ErrorCode::kUnavailable, "the database is busy; try again", detail};
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return {ErrorCode::kUnavailable, "the database cannot be written", detail};
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return {ErrorCode::kInternal, "the database file is damaged or not an ECRN database", detail};
    default:
      return {ErrorCode::kInternal, "database error", detail};
  }
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error e = SqliteError(db_, sqlite3_extended_errcode(db_), sqlite3_sql(stmt_));
  sqlite3_reset(stmt_);
  return e;
}

Result<void> Statement::Run() {
  for (;;) {
    ECRN_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) break;
  }
  sqlite3_reset(stmt_);
  return Ok();
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, bool create,
                                                     int busy_timeout_ms) {
  // No memory statistics: they take a global mutex on every allocation (about
  // 3 % of the instructions of a bulk insert, BENCHMARKS.md). Only possible
  // before SQLite initialises; if something else initialised it first, the
  // call fails harmlessly and the statistics stay on.
  static std::once_flag configured;
  std::call_once(configured, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error e{ErrorCode::kUnavailable, "cannot open database '" + path + "'",
            db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)};
    e.message += std::string(": ") + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return e;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  std::unique_ptr<Connection> conn(new Connection(db));
  // Durability: WAL with synchronous=FULL, so a committed transaction is on
  // disk before we acknowledge it.
  // Bulk ingest touches many random index pages; measured with bench/ingest
  // (BENCHMARKS.md), these settings make it about 40 % faster than SQLite's
  // defaults: 16 KiB pages (applies when the file is created), a large page
  // cache (allocated only as used), memory-mapped reads, and a WAL
  // checkpointed every 256 MiB (16,384 pages) and cut back to 64 MiB after.
  ECRN_TRY(
      conn->Exec("PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                 "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                 "PRAGMA cache_size=-262144; PRAGMA mmap_size=1073741824;"
                 "PRAGMA wal_autocheckpoint=16384; PRAGMA journal_size_limit=67108864;"));
  // journal_mode may silently stay "delete" (e.g. on some file systems): check.
  ECRN_ASSIGN_OR_RETURN(auto mode, conn->PrepareOnce("PRAGMA journal_mode"));
  ECRN_ASSIGN_OR_RETURN(bool row, mode->Step());
  if (!row || mode->Text(0) != "wal") {
    return Error{ErrorCode::kUnavailable, "cannot enable write-ahead logging on '" + path + "'",
                 row ? mode->Text(0) : ""};
  }
  return conn;
}

Connection::~Connection() {
  cache_.clear();
  runtime_cache_.clear();
  sqlite3_close(db_);
}

Result<void> Connection::Exec(std::string_view sql) {
  std::string s(sql);
  char* msg = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &msg);
  if (rc != SQLITE_OK) {
    std::string m = msg ? msg : "";
    sqlite3_free(msg);
    return SqliteError(db_, sqlite3_extended_errcode(db_), m);
  }
  return Ok();
}

Result<Statement*> Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return &it->second->Reset();
  ECRN_ASSIGN_OR_RETURN(auto stmt, PrepareOnce(sql));
  Statement* p = stmt.get();
  cache_.emplace(sql, std::move(stmt));
  return p;
}

Result<Statement*> Connection::PrepareRuntime(const std::string& sql) {
  auto it = runtime_cache_.find(sql);
  if (it != runtime_cache_.end()) return &it->second->Reset();
  ECRN_ASSIGN_OR_RETURN(auto stmt, PrepareOnce(sql));
  if (runtime_cache_.size() >= kMaxRuntimeStatements) runtime_cache_.clear();
  Statement* p = stmt.get();
  runtime_cache_.emplace(sql, std::move(stmt));
  return p;
}

Result<std::unique_ptr<Statement>> Connection::PrepareOnce(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare " + sql);
  return std::make_unique<Statement>(db_, stmt);
}

}  // namespace ecrn::store::sqlite
