#include "ecrn/audit/record.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace ecrn::audit {
namespace {

namespace json = boost::json;

json::value OptionalId(const std::optional<int64_t>& id) {
  return id ? json::value(*id) : json::value(nullptr);
}

}  // namespace

Result<AuditEntry> Record(store::Store& store, Micros now, const Actor& actor, const Event& event) {
  AuditRecord r;
  r.time = now;
  r.actor_user_id = actor.user_id;
  r.actor_org_id = actor.org_id;
  r.actor_label = AuditSafeText(actor.label);
  r.remote_addr = AuditSafeText(actor.remote_addr);
  r.action = AuditSafeText(event.action);
  r.target = AuditSafeText(event.target);
  r.subject_org_id = event.subject_org_id;
  r.outcome = AuditSafeText(event.outcome);
  // Serialised JSON stays valid JSON when invalid UTF-8 inside its strings
  // is replaced.
  r.detail = AuditSafeText(json::serialize(event.detail));
  return store.AppendAudit(r);
}

json::object EntryJson(const AuditEntry& e) {
  json::error_code ec;
  json::value detail = json::parse(e.detail, ec);
  if (ec) detail = e.detail;  // shown as text when it is not JSON (tampered)
  return {{"seq", e.seq},
          {"time", FormatTimestamp(e.time, 6)},
          {"actor_user_id", OptionalId(e.actor_user_id)},
          {"actor_org_id", OptionalId(e.actor_org_id)},
          {"actor", e.actor_label},
          {"remote_addr", e.remote_addr},
          {"action", e.action},
          {"target", e.target},
          {"subject_org_id", OptionalId(e.subject_org_id)},
          {"outcome", e.outcome},
          {"detail", std::move(detail)},
          {"prev_hash", e.prev_hash},
          {"hash", e.hash}};
}

std::optional<std::vector<std::string>> RedIdsOf(const AuditEntry& entry) {
  std::vector<std::string> out;
  json::error_code ec;
  json::value detail = json::parse(entry.detail, ec);
  if (ec || !detail.is_object()) return std::nullopt;
  const json::value* ids = detail.as_object().if_contains(kRedIdsKey);
  if (!ids || !ids->is_array()) return out;
  for (const auto& id : ids->as_array()) {
    if (id.is_string()) out.emplace_back(id.as_string());
  }
  return out;
}

}  // namespace ecrn::audit
