#include "ecrn/store/audit_append.hpp"

#include <algorithm>
#include <cstdint>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace ecrn::store {

Result<AuditEntry> NextAuditEntry(const AuditRecord& record, const AuditHead& head) {
  const std::pair<const char*, const std::string*> texts[] = {
      {"actor_label", &record.actor_label}, {"remote_addr", &record.remote_addr},
      {"action", &record.action},           {"target", &record.target},
      {"outcome", &record.outcome},         {"detail", &record.detail}};
  for (const auto& [name, text] : texts) {
    if (!AuditTextIsValid(*text)) {
      return Error::Invalid(std::string("audit ") + name +
                            " must be valid UTF-8 without NUL characters");
    }
  }
  if (record.action.empty()) return Error::Invalid("an audit entry needs an action");
  AuditEntry entry;
  static_cast<AuditRecord&>(entry) = record;
  if (entry.detail.empty()) entry.detail = "{}";
  boost::json::error_code ec;
  boost::json::value detail = boost::json::parse(entry.detail, ec);
  if (ec || !detail.is_object()) return Error::Invalid("audit detail must be a JSON object");
  entry.seq = head.seq + 1;
  entry.prev_hash = head.seq == 0 ? std::string(kAuditGenesisHash) : head.hash;
  entry.time = std::max(record.time, head.time);
  entry.hash = AuditEntryHash(entry);
  return entry;
}

Error HeadMissing() {
  return Error::Internal("the audit log cannot be appended to: its chain head is missing",
                         "no row in audit_head; run `ecrn audit verify`");
}

AuditSql AuditQuerySql(const AuditQuery& q, const std::function<std::string(int)>& placeholder) {
  AuditSql out;
  // Adds a parameter; returns how the SQL names it.
  auto param = [&](std::variant<int64_t, std::string> value) {
    out.params.push_back(std::move(value));
    return placeholder(static_cast<int>(out.params.size()));
  };
  out.tail = " WHERE true";
  if (q.after_seq) out.tail += " AND seq > " + param(*q.after_seq);
  if (q.action) out.tail += " AND action = " + param(*q.action);
  if (q.actor_user_id) out.tail += " AND actor_user_id = " + param(*q.actor_user_id);
  if (q.actor_org_id) out.tail += " AND actor_org_id = " + param(*q.actor_org_id);
  if (q.subject_org_id) out.tail += " AND subject_org_id = " + param(*q.subject_org_id);
  if (q.involving_org_id) {
    out.tail += " AND (actor_org_id = " + param(*q.involving_org_id);
    out.tail += " OR subject_org_id = " + param(*q.involving_org_id) + ")";
  }
  if (q.since) out.tail += " AND time >= " + param(*q.since);
  if (q.until) out.tail += " AND time < " + param(*q.until);
  if (q.hash) out.tail += " AND hash = " + param(*q.hash);
  out.tail += " ORDER BY seq LIMIT " +
              param(static_cast<int64_t>(std::min<size_t>(q.limit, size_t{INT64_MAX})));
  return out;
}

}  // namespace ecrn::store
