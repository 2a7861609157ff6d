// Private to store/: what both backends do to turn an AuditRecord into the
// next chain entry once they hold the chain head under their append lock.
// Pure; thread-safe.
#pragma once

#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "ecrn/core/audit_chain.hpp"
#include "ecrn/core/result.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::store {

// Checks `record` (text fields valid per AuditTextIsValid, action not empty,
// detail a JSON object, "" meaning "{}") and builds the entry that follows
// `head`: seq head.seq + 1, prev_hash head.hash (kAuditGenesisHash when the
// log is empty), time max(record.time, head.time), and its hash. Fails with
// kInvalidArgument naming the bad field.
Result<AuditEntry> NextAuditEntry(const AuditRecord& record, const AuditHead& head);

// The error AppendAudit returns when the audit_head row is gone.
Error HeadMissing();

// The WHERE / ORDER BY / LIMIT part of a ListAudit query on audit_log (from
// " WHERE" on), and its parameters in order. Only set filters appear, so each
// backend's planner sees plain comparisons it can serve from an index.
// `placeholder(n)` spells the n-th (1-based) parameter: "?" or "$n".
struct AuditSql {
  std::string tail;
  std::vector<std::variant<int64_t, std::string>> params;
};
AuditSql AuditQuerySql(const AuditQuery& query, const std::function<std::string(int)>& placeholder);

// The columns of audit_log in the order the backends read them.
inline constexpr const char* kAuditColumns =
    "seq, time, actor_user_id, actor_org_id, actor_label, remote_addr, action, target, "
    "subject_org_id, outcome, detail, prev_hash, hash";

}  // namespace ecrn::store
