// Private to store/postgres: RAII over libpq connections and results, text
// parameters and array literals, a bounded connection pool, and the mapping
// of libpq failures to Error. PgPool is thread-safe; a PgConnection is used by
// one thread at a time (the one holding its PgPool::Lease).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <libpq-fe.h>

#include "ecrn/core/result.hpp"

namespace ecrn::store::postgres {

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
// An owned libpq result.
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

// The parameters of one statement, sent in text format. Values are copied.
class PgParams {
 public:
  PgParams& Text(std::string_view v);
  PgParams& Int(int64_t v);
  PgParams& Bool(bool v);
  PgParams& Null();
  PgParams& OptInt(const std::optional<int64_t>& v) { return v ? Int(*v) : Null(); }
  // Raw bytes (a bytea parameter), sent in binary format, NUL bytes included.
  PgParams& Bytes(std::string_view v);
  // Number of parameters added so far; the next one is $size()+1.
  int size() const { return static_cast<int>(values_.size()); }
  // Pointers into this object, valid until it is modified or destroyed.
  std::vector<const char*> Pointers() const;
  // Byte lengths and formats (0 text, 1 binary) of the parameters, for
  // PQexecParams; empty when every parameter is text.
  std::vector<int> Lengths() const;
  std::vector<int> Formats() const;

 private:
  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;  // one per value
  bool any_binary_ = false;
};

// Builds a PostgreSQL array literal ("{...}") for a text[] or bigint[] parameter.
class PgArray {
 public:
  void Text(std::string_view v);  // quoted and escaped
  void Int(int64_t v);
  bool empty() const { return count_ == 0; }
  // The literal; this builder is left empty.
  std::string Take();

 private:
  void Separate();
  std::string body_;
  size_t count_ = 0;
};

// One libpq connection. Not thread-safe.
class PgConnection {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  ~PgConnection() { PQfinish(conn_); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one parameterised statement, as a prepared statement: the first
  // use of a SQL text on this connection prepares it (PQprepare), later uses
  // only execute it (up to kMaxPrepared texts; beyond that, unprepared). OK when the server
  // answered with success (rows or a command status); otherwise an Error whose code comes from the
  // SQLSTATE (unique violation → kAlreadyExists, foreign key or bad data → kInvalidArgument,
  // connection loss or deadlock → kUnavailable, else kInternal), with a client-safe message and the
  // server's text in detail. After a failure, sqlstate() and constraint() describe it.
  Result<PgResult> Exec(const char* sql, const PgParams& params = {});
  // Runs plain SQL (several statements allowed, no parameters).
  Result<void> ExecScript(const char* sql);

  const std::string& sqlstate() const { return sqlstate_; }
  const std::string& constraint() const { return constraint_; }
  // True when the connection is unusable and must be dropped.
  bool Broken() const { return PQstatus(conn_) != CONNECTION_OK; }
  // Checks, without blocking, that the server has not closed the connection.
  bool Alive();
  // Leaves any open transaction (rolls it back). Used when returning to the pool.
  void ResetTransaction();
  // The payloads of NOTIFY messages received so far (after LISTEN), without
  // blocking; kUnavailable when the connection is lost.
  Result<std::vector<std::string>> TakeNotifications();
  // The socket, to wait for notifications with poll().
  int Socket() const { return PQsocket(conn_); }

 private:
  Error Failure(const PGresult* res);
  static constexpr size_t kMaxPrepared = 256;
  PGconn* conn_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text → statement name
  std::string sqlstate_;
  std::string constraint_;
};

// A pool of at most `size` connections to one database, opened lazily.
// Thread-safe.
class PgPool {
 public:
  // A connection on loan; returned to the pool when destroyed.
  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<PgConnection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    PgConnection* operator->() const { return conn_.get(); }
    PgConnection& operator*() const { return *conn_; }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
  };

  // Parses `uri` and opens the first connection so that a wrong address is
  // reported at once: kInvalidArgument for a malformed URI, kUnavailable when
  // the server cannot be reached.
  static Result<std::unique_ptr<PgPool>> Open(std::string_view uri, int size, int timeout_ms);

  // An idle connection, or a new one while fewer than `size` are open; waits
  // up to the timeout for one to be returned (kUnavailable after that).
  Result<Lease> Acquire();
  // A new connection outside the pool (for LISTEN), owned by the caller.
  Result<std::unique_ptr<PgConnection>> OpenDedicated() const { return Connect(); }

 private:
  PgPool(std::string uri, int size, int timeout_ms)
      : uri_(std::move(uri)), size_(size), timeout_ms_(timeout_ms) {}
  Result<std::unique_ptr<PgConnection>> Connect() const;
  void Release(std::unique_ptr<PgConnection> conn);

  const std::string uri_;
  const int size_;
  const int timeout_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mu_
  int open_ = 0;                                     // guarded by mu_
};

// Runs `fn` between BEGIN and COMMIT on one connection from `pool`; rolls
// back when it fails.
template <typename Fn>
auto InTransaction(PgPool& pool, Fn&& fn) -> decltype(fn(std::declval<PgConnection&>())) {
  ECRN_ASSIGN_OR_RETURN(auto conn, pool.Acquire());
  ECRN_TRY(conn->Exec("BEGIN"));
  auto result = fn(*conn);
  if (!result.ok()) {
    conn->ResetTransaction();
    return result;
  }
  ECRN_TRY(conn->Exec("COMMIT"));
  return result;
}

// Column readers for a row of a result (text format).
int64_t PgInt(const PGresult* res, int row, int col);
bool PgBool(const PGresult* res, int row, int col);
std::string PgText(const PGresult* res, int row, int col);
bool PgIsNull(const PGresult* res, int row, int col);
// A bytea column's bytes (decoded from the text format).
std::string PgBytes(const PGresult* res, int row, int col);

}  // namespace ecrn::store::postgres
