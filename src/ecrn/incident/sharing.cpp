#include "ecrn/incident/sharing.hpp"

#include <boost/json/array.hpp>

#include "ecrn/core/audit_chain.hpp"

namespace ecrn::incident {
namespace {

namespace json = boost::json;

// The properties of an indicator that travel (STIX 2.1 section 4.7): what it
// detects, how, when, and what kind of threat it is.
constexpr std::string_view kIndicatorKeeps[] = {
    "pattern",     "pattern_type",    "pattern_version",  "valid_from",
    "valid_until", "indicator_types", "kill_chain_phases"};

Result<std::string> Text(std::string_view field, std::string_view value, size_t max,
                         bool required) {
  if (required && value.empty()) return Error::Invalid(std::string(field) + ": required");
  if (value.size() > max || !AuditTextIsValid(value)) {
    return Error::Invalid(std::string(field) + ": at most " + std::to_string(max) +
                          " bytes of UTF-8");
  }
  return std::string(value);
}

// The common properties of a new SDO by `identity`.
json::object NewObject(std::string_view type, std::string_view uuid, Micros now,
                       std::string_view identity) {
  json::object out;
  out["type"] = type;
  out["spec_version"] = "2.1";
  out["id"] = std::string(type) + "--" + std::string(uuid);
  out["created"] = TimeText(now);
  out["modified"] = TimeText(now);
  out["created_by_ref"] = identity;
  return out;
}

}  // namespace

Result<json::object> SanitisedIndicator(const json::object& original, std::string_view new_uuid,
                                        Micros now, std::string_view identity,
                                        std::string_view name) {
  const auto* type = original.if_contains("type");
  const auto* pattern = original.if_contains("pattern");
  if (!type || !type->is_string() || type->as_string() != "indicator" || !pattern ||
      !pattern->is_string()) {
    return Error::Invalid("only indicators with a pattern can be published from a case");
  }
  ECRN_ASSIGN_OR_RETURN(auto label, Text("name", name, kMaxPublishedNameBytes, false));
  json::object out = NewObject("indicator", new_uuid, now, identity);
  if (!label.empty()) out["name"] = label;
  for (std::string_view key : kIndicatorKeeps) {
    if (const auto* v = original.if_contains(key)) out[key] = *v;
  }
  return out;
}

Result<json::object> AssistanceNote(const Case& c, const AssistanceRequest& request,
                                    std::string_view new_uuid, Micros now,
                                    std::string_view identity) {
  ECRN_ASSIGN_OR_RETURN(auto summary,
                        Text("summary", request.summary, kMaxAssistanceSummaryBytes, true));
  ECRN_ASSIGN_OR_RETURN(auto needs, Text("needs", request.needs, kMaxAssistanceNeedsBytes, true));
  const std::string first_line = summary.substr(0, summary.find('\n'));
  json::object out = NewObject("note", new_uuid, now, identity);
  out["abstract"] = "Request for assistance: " + first_line;
  out["content"] = summary + "\n\nHelp needed: " + needs;
  out["labels"] = json::array{"request-for-assistance"};
  json::array refs;
  for (const auto& r : request.object_refs) refs.emplace_back(r);
  if (refs.empty()) refs.emplace_back(identity);
  out["object_refs"] = std::move(refs);
  json::object about;
  about["category"] = c.category;
  about["severity"] = c.severity;
  json::array targets;
  for (const auto& t : c.election_targets) targets.emplace_back(t);
  about["election_targets"] = std::move(targets);
  if (!c.disinformation_kind.empty()) about["disinformation_kind"] = c.disinformation_kind;
  if (!c.phase.empty()) about["phase"] = c.phase;
  out["x_ecrn_assistance"] = std::move(about);
  return out;
}

}  // namespace ecrn::incident
