// Private to store/postgres: what the parts of the PostgreSQL store share —
// reading rows (counts, audit-chain entries) and the incident store's
// factory. The readers are pure; the incident store is thread-safe.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <vector>

#include "ecrn/core/audit_chain.hpp"
#include "ecrn/store/incident_store.hpp"
#include "ecrn/store/postgres/pg_connection.hpp"

namespace ecrn::store::postgres {

inline int Rows(const PgResult& res) { return PQntuples(res.get()); }

inline int64_t AffectedRows(const PgResult& res) {
  return std::strtoll(PQcmdTuples(res.get()), nullptr, 10);
}

inline std::optional<int64_t> OptIntAt(const PGresult* r, int i, int col) {
  return PgIsNull(r, i, col) ? std::nullopt : std::optional<int64_t>(PgInt(r, i, col));
}

// An audit-chain entry from row `i`, columns `first`.. in kAuditColumns order.
inline AuditEntry AuditAt(const PGresult* r, int i, int first = 0) {
  AuditEntry e;
  e.seq = PgInt(r, i, first + 0);
  e.time = PgInt(r, i, first + 1);
  e.actor_user_id = OptIntAt(r, i, first + 2);
  e.actor_org_id = OptIntAt(r, i, first + 3);
  e.actor_label = PgText(r, i, first + 4);
  e.remote_addr = PgText(r, i, first + 5);
  e.action = PgText(r, i, first + 6);
  e.target = PgText(r, i, first + 7);
  e.subject_org_id = OptIntAt(r, i, first + 8);
  e.outcome = PgText(r, i, first + 9);
  e.detail = PgText(r, i, first + 10);
  e.prev_hash = PgText(r, i, first + 11);
  e.hash = PgText(r, i, first + 12);
  return e;
}

// Appends the columns of `e` in kAuditColumns order to `params`.
inline PgParams& AuditParams(PgParams& params, const AuditEntry& e) {
  return params.Int(e.seq)
      .Int(e.time)
      .OptInt(e.actor_user_id)
      .OptInt(e.actor_org_id)
      .Text(e.actor_label)
      .Text(e.remote_addr)
      .Text(e.action)
      .Text(e.target)
      .OptInt(e.subject_org_id)
      .Text(e.outcome)
      .Text(e.detail)
      .Text(e.prev_hash)
      .Text(e.hash);
}

template <typename T, typename RowFn>
std::vector<T> AllRows(const PgResult& res, RowFn row) {
  std::vector<T> out;
  out.reserve(static_cast<size_t>(Rows(res)));
  for (int i = 0; i < Rows(res); ++i) out.push_back(row(res.get(), i));
  return out;
}

// The incident store on `pool`, which must outlive it.
std::unique_ptr<IncidentStore> NewIncidentStore(PgPool& pool);

}  // namespace ecrn::store::postgres
