#include "ecrn/evidence/chain_json.hpp"

#include <boost/json.hpp>

#include "ecrn/core/time.hpp"
#include "ecrn/evidence/json_fields.hpp"
#include "ecrn/evidence/package.hpp"

namespace ecrn::evidence {
namespace json = boost::json;

namespace {

json::value OptInt(const std::optional<int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

Result<std::optional<int64_t>> ReadOptInt(const json::object& o, std::string_view key,
                                          const std::string& where) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<int64_t>();
  ECRN_ASSIGN_OR_RETURN(int64_t n, IntField(o, key, where));
  return std::optional<int64_t>(n);
}

}  // namespace

std::string ChainDocument(std::string_view incident_id, std::string_view log,
                          const std::vector<AuditEntry>& entries) {
  json::array list;
  list.reserve(entries.size());
  for (const AuditEntry& e : entries) {
    list.push_back(json::object{
        {"seq", e.seq},
        {"time", e.time},
        {"time_utc", FormatTimestamp(e.time, 6)},
        {"actor_user_id", OptInt(e.actor_user_id)},
        {"actor_org_id", OptInt(e.actor_org_id)},
        {"actor", e.actor_label},
        {"remote_addr", e.remote_addr},
        {"action", e.action},
        {"target", e.target},
        {"subject_org_id", OptInt(e.subject_org_id)},
        {"outcome", e.outcome},
        {"detail", e.detail},
        {"prev_hash", e.prev_hash},
        {"hash", e.hash},
    });
  }
  json::object doc{{"incident", incident_id}, {"log", log}, {"entries", std::move(list)}};
  return json::serialize(doc);
}

Result<ParsedChain> ParseChainDocument(std::string_view text) {
  ECRN_ASSIGN_OR_RETURN(json::value doc, ParseJsonObject(text));
  const json::object& o = doc.as_object();
  ParsedChain out;
  ECRN_ASSIGN_OR_RETURN(out.incident_id, StringField(o, "incident", ""));
  ECRN_ASSIGN_OR_RETURN(out.log, StringField(o, "log", ""));
  const json::value* list = o.if_contains("entries");
  if (!list || !list->is_array()) return Error::Invalid("\"entries\" is missing or not a list");
  out.entries.reserve(list->as_array().size());
  for (size_t i = 0; i < list->as_array().size(); ++i) {
    const std::string where = "entry at position " + std::to_string(i + 1) + ": ";
    const json::value& v = list->as_array()[i];
    if (!v.is_object()) return Error::Invalid(where + "not a JSON object");
    const json::object& eo = v.as_object();
    AuditEntry e;
    ECRN_ASSIGN_OR_RETURN(e.seq, IntField(eo, "seq", where));
    ECRN_ASSIGN_OR_RETURN(e.time, IntField(eo, "time", where));
    ECRN_ASSIGN_OR_RETURN(e.actor_user_id, ReadOptInt(eo, "actor_user_id", where));
    ECRN_ASSIGN_OR_RETURN(e.actor_org_id, ReadOptInt(eo, "actor_org_id", where));
    ECRN_ASSIGN_OR_RETURN(e.subject_org_id, ReadOptInt(eo, "subject_org_id", where));
    using Text = std::string AuditEntry::*;
    static const std::pair<const char*, Text> kTexts[] = {
        {"actor", &AuditEntry::actor_label},   {"remote_addr", &AuditEntry::remote_addr},
        {"action", &AuditEntry::action},       {"target", &AuditEntry::target},
        {"outcome", &AuditEntry::outcome},     {"detail", &AuditEntry::detail},
        {"prev_hash", &AuditEntry::prev_hash}, {"hash", &AuditEntry::hash}};
    for (const auto& [key, field] : kTexts) {
      ECRN_ASSIGN_OR_RETURN(e.*field, StringField(eo, key, where));
    }
    out.entries.push_back(std::move(e));
  }
  return out;
}

std::optional<std::string> ChainProblem(const std::vector<AuditEntry>& entries) {
  std::string prev(kAuditGenesisHash);
  for (size_t i = 0; i < entries.size(); ++i) {
    const AuditEntry& e = entries[i];
    const auto expected_seq = static_cast<int64_t>(i + 1);
    const std::string name = "entry " + std::to_string(e.seq);
    if (e.seq != expected_seq) {
      return "entry " + std::to_string(expected_seq) + ": missing or out of order (found seq " +
             std::to_string(e.seq) + " in its place)";
    }
    if (e.hash != AuditEntryHash(e)) return name + ": hash does not match its contents";
    if (e.prev_hash != prev) {
      return name + ": does not link to the entry before it (prev_hash " + e.prev_hash +
             ", expected " + prev + ")";
    }
    prev = e.hash;
  }
  return std::nullopt;
}

std::map<std::string_view, const AuditEntry*> FirstAcquisitions(
    const std::vector<AuditEntry>& custody) {
  std::map<std::string_view, const AuditEntry*> out;
  for (const AuditEntry& e : custody) {
    if (e.action == kAcquireAction) out.emplace(e.target, &e);
  }
  return out;
}

}  // namespace ecrn::evidence
