#include "ecrn/store/postgres/pg_connection.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

namespace ecrn::store::postgres {
namespace {

constexpr char kDatabaseError[] = "database error";
constexpr char kDatabaseUnavailable[] = "database unavailable";

void IgnoreNotice(void*, const char*) {}

std::string Trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

PgParams& PgParams::Text(std::string_view v) {
  values_.emplace_back(std::string(v));
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::Int(int64_t v) { return Text(std::to_string(v)); }

PgParams& PgParams::Bool(bool v) { return Text(v ? "t" : "f"); }

PgParams& PgParams::Null() {
  values_.emplace_back(std::nullopt);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::Bytes(std::string_view v) {
  values_.emplace_back(std::string(v));
  formats_.push_back(1);
  any_binary_ = true;
  return *this;
}

std::vector<int> PgParams::Lengths() const {
  std::vector<int> out;
  if (!any_binary_) return out;
  for (const auto& v : values_) out.push_back(v ? static_cast<int>(v->size()) : 0);
  return out;
}

std::vector<int> PgParams::Formats() const { return any_binary_ ? formats_ : std::vector<int>(); }

std::vector<const char*> PgParams::Pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& v : values_) out.push_back(v ? v->c_str() : nullptr);
  return out;
}

void PgArray::Separate() {
  body_.push_back(count_ == 0 ? '{' : ',');
  ++count_;
}

void PgArray::Text(std::string_view v) {
  Separate();
  body_.reserve(body_.size() + v.size() + 2);
  body_.push_back('"');
  for (char c : v) {
    if (c == '"' || c == '\\') body_.push_back('\\');
    body_.push_back(c);
  }
  body_.push_back('"');
}

void PgArray::Int(int64_t v) {
  Separate();
  body_ += std::to_string(v);
}

std::string PgArray::Take() {
  std::string out = count_ == 0 ? std::string("{}") : std::move(body_) + "}";
  body_.clear();
  count_ = 0;
  return out;
}

Error PgConnection::Failure(const PGresult* res) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const char* constraint = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : nullptr;
  sqlstate_ = state ? state : "";
  constraint_ = constraint ? constraint : "";
  std::string detail = Trimmed(res ? PQresultErrorMessage(res) : PQerrorMessage(conn_));
  if (detail.empty()) detail = Trimmed(PQerrorMessage(conn_));
  if (Broken() || sqlstate_.rfind("08", 0) == 0 || sqlstate_.rfind("57P", 0) == 0 ||
      sqlstate_.rfind("53", 0) == 0) {
    return Error{ErrorCode::kUnavailable, kDatabaseUnavailable, std::move(detail)};
  }
  if (sqlstate_ == "23505") {
    return Error{ErrorCode::kAlreadyExists, "already exists", std::move(detail)};
  }
  if (sqlstate_ == "23503") {
    return Error{ErrorCode::kInvalidArgument, "refers to something that does not exist",
                 std::move(detail)};
  }
  if (sqlstate_.rfind("22", 0) == 0) {  // data exception, e.g. text that is not UTF-8
    return Error{ErrorCode::kInvalidArgument, "a value was not accepted by the database",
                 std::move(detail)};
  }
  if (sqlstate_ == "40001" || sqlstate_ == "40P01") {
    return Error{ErrorCode::kUnavailable, "database busy, retry", std::move(detail)};
  }
  return Error{ErrorCode::kInternal, kDatabaseError, std::move(detail)};
}

Result<PgResult> PgConnection::Exec(const char* sql, const PgParams& params) {
  std::vector<const char*> values = params.Pointers();
  auto it = prepared_.find(sql);
  if (it == prepared_.end() && prepared_.size() < kMaxPrepared) {
    std::string name = "ecrn_" + std::to_string(prepared_.size());
    PgResult prep(PQprepare(conn_, name.c_str(), sql, params.size(), nullptr));
    if (!prep || PQresultStatus(prep.get()) != PGRES_COMMAND_OK) return Failure(prep.get());
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  const std::vector<int> lengths = params.Lengths();
  const std::vector<int> formats = params.Formats();
  const int* length_ptr = lengths.empty() ? nullptr : lengths.data();
  const int* format_ptr = formats.empty() ? nullptr : formats.data();
  PgResult res(it != prepared_.end()
                   ? PQexecPrepared(conn_, it->second.c_str(), params.size(), values.data(),
                                    length_ptr, format_ptr, /*resultFormat=*/0)
                   : PQexecParams(conn_, sql, params.size(), nullptr, values.data(), length_ptr,
                                  format_ptr, /*resultFormat=*/0));
  ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    sqlstate_.clear();
    constraint_.clear();
    return res;
  }
  return Failure(res.get());
}

Result<void> PgConnection::ExecScript(const char* sql) {
  PgResult res(PQexec(conn_, sql));
  ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Ok();
  return Failure(res.get());
}

bool PgConnection::Alive() {
  // Reads whatever the server sent while idle (without blocking); a closed
  // socket turns the status to CONNECTION_BAD.
  // Twice: a killed backend first sends its FATAL message, then closes, and
  // one read stops after the message.
  for (int i = 0; i < 2; ++i) {
    if (PQconsumeInput(conn_) != 1 || Broken()) return false;
  }
  return true;
}

void PgConnection::ResetTransaction() {
  if (Broken()) return;
  PGTransactionStatusType ts = PQtransactionStatus(conn_);
  if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR) {
    PgResult res(PQexec(conn_, "ROLLBACK"));
  }
}

PgPool::Lease::~Lease() {
  if (pool_ && conn_) pool_->Release(std::move(conn_));
}

Result<std::unique_ptr<PgPool>> PgPool::Open(std::string_view uri, int size, int timeout_ms) {
  std::string uri_text(uri);
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(uri_text.c_str(), &parse_error);
  if (!parsed) {
    std::string detail = Trimmed(parse_error);
    PQfreemem(parse_error);
    return Error{ErrorCode::kInvalidArgument, "invalid PostgreSQL URI", std::move(detail)};
  }
  PQconninfoFree(parsed);
  std::unique_ptr<PgPool> pool(
      new PgPool(std::move(uri_text), std::max(1, size), std::max(1000, timeout_ms)));
  ECRN_ASSIGN_OR_RETURN(auto first, pool->Connect());
  pool->idle_.push_back(std::move(first));
  pool->open_ = 1;
  return pool;
}

Result<std::unique_ptr<PgConnection>> PgPool::Connect() const {
  std::string timeout = std::to_string(std::max(1, (timeout_ms_ + 999) / 1000));
  const char* keys[] = {"dbname", "connect_timeout", "fallback_application_name", nullptr};
  const char* values[] = {uri_.c_str(), timeout.c_str(), "ecrn", nullptr};
  PGconn* raw = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!raw) return Error{ErrorCode::kUnavailable, kDatabaseUnavailable, "out of memory"};
  auto conn = std::make_unique<PgConnection>(raw);
  if (PQstatus(raw) != CONNECTION_OK) {
    return Error{ErrorCode::kUnavailable, kDatabaseUnavailable, Trimmed(PQerrorMessage(raw))};
  }
  PQsetNoticeProcessor(raw, IgnoreNotice, nullptr);
  // Acknowledged means durable: a commit returns only once it is flushed.
  ECRN_TRY(
      conn->ExecScript("SET synchronous_commit = on; SET client_min_messages = warning; "
                       // Prepared statements save parsing; each
                       // execution is still planned for its values.
                       "SET plan_cache_mode = force_custom_plan"));
  return conn;
}

Result<PgPool::Lease> PgPool::Acquire() {
  std::unique_lock lock(mu_);
  bool ready = cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms_),
                            [&] { return !idle_.empty() || open_ < size_; });
  if (!ready) {
    return Error{ErrorCode::kUnavailable, "database busy, retry",
                 "no idle PostgreSQL connection within the timeout"};
  }
  while (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    // An idle connection the server closed meanwhile (restart, failover) is
    // dropped here rather than failing the caller's first statement.
    if (conn->Alive()) return Lease(this, std::move(conn));
    --open_;
  }
  ++open_;
  lock.unlock();
  auto conn = Connect();
  if (!conn.ok()) {
    lock.lock();
    --open_;
    cv_.notify_one();
    return std::move(conn).error();
  }
  return Lease(this, std::move(conn).value());
}

void PgPool::Release(std::unique_ptr<PgConnection> conn) {
  conn->ResetTransaction();
  std::lock_guard lock(mu_);
  if (conn->Broken()) {
    --open_;
  } else {
    idle_.push_back(std::move(conn));
  }
  cv_.notify_one();
}

int64_t PgInt(const PGresult* res, int row, int col) {
  const char* v = PQgetvalue(res, row, col);
  int len = PQgetlength(res, row, col);
  int64_t out = 0;
  std::from_chars(v, v + len, out);
  return out;
}

bool PgBool(const PGresult* res, int row, int col) { return PQgetvalue(res, row, col)[0] == 't'; }

std::string PgText(const PGresult* res, int row, int col) {
  return std::string(PQgetvalue(res, row, col), static_cast<size_t>(PQgetlength(res, row, col)));
}

bool PgIsNull(const PGresult* res, int row, int col) { return PQgetisnull(res, row, col) != 0; }

std::string PgBytes(const PGresult* res, int row, int col) {
  size_t length = 0;
  unsigned char* bytes =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(res, row, col)), &length);
  if (!bytes) return {};
  std::string out(reinterpret_cast<const char*>(bytes), length);
  PQfreemem(bytes);
  return out;
}

Result<std::vector<std::string>> PgConnection::TakeNotifications() {
  if (PQconsumeInput(conn_) == 0) {
    return Error{ErrorCode::kUnavailable, "lost the database connection", PQerrorMessage(conn_)};
  }
  std::vector<std::string> out;
  while (PGnotify* n = PQnotifies(conn_)) {
    out.emplace_back(n->extra ? n->extra : "");
    PQfreemem(n);
  }
  return out;
}

}  // namespace ecrn::store::postgres
