// Private to store/sqlite: what the parts of the SQLite store share — the
// transactions of its database (SqliteStore provides them to the incident
// store), the reading of audit-chain rows, and the incident store's factory.
// Transactions is thread-safe; the readers are pure.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "ecrn/core/audit_chain.hpp"
#include "ecrn/core/result.hpp"
#include "ecrn/store/incident_store.hpp"
#include "ecrn/store/sqlite/sqlite_db.hpp"

namespace ecrn::store::sqlite {

// Runs work on the connections of one SQLite database.
class Transactions {
 public:
  virtual ~Transactions() = default;
  // Runs `body` in one BEGIN IMMEDIATE transaction on the writer connection
  // (serialised with every other write, across processes too); commits when
  // it succeeds, rolls back when it fails.
  virtual Result<void> Write(const std::function<Result<void>(Connection&)>& body) = 0;
  // Runs `body` on a reader connection inside one read transaction (one
  // snapshot of the database).
  virtual Result<void> Read(const std::function<Result<void>(Connection&)>& body) = 0;
};

inline std::optional<int64_t> OptInt(const Statement& s, int col) {
  return s.IsNull(col) ? std::nullopt : std::optional<int64_t>(s.Int(col));
}

// An audit-chain entry from the row's columns `first`.. in kAuditColumns order.
inline AuditEntry ReadAudit(const Statement& s, int first = 0) {
  AuditEntry e;
  e.seq = s.Int(first + 0);
  e.time = s.Int(first + 1);
  e.actor_user_id = OptInt(s, first + 2);
  e.actor_org_id = OptInt(s, first + 3);
  e.actor_label = s.Text(first + 4);
  e.remote_addr = s.Text(first + 5);
  e.action = s.Text(first + 6);
  e.target = s.Text(first + 7);
  e.subject_org_id = OptInt(s, first + 8);
  e.outcome = s.Text(first + 9);
  e.detail = s.Text(first + 10);
  e.prev_hash = s.Text(first + 11);
  e.hash = s.Text(first + 12);
  return e;
}

// Binds the columns of `e` in kAuditColumns order from parameter `first` on.
inline void BindAudit(Statement& s, const AuditEntry& e, int first = 1) {
  s.Bind(first + 0, e.seq)
      .Bind(first + 1, e.time)
      .Bind(first + 4, e.actor_label)
      .Bind(first + 5, e.remote_addr)
      .Bind(first + 6, e.action)
      .Bind(first + 7, e.target)
      .Bind(first + 9, e.outcome)
      .Bind(first + 10, e.detail)
      .Bind(first + 11, e.prev_hash)
      .Bind(first + 12, e.hash);
  if (e.actor_user_id) s.Bind(first + 2, *e.actor_user_id);
  if (e.actor_org_id) s.Bind(first + 3, *e.actor_org_id);
  if (e.subject_org_id) s.Bind(first + 8, *e.subject_org_id);
}

// Collects every row of a statement with `read`.
template <typename T, typename F>
Result<std::vector<T>> All(Statement& s, F read) {
  std::vector<T> out;
  for (;;) {
    ECRN_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(read(s));
  }
  return out;
}

// The incident store on `db`, which must outlive it.
std::unique_ptr<IncidentStore> NewIncidentStore(Transactions& db);

}  // namespace ecrn::store::sqlite
