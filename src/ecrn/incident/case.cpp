#include "ecrn/incident/case.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include <boost/json/array.hpp>

#include "ecrn/core/audit_chain.hpp"
#include "ecrn/core/uuid.hpp"
#include "ecrn/incident/json_reader.hpp"
#include "ecrn/incident/vocab.hpp"
#include "ecrn/stix/object.hpp"
#include "ecrn/stix/tlp.hpp"

namespace ecrn::incident {
namespace json = boost::json;
namespace {

constexpr std::string_view kIncidentPrefix = "incident--";

size_t CodePoints(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char ch) { return (ch & 0xC0) != 0x80; }));
}

void Add(std::vector<FieldProblem>& problems, std::string field, std::string message) {
  problems.push_back({std::move(field), std::move(message)});
}

// Text that must be valid UTF-8 without NUL and at most `max_bytes` long.
void CheckText(std::vector<FieldProblem>& problems, const std::string& field,
               std::string_view value, size_t max_bytes, bool required) {
  if (required && value.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Add(problems, field, "required");
  }
  if (!AuditTextIsValid(value)) return Add(problems, field, "must be valid UTF-8 without NUL");
  if (value.size() > max_bytes) {
    Add(problems, field, "at most " + std::to_string(max_bytes) + " bytes");
  }
}

void CheckToken(std::vector<FieldProblem>& problems, const std::string& field,
                std::string_view value, std::span<const VocabEntry> vocabulary, bool required) {
  if (value.empty()) {
    if (required) Add(problems, field, "required");
    return;
  }
  if (!FindEntry(vocabulary, value)) {
    std::string allowed;
    for (const VocabEntry& e : vocabulary) {
      allowed += allowed.empty() ? "" : ", ";
      allowed += e.token;
    }
    Add(problems, field, "must be one of: " + allowed);
  }
}

bool IsTlpToken(std::string_view token) {
  auto tlp = stix::TlpFromName(token);
  return tlp && stix::TlpToken(*tlp) == token;
}

bool IsId(std::string_view id) {
  return !id.empty() && id.size() <= kMaxIdBytes && AuditTextIsValid(id);
}

// The fields a report and a case share.
struct CommonFields {
  const std::string& title;
  const std::string& description;
  const std::string& category;
  const std::vector<std::string>& election_targets;
  const std::string& disinformation_kind;
  const std::vector<std::string>& affected_systems;
  const std::string& election;
  const std::string& phase;
  const Impacts& impacts;
  const std::string& severity;
  const std::string& tlp;
};

void CheckCommon(std::vector<FieldProblem>& p, const CommonFields& f) {
  // Limited in characters (so at most 4 × kMaxTitleChars bytes), not bytes.
  CheckText(p, "title", f.title, std::string_view::npos, true);
  if (CodePoints(f.title) > kMaxTitleChars) {
    Add(p, "title", "at most " + std::to_string(kMaxTitleChars) + " characters");
  }
  CheckText(p, "description", f.description, kMaxDescriptionBytes, true);
  CheckToken(p, "category", f.category, Categories(), true);
  if (f.election_targets.size() > kMaxListItems) {
    Add(p, "election_targets", "at most " + std::to_string(kMaxListItems) + " targets");
  }
  std::set<std::string_view> seen;
  for (size_t i = 0; i < f.election_targets.size(); ++i) {
    const std::string field = "election_targets[" + std::to_string(i) + "]";
    CheckToken(p, field, f.election_targets[i], ElectionTargets(), true);
    if (!seen.insert(f.election_targets[i]).second) Add(p, field, "listed twice");
  }
  const bool disinformation = seen.contains("disinformation");
  if (disinformation) {
    CheckToken(p, "disinformation_kind", f.disinformation_kind, DisinformationKinds(), true);
  } else if (!f.disinformation_kind.empty()) {
    Add(p, "disinformation_kind", "only for the target \"disinformation\"");
  }
  if (f.affected_systems.size() > kMaxListItems) {
    Add(p, "affected_systems", "at most " + std::to_string(kMaxListItems) + " systems");
  }
  for (size_t i = 0; i < f.affected_systems.size(); ++i) {
    CheckText(p, "affected_systems[" + std::to_string(i) + "]", f.affected_systems[i],
              kMaxShortTextBytes, true);
  }
  CheckText(p, "election", f.election, kMaxShortTextBytes, false);
  CheckToken(p, "phase", f.phase, ElectionPhases(), false);
  CheckToken(p, "impacts.confidentiality", f.impacts.confidentiality, ImpactLevels(), true);
  CheckToken(p, "impacts.integrity", f.impacts.integrity, ImpactLevels(), true);
  CheckToken(p, "impacts.availability", f.impacts.availability, ImpactLevels(), true);
  CheckToken(p, "impacts.public_trust", f.impacts.public_trust, ImpactLevels(), true);
  CheckToken(p, "severity", f.severity, Severities(), true);
  if (f.tlp.empty()) {
    Add(p, "tlp", "required");
  } else if (!IsTlpToken(f.tlp)) {
    Add(p, "tlp", "must be one of: clear, green, amber, amber+strict, red");
  }
}

void CheckTimes(std::vector<FieldProblem>& p, std::optional<Micros> detected,
                std::optional<Micros> started) {
  if (detected && started && *started > *detected) {
    Add(p, "started", "must not be after the time it was detected");
  }
}

json::value OptTime(const std::optional<Micros>& t) {
  return t ? json::value(TimeText(*t)) : json::value(nullptr);
}

json::array StringArray(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

Impacts ReadImpacts(JsonReader& r, std::string_view key, bool required) {
  Impacts impacts;
  JsonReader sub = r.Object(key, required);
  if (!sub.present()) return impacts;
  auto level = [&](std::string_view k, std::string& out) {
    if (auto v = sub.OptStr(k)) out = *v;
  };
  level("confidentiality", impacts.confidentiality);
  level("integrity", impacts.integrity);
  level("availability", impacts.availability);
  level("public_trust", impacts.public_trust);
  sub.RejectUnknown();
  return impacts;
}

}  // namespace

std::string TimeText(Micros micros) { return FormatTimestamp(micros, 6); }

std::string_view Case::uuid() const {
  std::string_view v = id;
  if (v.substr(0, kIncidentPrefix.size()) != kIncidentPrefix) return {};
  return v.substr(kIncidentPrefix.size());
}

const Task* Case::FindTask(std::string_view task_id) const {
  for (const Task& t : tasks) {
    if (t.id == task_id) return &t;
  }
  return nullptr;
}

Error ProblemsError(const std::vector<FieldProblem>& problems) {
  std::string message;
  for (const FieldProblem& p : problems) {
    message += message.empty() ? "" : "; ";
    message += p.field + ": " + p.message;
  }
  return Error::Invalid(message.empty() ? "invalid" : message);
}

std::vector<FieldProblem> ValidateReport(const ReportInput& in, Micros now) {
  std::vector<FieldProblem> p;
  CheckCommon(p,
              {in.title, in.description, in.category, in.election_targets, in.disinformation_kind,
               in.affected_systems, in.election, in.phase, in.impacts, in.severity, in.tlp});
  if (!in.detected) {
    Add(p, "detected", "required");
  } else if (*in.detected > now + kMaxFutureSkew) {
    Add(p, "detected", "must not be in the future");
  }
  if (in.started && *in.started > now + kMaxFutureSkew) {
    Add(p, "started", "must not be in the future");
  }
  CheckTimes(p, in.detected, in.started);
  // Field order for the UI: stable sort by the order fields appear on the form.
  static constexpr std::string_view kOrder[] = {"title",
                                                "description",
                                                "detected",
                                                "started",
                                                "category",
                                                "election_targets",
                                                "disinformation_kind",
                                                "affected_systems",
                                                "election",
                                                "phase",
                                                "impacts",
                                                "severity",
                                                "tlp"};
  auto rank = [](const std::string& field) {
    for (size_t i = 0; i < std::size(kOrder); ++i) {
      if (field.compare(0, kOrder[i].size(), kOrder[i]) == 0) return i;
    }
    return std::size(kOrder);
  };
  std::stable_sort(p.begin(), p.end(), [&](const FieldProblem& a, const FieldProblem& b) {
    return rank(a.field) < rank(b.field);
  });
  return p;
}

ReportInput ReportInputFromJson(const json::value& value, std::vector<FieldProblem>& problems) {
  ReportInput in;
  JsonReader r(value, "", problems);
  if (!r.present()) return in;
  in.title = r.Str("title", false);
  in.description = r.Str("description", false);
  in.detected = r.Time("detected", false);
  in.started = r.Time("started", false);
  in.category = r.Str("category", false);
  in.election_targets = r.StrList("election_targets", false);
  in.disinformation_kind = r.Str("disinformation_kind", false);
  in.affected_systems = r.StrList("affected_systems", false);
  in.election = r.Str("election", false);
  in.phase = r.Str("phase", false);
  in.impacts = ReadImpacts(r, "impacts", false);
  in.severity = r.Str("severity", false);
  in.tlp = r.Str("tlp", false);
  r.RejectUnknown();
  return in;
}

Result<Case> NewCase(const ReportInput& in, std::string_view uuid, Micros now) {
  std::vector<FieldProblem> problems = ValidateReport(in, now);
  if (UuidVersion(uuid) != 4) Add(problems, "id", "must be a version-4 UUID");
  if (!problems.empty()) return ProblemsError(problems);
  Case c;
  c.id = std::string(kIncidentPrefix) + std::string(uuid);
  std::transform(c.id.begin(), c.id.end(), c.id.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  c.title = in.title;
  c.description = in.description;
  c.created = c.modified = now;
  c.detected = *in.detected;
  c.started = in.started;
  c.category = in.category;
  c.election_targets = in.election_targets;
  c.disinformation_kind = in.disinformation_kind;
  c.affected_systems = in.affected_systems;
  c.election = in.election;
  c.phase = in.phase;
  c.impacts = in.impacts;
  c.severity = in.severity;
  c.tlp = in.tlp;
  return c;
}

std::vector<FieldProblem> ValidateCase(const Case& c) {
  std::vector<FieldProblem> p;
  if (!stix::IsStixIdentifier(c.id) || stix::IdentifierType(c.id) != "incident") {
    Add(p, "id", "must be incident--<uuid>");
  }
  CheckCommon(p, {c.title, c.description, c.category, c.election_targets, c.disinformation_kind,
                  c.affected_systems, c.election, c.phase, c.impacts, c.severity, c.tlp});
  if (c.modified < c.created) Add(p, "modified", "must not be before created");
  CheckTimes(p, c.detected, c.started);
  CheckToken(p, "status", c.status, CaseStatuses(), true);
  if (c.status == "duplicate") {
    if (!c.duplicate_of) {
      Add(p, "duplicate_of", "required for a duplicate");
    } else if (!stix::IsStixIdentifier(*c.duplicate_of) ||
               stix::IdentifierType(*c.duplicate_of) != "incident") {
      Add(p, "duplicate_of", "must be incident--<uuid>");
    } else if (*c.duplicate_of == c.id) {
      Add(p, "duplicate_of", "a case cannot duplicate itself");
    }
  } else if (c.duplicate_of) {
    Add(p, "duplicate_of", "only for a duplicate");
  }
  if (c.assignee && !IsId(*c.assignee)) Add(p, "assignee", "must be a user id");
  if (c.tasks.size() > kMaxTasks) Add(p, "tasks", "too many tasks");
  std::set<std::string_view> task_ids;
  for (size_t i = 0; i < c.tasks.size(); ++i) {
    const Task& t = c.tasks[i];
    const std::string f = "tasks[" + std::to_string(i) + "].";
    if (!IsUuid(t.id)) Add(p, f + "id", "must be a UUID");
    if (!task_ids.insert(t.id).second) Add(p, f + "id", "listed twice");
    CheckText(p, f + "title", t.title, kMaxShortTextBytes, true);
    if (t.owner && !IsId(*t.owner)) Add(p, f + "owner", "must be a user id");
    CheckToken(p, f + "status", t.status, TaskStatuses(), true);
    if (!IsId(t.created_by)) Add(p, f + "created_by", "must be a user id");
    if (!t.playbook.empty() && !IsId(t.playbook)) Add(p, f + "playbook", "must be a token");
  }
  if (c.links.size() > kMaxLinks) Add(p, "links", "too many linked objects");
  std::set<std::string_view> linked;
  for (size_t i = 0; i < c.links.size(); ++i) {
    const LinkedObject& l = c.links[i];
    const std::string f = "links[" + std::to_string(i) + "].";
    if (!stix::IsStixIdentifier(l.object_id)) Add(p, f + "object_id", "must be a STIX id");
    if (!linked.insert(l.object_id).second) Add(p, f + "object_id", "linked twice");
    CheckToken(p, f + "kind", l.kind, LinkKinds(), true);
    if (!IsId(l.added_by)) Add(p, f + "added_by", "must be a user id");
  }
  if (c.acknowledgements.size() > kMaxAcknowledgements) {
    Add(p, "acknowledgements", "too many acknowledgements");
  }
  std::set<std::string_view> orgs;
  for (size_t i = 0; i < c.acknowledgements.size(); ++i) {
    const Acknowledgement& a = c.acknowledgements[i];
    const std::string f = "acknowledgements[" + std::to_string(i) + "].";
    if (!IsId(a.org_id)) Add(p, f + "org_id", "must be an organisation id");
    if (!orgs.insert(a.org_id).second) Add(p, f + "org_id", "acknowledged twice");
    if (!IsId(a.user_id)) Add(p, f + "user_id", "must be a user id");
  }
  return p;
}

json::object ImpactsToJson(const Impacts& impacts) {
  return {{"confidentiality", impacts.confidentiality},
          {"integrity", impacts.integrity},
          {"availability", impacts.availability},
          {"public_trust", impacts.public_trust}};
}

json::object TaskToJson(const Task& t) {
  json::object o{{"id", t.id},
                 {"title", t.title},
                 {"status", t.status},
                 {"created", TimeText(t.created)},
                 {"created_by", t.created_by}};
  if (t.owner) o["owner"] = *t.owner;
  if (t.due) o["due"] = TimeText(*t.due);
  if (!t.playbook.empty()) o["playbook"] = t.playbook;
  return o;
}

json::object ToJson(const Case& c) {
  json::object o;
  o["id"] = c.id;
  o["title"] = c.title;
  o["description"] = c.description;
  o["created"] = TimeText(c.created);
  o["modified"] = TimeText(c.modified);
  o["detected"] = TimeText(c.detected);
  if (c.started) o["started"] = OptTime(c.started);
  o["category"] = c.category;
  o["election_targets"] = StringArray(c.election_targets);
  if (!c.disinformation_kind.empty()) o["disinformation_kind"] = c.disinformation_kind;
  o["affected_systems"] = StringArray(c.affected_systems);
  if (!c.election.empty()) o["election"] = c.election;
  if (!c.phase.empty()) o["phase"] = c.phase;
  o["impacts"] = ImpactsToJson(c.impacts);
  o["severity"] = c.severity;
  o["tlp"] = c.tlp;
  o["status"] = c.status;
  if (c.assignee) o["assignee"] = *c.assignee;
  json::array tasks;
  for (const Task& t : c.tasks) tasks.emplace_back(TaskToJson(t));
  o["tasks"] = std::move(tasks);
  json::array links;
  for (const LinkedObject& l : c.links) {
    links.emplace_back(json::object{{"object_id", l.object_id},
                                    {"kind", l.kind},
                                    {"added", TimeText(l.added)},
                                    {"added_by", l.added_by}});
  }
  o["links"] = std::move(links);
  if (c.duplicate_of) o["duplicate_of"] = *c.duplicate_of;
  if (c.early_warning_sent) o["early_warning_sent"] = OptTime(c.early_warning_sent);
  if (c.notification_sent) o["notification_sent"] = OptTime(c.notification_sent);
  if (c.final_report_sent) o["final_report_sent"] = OptTime(c.final_report_sent);
  json::array acks;
  for (const Acknowledgement& a : c.acknowledgements) {
    acks.emplace_back(
        json::object{{"org_id", a.org_id}, {"user_id", a.user_id}, {"at", TimeText(a.at)}});
  }
  o["acknowledgements"] = std::move(acks);
  return o;
}

Result<Case> FromJson(const json::value& value) {
  std::vector<FieldProblem> problems;
  JsonReader r(value, "", problems);
  if (!r.present()) return ProblemsError(problems);
  Case c;
  c.id = r.Str("id", true);
  c.title = r.Str("title", true);
  c.description = r.Str("description", true);
  c.created = r.Time("created", true).value_or(0);
  c.modified = r.Time("modified", true).value_or(0);
  c.detected = r.Time("detected", true).value_or(0);
  c.started = r.Time("started", false);
  c.category = r.Str("category", true);
  c.election_targets = r.StrList("election_targets", true);
  c.disinformation_kind = r.Str("disinformation_kind", false);
  c.affected_systems = r.StrList("affected_systems", true);
  c.election = r.Str("election", false);
  c.phase = r.Str("phase", false);
  c.impacts = ReadImpacts(r, "impacts", true);
  c.severity = r.Str("severity", true);
  c.tlp = r.Str("tlp", true);
  c.status = r.Str("status", true);
  c.assignee = r.OptStr("assignee");
  r.ForEach("tasks", true, [&](JsonReader& t) {
    Task task;
    task.id = t.Str("id", true);
    task.title = t.Str("title", true);
    task.owner = t.OptStr("owner");
    task.due = t.Time("due", false);
    task.status = t.Str("status", true);
    task.created = t.Time("created", true).value_or(0);
    task.created_by = t.Str("created_by", true);
    task.playbook = t.Str("playbook", false);
    c.tasks.push_back(std::move(task));
  });
  r.ForEach("links", true, [&](JsonReader& l) {
    LinkedObject link;
    link.object_id = l.Str("object_id", true);
    link.kind = l.Str("kind", true);
    link.added = l.Time("added", true).value_or(0);
    link.added_by = l.Str("added_by", true);
    c.links.push_back(std::move(link));
  });
  c.duplicate_of = r.OptStr("duplicate_of");
  c.early_warning_sent = r.Time("early_warning_sent", false);
  c.notification_sent = r.Time("notification_sent", false);
  c.final_report_sent = r.Time("final_report_sent", false);
  r.ForEach("acknowledgements", true, [&](JsonReader& a) {
    Acknowledgement ack;
    ack.org_id = a.Str("org_id", true);
    ack.user_id = a.Str("user_id", true);
    ack.at = a.Time("at", true).value_or(0);
    c.acknowledgements.push_back(std::move(ack));
  });
  r.RejectUnknown();
  if (!problems.empty()) return ProblemsError(problems);
  problems = ValidateCase(c);
  if (!problems.empty()) return ProblemsError(problems);
  return c;
}

Result<Case> CaseFromJsonText(std::string_view text) {
  stix::ParseLimits limits;
  limits.max_bytes = size_t{4} << 20;
  limits.max_depth = 16;
  ECRN_ASSIGN_OR_RETURN(json::value value, stix::ParseJson(text, limits));
  return FromJson(value);
}

}  // namespace ecrn::incident
