#include "ecrn/incident/stix_case.hpp"

#include <array>
#include <utility>

#include <boost/json/array.hpp>

#include "ecrn/core/uuid.hpp"
#include "ecrn/incident/vocab.hpp"
#include "ecrn/stix/tlp.hpp"

namespace ecrn::incident {
namespace json = boost::json;
namespace {

// The namespace of relationship ids (UUIDv5 of "<case id>|<object id>|<type>").
constexpr std::string_view kRelationshipNamespace = "b8a4f0d2-93c5-4e1a-8f6b-0c7e2d9a41f5";
constexpr std::string_view kCaseProperty = "x_ecrn_case";
constexpr std::string_view kLinkProperty = "x_ecrn_link";
// The members of the case JSON that the incident carries natively.
constexpr std::array<std::string_view, 8> kNativeMembers = {
    "id", "title", "description", "created", "modified", "tlp", "links", "duplicate_of"};

struct CategoryType {
  std::string_view category;
  std::string_view incident_type;  // event-type-ov
};
constexpr std::array<CategoryType, 6> kCategoryTypes = {{
    {"availability", "denial-of-service"},
    {"intrusions", "compromised-system"},
    {"information-content-security", "unauthorized-access-information"},
    {"fraud", "illegitimate-use-name"},
    {"information-gathering", "scan-probe"},
    {"intrusion-attempts", "exploit-attempt"},
}};

struct SeverityScore {
  std::string_view severity;
  int64_t criticality;  // the value written
  int64_t lowest;       // the lowest value read back as this severity
};
constexpr std::array<SeverityScore, 4> kSeverityScores = {{
    {"low", 15, 0},
    {"medium", 40, 30},
    {"high", 70, 50},
    {"critical", 95, 90},
}};

std::string_view Determination(std::string_view status) {
  if (status == "rejected") return "false-positive";
  if (status == "reported" || status == "triaged" || status == "duplicate") return "suspected";
  return "confirmed";
}

std::string_view InvestigationStatus(std::string_view status) {
  if (status == "reported") return "new";
  if (status == "closed" || status == "rejected" || status == "duplicate") return "closed";
  return "open";
}

json::object Relationship(const Case& c, std::string_view identity_id, std::string_view type,
                          std::string_view source, std::string_view target, Micros when,
                          std::string_view other, json::object x_link) {
  const std::string ts = TimeText(when);
  json::object r{
      {"type", "relationship"},
      {"spec_version", "2.1"},
      {"id", "relationship--" + UuidV5(kRelationshipNamespace,
                                       c.id + "|" + std::string(other) + "|" + std::string(type))},
      {"created", ts},
      {"modified", ts},
      {"created_by_ref", identity_id},
      {"relationship_type", type},
      {"source_ref", source},
      {"target_ref", target},
      {"object_marking_refs",
       json::array{json::value(stix::TlpMarkingId(*stix::TlpFromName(c.tlp)))}},
  };
  if (!x_link.empty()) r[kLinkProperty] = std::move(x_link);
  return r;
}

const json::string* StrMember(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? &v->get_string() : nullptr;
}

// The case JSON of an incident from another tool (no x_ecrn_case).
json::object DeriveCase(const json::object& incident) {
  json::object doc;
  std::string status = "reported";
  std::string severity = "medium";
  std::string category = "other";
  const json::value* ext_v = nullptr;
  if (const json::value* exts = incident.if_contains("extensions"); exts && exts->is_object()) {
    ext_v = exts->get_object().if_contains(kIncidentCoreExtensionId);
  }
  if (ext_v && ext_v->is_object()) {
    const json::object& ext = ext_v->get_object();
    const json::string* inv = StrMember(ext, "investigation_status");
    const json::string* det = StrMember(ext, "determination");
    if (inv && *inv == "open") status = "investigating";
    if (inv && *inv == "closed") status = "closed";
    if (det && *det == "false-positive") status = "rejected";
    if (const json::value* crit = ext.if_contains("criticality"); crit && crit->is_int64()) {
      for (const SeverityScore& s : kSeverityScores) {
        if (crit->get_int64() >= s.lowest) severity = s.severity;
      }
    }
    if (const json::value* types = ext.if_contains("incident_types"); types && types->is_array()) {
      for (const json::value& t : types->get_array()) {
        for (const CategoryType& ct : kCategoryTypes) {
          if (category == "other" && t.is_string() && t.get_string() == ct.incident_type) {
            category = ct.category;
          }
        }
      }
    }
  }
  doc["detected"] = incident.contains("created") ? incident.at("created") : json::value(nullptr);
  doc["category"] = category;
  doc["election_targets"] = json::array{};
  doc["affected_systems"] = json::array{};
  doc["impacts"] = ImpactsToJson({});
  doc["severity"] = severity;
  doc["status"] = status;
  doc["tasks"] = json::array{};
  doc["acknowledgements"] = json::array{};
  return doc;
}

}  // namespace

Result<std::vector<stix::Object>> CaseToStix(const Case& c, std::string_view identity_id) {
  if (!stix::IsStixIdentifier(identity_id) || stix::IdentifierType(identity_id) != "identity") {
    return Error::Invalid("the exporting identity must be identity--<uuid>");
  }
  std::vector<FieldProblem> problems = ValidateCase(c);
  if (!problems.empty()) return ProblemsError(problems);
  json::object x_case = ToJson(c);
  for (std::string_view member : kNativeMembers) x_case.erase(member);

  json::array types;
  for (const CategoryType& ct : kCategoryTypes) {
    if (ct.category == c.category) types.emplace_back(ct.incident_type);
  }
  if (c.status == "duplicate") types.emplace_back("duplicate");
  json::object ext{{"extension_type", "property-extension"},
                   {"determination", Determination(c.status)},
                   {"investigation_status", InvestigationStatus(c.status)}};
  for (const SeverityScore& s : kSeverityScores) {
    if (s.severity == c.severity) ext["criticality"] = s.criticality;
  }
  if (!types.empty()) ext["incident_types"] = std::move(types);

  const std::string_view marking = stix::TlpMarkingId(*stix::TlpFromName(c.tlp));
  json::object incident{
      {"type", "incident"},
      {"spec_version", "2.1"},
      {"id", c.id},
      {"created", TimeText(c.created)},
      {"modified", TimeText(c.modified)},
      {"created_by_ref", identity_id},
      {"name", c.title},
      {"description", c.description},
      {"object_marking_refs", json::array{json::value(marking)}},
      {"extensions", json::object{{kIncidentCoreExtensionId, std::move(ext)}}},
      {kCaseProperty, std::move(x_case)},
  };
  std::vector<stix::Object> out;
  out.emplace_back(std::move(incident));
  for (const LinkedObject& l : c.links) {
    json::object x_link{{"kind", l.kind}, {"added_by", l.added_by}};
    if (l.kind == "indicator" && stix::IdentifierType(l.object_id) == "indicator") {
      out.emplace_back(Relationship(c, identity_id, "detected", l.object_id, c.id, l.added,
                                    l.object_id, std::move(x_link)));
    } else {
      out.emplace_back(Relationship(c, identity_id, "related-to", c.id, l.object_id, l.added,
                                    l.object_id, std::move(x_link)));
    }
  }
  if (c.duplicate_of) {
    out.emplace_back(Relationship(c, identity_id, "duplicate-of", c.id, *c.duplicate_of, c.modified,
                                  *c.duplicate_of, {}));
  }
  return out;
}

Result<std::string> CaseToBundle(const Case& c, std::string_view identity_id,
                                 std::string_view bundle_id) {
  if (!stix::IsStixIdentifier(bundle_id) || stix::IdentifierType(bundle_id) != "bundle") {
    return Error::Invalid("the bundle id must be bundle--<uuid>");
  }
  ECRN_ASSIGN_OR_RETURN(std::vector<stix::Object> objects, CaseToStix(c, identity_id));
  return stix::SerializeBundle(objects, bundle_id);
}

Result<Case> CaseFromStix(std::span<const stix::Object> objects, std::string_view incident_id) {
  const stix::Object* incident = nullptr;
  for (const stix::Object& o : objects) {
    if (o.type() != "incident") continue;
    if (!incident_id.empty()) {
      if (o.id() == incident_id) incident = &o;
      continue;
    }
    if (incident) return Error::Invalid("several incidents; name the one to import");
    incident = &o;
  }
  if (!incident) {
    if (!incident_id.empty()) return Error::NotFound("no incident with that id");
    return Error::Invalid("no incident object");
  }
  const json::object& in = incident->json();
  json::object doc;
  const json::value* x = in.if_contains(kCaseProperty);
  if (x) {
    if (!x->is_object()) return Error::Invalid(std::string(kCaseProperty) + ": must be an object");
    doc = x->get_object();
    for (std::string_view member : kNativeMembers) {
      if (doc.contains(member)) {
        return Error::Invalid(std::string(kCaseProperty) + "." + std::string(member) +
                              ": belongs on the incident itself");
      }
    }
  } else {
    doc = DeriveCase(in);
  }
  doc["id"] = incident->id();
  doc["title"] = incident->Str("name");
  doc["description"] =
      in.contains("description") ? incident->Str("description") : incident->Str("name");
  doc["created"] = incident->created();
  doc["modified"] = incident->modified();
  auto tlp = stix::ObjectTlp(*incident);
  doc["tlp"] = stix::TlpToken(tlp.value_or(stix::Tlp::kAmber));

  json::array links;
  for (const stix::Object& o : objects) {
    if (o.type() != "relationship") continue;
    const std::string_view source = o.Str("source_ref");
    const std::string_view target = o.Str("target_ref");
    const std::string_view rel = o.Str("relationship_type");
    if (source != incident->id() && target != incident->id()) continue;
    if (rel == "duplicate-of" && source == incident->id()) {
      doc["duplicate_of"] = target;
      continue;
    }
    const std::string_view other = source == incident->id() ? target : source;
    std::string kind = "other";
    std::string added_by = "import";
    const json::value* x_link = o.json().if_contains(kLinkProperty);
    if (x_link && x_link->is_object()) {
      if (const json::string* k = StrMember(x_link->get_object(), "kind")) kind = *k;
      if (const json::string* a = StrMember(x_link->get_object(), "added_by")) added_by = *a;
    } else {
      const std::string_view type = stix::IdentifierType(other);
      if (type == "indicator" || type == "observed-data" || type == "attack-pattern") {
        kind = std::string(type);
      }
    }
    links.emplace_back(json::object{
        {"object_id", other}, {"kind", kind}, {"added", o.created()}, {"added_by", added_by}});
  }
  doc["links"] = std::move(links);
  if (!x && doc.contains("duplicate_of")) doc["status"] = "duplicate";
  auto result = FromJson(doc);
  if (!result) {
    Error e = std::move(result).error();
    e.message = "the incident cannot be read as a case: " + e.message;
    return e;
  }
  return result;
}

}  // namespace ecrn::incident
