#include "ecrn/http/incidents_rest.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <set>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "ecrn/core/secrets.hpp"
#include "ecrn/core/uuid.hpp"
#include "ecrn/evidence/package.hpp"
#include "ecrn/evidence/signing.hpp"
#include "ecrn/incident/case.hpp"
#include "ecrn/incident/clocks.hpp"
#include "ecrn/incident/playbooks.hpp"
#include "ecrn/incident/sharing.hpp"
#include "ecrn/incident/stix_case.hpp"
#include "ecrn/incident/vocab.hpp"
#include "ecrn/incident/workflow.hpp"
#include "ecrn/intel/read.hpp"
#include "ecrn/policy/policy.hpp"
#include "ecrn/stix/object.hpp"

namespace ecrn::http {
namespace {

namespace json = boost::json;
using namespace api;  // NOLINT(google-build-using-namespace): the shared REST helpers

constexpr size_t kDefaultIncidentPage = 50;
constexpr size_t kMaxIncidentPage = 500;
constexpr size_t kMaxTimelinePage = 1000;
constexpr size_t kMaxCommentBytes = 10'000;
constexpr size_t kMaxFileNameBytes = 255;
constexpr size_t kMaxReasonBytes = 500;
// A change that lost a race with another writer is retried this many times
// when the caller did not ask for a particular revision.
constexpr int kChangeAttempts = 5;

// --- loading a case under policy ------------------------------------------------

struct Loaded {
  store::IncidentRow row;
  incident::Case c;
  policy::IncidentFacts Facts() const { return {row.owner_org, row.participants}; }
};

Error NoSuchIncident() { return Error::NotFound("no such incident"); }

// The case `id` (numeric id or STIX id) when the caller takes part in it;
// otherwise the same 404 as for a case that does not exist.
Result<Loaded> LoadCase(Rest& rest, const policy::Principal& p, std::string_view id) {
  auto row = rest.store.Incidents().GetIncident(id);
  if (!row.ok()) {
    if (row.error().code == ErrorCode::kNotFound) return NoSuchIncident();
    return row.error();
  }
  if (!policy::CanReadIncident(p, {row->owner_org, row->participants})) return NoSuchIncident();
  auto c = incident::CaseFromJsonText(row->json);
  if (!c.ok()) {
    return Error::Internal("stored case " + row->stix_id + " is unreadable: " + c.error().message);
  }
  return Loaded{std::move(*row), std::move(*c)};
}

Result<Loaded> LoadCaseParam(Rest& rest, const Caller& c, const RouteContext& ctx) {
  auto id = ctx.Param("id");
  if (!id || id->empty()) return NoSuchIncident();
  return LoadCase(rest, c.principal, *id);
}

// --- reporting clocks -----------------------------------------------------------------

// The rules the operators configured. A rule is checked when it is stored;
// a row that cannot be read all the same is logged and left out.
Result<std::vector<incident::ClockRule>> ConfiguredRules(Rest& rest) {
  ECRN_ASSIGN_OR_RETURN(auto rows, rest.store.Incidents().ListReportingRules());
  std::vector<incident::ClockRule> rules;
  for (const auto& row : rows) {
    auto value = stix::ParseJson(row.json);
    auto rule =
        value.ok() ? incident::RuleFromJson(*value) : Result<incident::ClockRule>(value.error());
    if (rule.ok()) {
      rules.push_back(std::move(*rule));
    } else if (rest.log) {
      rest.log(LogLevel::kError, "clock rule " + std::to_string(row.id) +
                                     " is unreadable and ignored: " + rule.error().message);
    }
  }
  return rules;
}

// The rule for a case of `category` reported by `owner_org`: the most
// specific configured rule for its country and category, else NIS2.
Result<incident::ClockRule> RuleFor(Rest& rest, int64_t owner_org, std::string_view category) {
  ECRN_ASSIGN_OR_RETURN(auto org, rest.store.FindOrganisation(std::to_string(owner_org)));
  ECRN_ASSIGN_OR_RETURN(auto rules, ConfiguredRules(rest));
  const incident::ClockRule* rule = incident::SelectRule(rules, org.country, category);
  return rule ? *rule : incident::Nis2Rule();
}

// --- rows and records ----------------------------------------------------------------

// A whole decimal integer, or nullopt.
std::optional<int64_t> ParseId(std::string_view text) {
  int64_t id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return id;
}

std::optional<int64_t> UserIdOf(const std::optional<std::string>& text) {
  return text ? ParseId(*text) : std::nullopt;
}

// Copies the case into the row's columns and document.
void FillRow(store::IncidentRow& row, const incident::Case& c, const incident::ClockRule& rule,
             Micros now) {
  row.stix_id = c.id;
  row.title = c.title;
  row.status = c.status;
  row.severity = c.severity;
  row.category = c.category;
  row.tlp = c.tlp;
  row.assignee_user = UserIdOf(c.assignee);
  row.next_deadline =
      incident::IsFinalStatus(c.status) ? std::nullopt : incident::NextDeadline(c, rule, now);
  row.updated = now;
  row.json = json::serialize(incident::ToJson(c));
}

// A timeline or custody entry for what the caller did.
AuditRecord CaseRecord(const Caller& c, const RouteContext& ctx, Micros now, std::string action,
                       std::string target, int64_t owner_org, const json::object& detail,
                       std::string outcome = "success") {
  AuditRecord r;
  r.time = now;
  r.actor_user_id = c.principal.user_id;
  r.actor_org_id = c.principal.org_id;
  r.actor_label = c.principal.username;
  r.remote_addr = ctx.request.remote_address;
  r.action = std::move(action);
  r.target = std::move(target);
  r.subject_org_id = owner_org;
  r.outcome = std::move(outcome);
  r.detail = json::serialize(detail);
  return r;
}

std::string UserText(int64_t id) { return std::to_string(id); }

// --- JSON views ----------------------------------------------------------------------

json::value TimeJson(std::optional<Micros> t) {
  return t ? json::value(incident::TimeText(*t)) : json::value(nullptr);
}

json::object ClockJson(const incident::Clock& k) {
  json::object o;
  o["token"] = k.token;
  o["label"] = k.label;
  o["starts"] = incident::TimeText(k.starts);
  o["deadline"] = incident::TimeText(k.deadline);
  o["met_at"] = TimeJson(k.met_at);
  o["state"] = incident::ClockStateToken(k.state);
  o["late"] = k.late;
  return o;
}

// Names of organisations and users, for display.
struct Directory {
  std::map<int64_t, store::Organisation> orgs;
  std::map<int64_t, store::User> users;  // of the orgs the view involves
};

Result<Directory> LoadDirectory(Rest& rest, std::span<const int64_t> org_ids) {
  Directory d;
  ECRN_ASSIGN_OR_RETURN(auto orgs, rest.store.ListOrganisations());
  for (auto& o : orgs) d.orgs.emplace(o.id, std::move(o));
  for (int64_t org : org_ids) {
    ECRN_ASSIGN_OR_RETURN(auto users, rest.store.ListUsers(org));
    for (auto& u : users) d.users.emplace(u.id, std::move(u));
  }
  return d;
}

json::object OrgRef(const Directory& d, int64_t id) {
  json::object o;
  o["id"] = id;
  auto it = d.orgs.find(id);
  o["name"] = it != d.orgs.end() ? it->second.name : "";
  o["kind"] = it != d.orgs.end() ? it->second.kind : "";
  return o;
}

std::vector<int64_t> CaseOrgs(const store::IncidentRow& row) {
  std::vector<int64_t> ids{row.owner_org};
  for (const auto& part : row.participants) ids.push_back(part.org_id);
  return ids;
}

json::object Permissions(const policy::Principal& p, const Loaded& l) {
  const auto facts = l.Facts();
  json::object can;
  can["manage"] = policy::CanManageIncident(p, facts);
  can["contribute"] = policy::CanContributeToIncident(p, facts);
  return can;
}

json::object ListItem(const store::IncidentRow& row, const Directory& d, const policy::Principal& p,
                      Micros now) {
  json::object o;
  o["id"] = row.id;
  o["stix_id"] = row.stix_id;
  o["title"] = row.title;
  o["status"] = row.status;
  o["severity"] = row.severity;
  o["category"] = row.category;
  o["tlp"] = row.tlp;
  o["owner"] = OrgRef(d, row.owner_org);
  o["created"] = incident::TimeText(row.created);
  o["updated"] = incident::TimeText(row.updated);
  o["next_deadline"] = TimeJson(row.next_deadline);
  o["overdue"] = row.next_deadline && *row.next_deadline < now;
  auto part = policy::IncidentPartOf(p, {row.owner_org, row.participants});
  o["my_part"] = part ? json::value(*part) : json::value(nullptr);
  o["rev"] = row.rev;
  return o;
}

Result<json::object> CaseView(Rest& rest, const policy::Principal& p, const Loaded& l, Micros now) {
  const auto org_ids = CaseOrgs(l.row);
  ECRN_ASSIGN_OR_RETURN(auto dir, LoadDirectory(rest, org_ids));
  ECRN_ASSIGN_OR_RETURN(auto rule, RuleFor(rest, l.row.owner_org, l.c.category));
  json::object o = ListItem(l.row, dir, p, now);
  o["case"] = incident::ToJson(l.c);
  json::array clocks;
  for (const auto& k : incident::ComputeClocks(l.c, rule, now)) clocks.push_back(ClockJson(k));
  o["clocks"] = std::move(clocks);
  o["clock_rule"] = rule.name;
  json::array parts;
  for (const auto& part : l.row.participants) {
    json::object po;
    po["org"] = OrgRef(dir, part.org_id);
    po["role"] = part.role;
    po["added"] = incident::TimeText(part.added);
    auto ack = std::find_if(l.c.acknowledgements.begin(), l.c.acknowledgements.end(),
                            [&](const auto& a) { return a.org_id == std::to_string(part.org_id); });
    po["acknowledged"] = ack != l.c.acknowledgements.end()
                             ? json::value(incident::TimeText(ack->at))
                             : json::value(nullptr);
    parts.push_back(std::move(po));
  }
  o["participants"] = std::move(parts);
  // The people of the case's organisations (assignment and task owners).
  json::array people;
  for (const auto& [id, u] : dir.users) {
    if (u.disabled) continue;
    json::object po;
    po["id"] = UserText(id);
    po["username"] = u.username;
    po["role"] = u.role;
    po["org"] = OrgRef(dir, u.org_id);
    people.push_back(std::move(po));
  }
  o["people"] = std::move(people);
  o["can"] = Permissions(p, l);
  o["timeline_entries"] = l.row.timeline_head.seq;
  o["custody_entries"] = l.row.custody_head.seq;
  return o;
}

// --- field problems ------------------------------------------------------------------

// 400 with every problem, each naming its field (the form shows them).
Response ProblemsResponse(const std::vector<incident::FieldProblem>& problems) {
  Response r = RestError(incident::ProblemsError(problems));
  auto body = stix::ParseJson(r.body);
  if (body.ok() && body->is_object()) {
    json::array list;
    for (const auto& p : problems) {
      list.push_back(json::object{{"field", p.field}, {"message", p.message}});
    }
    body->as_object()["problems"] = std::move(list);
    r.body = json::serialize(*body);
  }
  return r;
}

// --- notifications -------------------------------------------------------------------

// Tells the users of `org` who hold one of `roles` (in-app), and queues the
// organisation's webhooks and e-mail endpoints that want `kind`. What it
// tells about has committed already: a failure here is logged, never
// turned into an error the client would retry.
void NotifyOrg(Rest& rest, int64_t org, std::initializer_list<std::string_view> roles,
               const std::string& kind, const std::string& subject, const std::string& title,
               Micros now) {
  auto fail = [&](const Error& e) {
    if (rest.log) rest.log(LogLevel::kError, "notify " + kind + ": " + e.ToString());
  };
  auto users = rest.store.ListUsers(org);
  if (!users.ok()) return fail(users.error());
  std::vector<store::Notification> items;
  for (const auto& u : *users) {
    if (u.disabled) continue;
    if (std::find(roles.begin(), roles.end(), u.role) == roles.end()) continue;
    store::Notification n;
    n.user_id = u.id;
    n.created = now;
    n.kind = kind;
    n.subject_id = subject;
    n.title = title;
    items.push_back(std::move(n));
  }
  if (!items.empty()) {
    if (auto added = rest.store.Incidents().AddNotifications(items); !added.ok()) {
      fail(added.error());
    }
  }
  auto hooks = rest.store.Incidents().ListWebhooks(org);
  if (!hooks.ok()) return fail(hooks.error());
  std::vector<store::DeliveryRow> rows;
  for (const auto& h : *hooks) {
    if (!h.enabled) continue;
    if (!h.events.empty() && std::find(h.events.begin(), h.events.end(), kind) == h.events.end()) {
      continue;
    }
    store::DeliveryRow d;
    const bool mail = h.url.rfind("mailto:", 0) == 0;
    d.channel = mail ? "email" : "webhook";
    d.target = mail ? h.url.substr(7) : h.url;
    d.webhook_id = h.id;
    d.event_id = UuidV4();
    d.event_kind = kind;
    d.subject = "[ECRN] " + title;
    json::object body{{"event", kind},
                      {"id", d.event_id},
                      {"subject", subject},
                      {"title", title},
                      {"time", incident::TimeText(now)}};
    d.body = mail ? title + "\n\nIncident: " + subject + "\nOpen ECRN to see the case.\n"
                  : json::serialize(body);
    d.next_attempt = now;
    d.created = now;
    rows.push_back(std::move(d));
  }
  if (!rows.empty()) {
    if (auto queued = rest.store.Incidents().EnqueueDeliveries(rows); !queued.ok()) {
      fail(queued.error());
    }
  }
}

// --- reporting ---------------------------------------------------------------------

Result<Response> ReportIncident(Rest& rest, const Caller& c, const RouteContext& ctx) {
  const auto& p = c.principal;
  if (!policy::CanReportIncident(p)) {
    return Forbidden("only analysts, liaisons and org admins report incidents");
  }
  ECRN_ASSIGN_OR_RETURN(auto body, JsonBody(ctx.request, 128 * 1024));
  std::string playbook;
  if (const auto* pb = body.if_contains("playbook")) {
    if (!pb->is_string() && !pb->is_null()) return Error::Invalid("playbook: must be a token");
    if (pb->is_string()) playbook = std::string(pb->as_string());
    body.erase("playbook");
  }
  const Micros now = rest.clock.Now();
  std::vector<incident::FieldProblem> problems;
  incident::ReportInput input = incident::ReportInputFromJson(body, problems);
  auto more = incident::ValidateReport(input, now);
  problems.insert(problems.end(), more.begin(), more.end());
  if (!playbook.empty() && !incident::FindPlaybook(playbook)) {
    problems.push_back({"playbook", "unknown playbook " + playbook});
  }
  if (!problems.empty()) return ProblemsResponse(problems);
  ECRN_ASSIGN_OR_RETURN(auto kase, incident::NewCase(input, UuidV4(), now));
  std::vector<incident::TimelineEvent> later;
  if (!playbook.empty()) {
    ECRN_ASSIGN_OR_RETURN(auto applied,
                          incident::ApplyPlaybook(kase, playbook, UserText(p.user_id), now));
    kase = std::move(applied.updated);
    later = std::move(applied.events);
  }
  ECRN_ASSIGN_OR_RETURN(auto rule, RuleFor(rest, p.org_id, kase.category));
  store::IncidentRow row;
  row.owner_org = p.org_id;
  row.reporter_user = p.user_id;
  row.created = now;
  FillRow(row, kase, rule, now);
  json::object detail{{"title", kase.title},       {"category", kase.category},
                      {"severity", kase.severity}, {"tlp", kase.tlp},
                      {"status", kase.status},     {"detected", incident::TimeText(kase.detected)}};
  ECRN_ASSIGN_OR_RETURN(
      auto stored, rest.store.Incidents().CreateIncident(
                       row, CaseRecord(c, ctx, now, "incident.report", kase.id, p.org_id, detail)));
  if (!later.empty()) {
    std::vector<AuditRecord> records;
    for (const auto& e : later) {
      records.push_back(CaseRecord(c, ctx, now, e.action, kase.id, p.org_id, e.detail));
    }
    // The playbook's tasks are in the stored document already; the events
    // describe them on the timeline.
    ECRN_ASSIGN_OR_RETURN(stored, rest.store.Incidents().UpdateIncident(stored, records));
  }
  ECRN_TRY(
      Audit(rest, c, ctx, "incident.report", stored.stix_id, p.org_id, {{"incident", stored.id}}));
  NotifyOrg(rest, p.org_id, {"analyst", "org-admin"}, "incident.reported", stored.stix_id,
            "New incident: " + kase.title, now);
  Loaded l{std::move(stored), std::move(kase)};
  ECRN_ASSIGN_OR_RETURN(auto view, CaseView(rest, p, l, now));
  Response r = Json(201, view);
  r.SetHeader("Location", "/api/v1/incidents/" + l.row.stix_id);
  return r;
}

// --- listing -----------------------------------------------------------------------

std::vector<std::string> SplitList(std::string_view value) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    if (comma > start) out.emplace_back(value.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Result<Response> ListIncidents(Rest& rest, const Caller& c, const RouteContext& ctx) {
  const auto& p = c.principal;
  store::IncidentQuery q = policy::IncidentVisibilityFor(p);
  size_t limit = kDefaultIncidentPage;
  const Micros now = rest.clock.Now();
  for (const auto& [key, value] : ctx.query) {
    if (key == "limit") {
      ECRN_ASSIGN_OR_RETURN(limit, PageLimit(value, kMaxIncidentPage));
    } else if (value.empty()) {
      continue;
    } else if (key == "status") {
      q.statuses = SplitList(value);
    } else if (key == "severity") {
      q.severities = SplitList(value);
    } else if (key == "category") {
      q.categories = SplitList(value);
    } else if (key == "q") {
      q.text = value;
    } else if (key == "overdue") {
      if (value != "true" && value != "false") return Error::Invalid("overdue: true or false");
      if (value == "true") q.deadline_before = now;
    } else if (key == "mine") {
      if (value != "true" && value != "false") return Error::Invalid("mine: true or false");
      if (value == "true") q.assignee_user = p.user_id;
    } else if (key == "after") {
      auto after = ParseId(value);
      if (!after) return Error::Invalid("after: an incident id");
      q.after_id = *after;
    } else {
      return Error::Invalid("unknown parameter " + key);
    }
  }
  q.limit = limit + 1;
  ECRN_ASSIGN_OR_RETURN(auto rows, rest.store.Incidents().ListIncidents(q));
  const bool more = rows.size() > limit;
  if (more) rows.resize(limit);
  ECRN_ASSIGN_OR_RETURN(auto dir, LoadDirectory(rest, {}));
  json::array items;
  for (const auto& row : rows) {
    // The store filtered by organisation; policy has the last word.
    if (!policy::CanReadIncident(p, {row.owner_org, row.participants})) continue;
    items.push_back(ListItem(row, dir, p, now));
  }
  json::object body;
  body["items"] = std::move(items);
  body["next_after"] = more ? json::value(rows.back().id) : json::value(nullptr);
  return Json(200, body);
}

Result<Response> GetIncident(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto l, LoadCaseParam(rest, c, ctx));
  ECRN_ASSIGN_OR_RETURN(auto view, CaseView(rest, c.principal, l, rest.clock.Now()));
  return Json(200, view);
}

// --- changes -------------------------------------------------------------------------

// What a change does to a loaded case: the new document and its timeline
// events, and the participants when they change.
struct Update {
  incident::Case c;
  std::vector<incident::TimelineEvent> events;
  std::optional<std::vector<store::IncidentParticipant>> participants;
};

using UpdateFn = std::function<Result<Update>(const Loaded&, Micros now)>;

// Loads the case, runs `fn` and stores its result with the events on the
// timeline. With `expected_rev`, a case changed since is a 409; without,
// a lost race is retried on the fresh case.
Result<Loaded> UpdateCase(Rest& rest, const Caller& c, const RouteContext& ctx, std::string_view id,
                          std::optional<int64_t> expected_rev, const UpdateFn& fn) {
  for (int attempt = 0;; ++attempt) {
    ECRN_ASSIGN_OR_RETURN(auto l, LoadCase(rest, c.principal, id));
    if (expected_rev && l.row.rev != *expected_rev) {
      return Error{ErrorCode::kConflict,
                   "the case has changed since you loaded it (revision " +
                       std::to_string(l.row.rev) + "); reload and try again",
                   {}};
    }
    const Micros now = rest.clock.Now();
    ECRN_ASSIGN_OR_RETURN(auto update, fn(l, now));
    if (update.events.empty()) return l;  // nothing changed
    ECRN_ASSIGN_OR_RETURN(auto rule, RuleFor(rest, l.row.owner_org, update.c.category));
    store::IncidentRow row = l.row;
    FillRow(row, update.c, rule, now);
    if (update.participants) row.participants = std::move(*update.participants);
    std::vector<AuditRecord> records;
    for (const auto& e : update.events) {
      records.push_back(
          CaseRecord(c, ctx, now, e.action, l.row.stix_id, l.row.owner_org, e.detail));
    }
    auto stored = rest.store.Incidents().UpdateIncident(row, records);
    if (stored.ok()) return Loaded{std::move(*stored), std::move(update.c)};
    if (stored.error().code != ErrorCode::kConflict || expected_rev ||
        attempt + 1 >= kChangeAttempts) {
      return stored.error();
    }
  }
}

Result<std::optional<Micros>> OptionalTimeField(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<Micros>();
  if (!v->is_string()) return Error::Invalid(std::string(key) + ": an RFC 3339 time");
  auto t = ParseTimestamp(v->as_string());
  if (!t.ok()) return Error::Invalid(std::string(key) + ": " + t.error().message);
  return std::optional<Micros>(t->micros);
}

Result<std::string> RequiredString(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string() || v->as_string().empty()) {
    return Error::Invalid(std::string(key) + ": required");
  }
  return std::string(v->as_string());
}

// A user named by id or username who belongs to one of the case's
// organisations, as the user-id text the case document holds.
Result<std::string> CaseUser(Rest& rest, const Loaded& l, const json::value& v,
                             std::string_view field) {
  std::string name;
  if (v.is_string()) {
    name = std::string(v.as_string());
  } else if (v.is_int64()) {
    name = std::to_string(v.as_int64());
  } else {
    return Error::Invalid(std::string(field) + ": a user id or username");
  }
  auto user = rest.store.FindUser(name);
  const auto orgs = CaseOrgs(l.row);
  if (!user.ok() || std::find(orgs.begin(), orgs.end(), user->org_id) == orgs.end() ||
      user->disabled) {
    return Error::Invalid(std::string(field) + ": no such user in the case's organisations");
  }
  return UserText(user->id);
}

// Only members that are present change; null clears where allowed.
Result<incident::EditFields> EditFromJson(const json::object& fields) {
  std::vector<incident::FieldProblem> problems;
  // Read the members present as a report form would (same names and types).
  incident::ReportInput in = incident::ReportInputFromJson(fields, problems);
  if (!problems.empty()) return incident::ProblemsError(problems);
  incident::EditFields e;
  for (const auto& [key, value] : fields) {
    if (key == "title")
      e.title = in.title;
    else if (key == "description")
      e.description = in.description;
    else if (key == "detected") {
      if (!in.detected) return Error::Invalid("detected: cannot be cleared");
      e.detected = *in.detected;
    } else if (key == "started")
      e.started = in.started;
    else if (key == "category")
      e.category = in.category;
    else if (key == "election_targets")
      e.election_targets = in.election_targets;
    else if (key == "disinformation_kind")
      e.disinformation_kind = in.disinformation_kind;
    else if (key == "affected_systems")
      e.affected_systems = in.affected_systems;
    else if (key == "election")
      e.election = in.election;
    else if (key == "phase")
      e.phase = in.phase;
    else if (key == "impacts")
      e.impacts = in.impacts;
    else if (key == "severity")
      e.severity = in.severity;
    else if (key == "tlp")
      e.tlp = in.tlp;
    else
      return Error::Invalid("fields: unknown field " + std::string(key));
  }
  return e;
}

// Reads a change from its JSON form ({"type": ..., ...}) and checks that
// the caller may make it.
Result<incident::Change> ChangeFromJson(Rest& rest, const Caller& c, const Loaded& l,
                                        const json::object& o) {
  const auto& p = c.principal;
  const auto facts = l.Facts();
  const bool manage = policy::CanManageIncident(p, facts);
  const std::string type = StringField(o, "type");
  auto need_manage = [&]() -> Result<void> {
    if (!manage) return Forbidden("only the reporting organisation's analysts manage the case");
    return {};
  };
  if (type == "status") {
    ECRN_TRY(need_manage());
    incident::SetStatus s;
    ECRN_ASSIGN_OR_RETURN(s.status, RequiredString(o, "status"));
    s.reason = StringField(o, "reason");
    if (o.contains("duplicate_of")) s.duplicate_of = StringField(o, "duplicate_of");
    if (s.duplicate_of) {
      // The case it duplicates must be one the caller can see.
      ECRN_ASSIGN_OR_RETURN(auto target, LoadCase(rest, p, *s.duplicate_of));
      s.duplicate_of = target.row.stix_id;
    }
    return incident::Change{s};
  }
  if (type == "assign") {
    ECRN_TRY(need_manage());
    incident::Assign a;
    const auto* v = o.if_contains("assignee");
    if (v && !v->is_null()) {
      ECRN_ASSIGN_OR_RETURN(auto who, CaseUser(rest, l, *v, "assignee"));
      a.assignee = who;
    }
    return incident::Change{a};
  }
  if (type == "edit") {
    ECRN_TRY(need_manage());
    const auto* f = o.if_contains("fields");
    if (!f || !f->is_object()) return Error::Invalid("fields: an object of the fields to change");
    ECRN_ASSIGN_OR_RETURN(auto e, EditFromJson(f->as_object()));
    return incident::Change{e};
  }
  if (type == "add_task") {
    ECRN_TRY(need_manage());
    incident::AddTask t;
    ECRN_ASSIGN_OR_RETURN(t.title, RequiredString(o, "title"));
    if (const auto* v = o.if_contains("owner"); v && !v->is_null()) {
      ECRN_ASSIGN_OR_RETURN(auto who, CaseUser(rest, l, *v, "owner"));
      t.owner = who;
    }
    ECRN_ASSIGN_OR_RETURN(t.due, OptionalTimeField(o, "due"));
    return incident::Change{t};
  }
  if (type == "update_task") {
    incident::UpdateTask t;
    ECRN_ASSIGN_OR_RETURN(t.task_id, RequiredString(o, "task_id"));
    const incident::Task* task = l.c.FindTask(t.task_id);
    if (!task) return Error::NotFound("no such task");
    // Participants work on their own tasks, and take unowned ones.
    const bool own = task->owner == UserText(p.user_id);
    if (!manage) {
      if (!policy::CanContributeToIncident(p, facts)) {
        return Forbidden("viewers cannot change tasks");
      }
      if (task->owner && !own) return Forbidden("the task belongs to someone else");
      if (o.contains("title") || o.contains("due")) {
        return Forbidden("only the reporting organisation's analysts edit a task");
      }
    }
    if (o.contains("title")) t.title = StringField(o, "title");
    if (const auto* v = o.if_contains("owner")) {
      if (v->is_null()) {
        t.owner = std::optional<std::string>();
      } else {
        ECRN_ASSIGN_OR_RETURN(auto who, CaseUser(rest, l, *v, "owner"));
        if (!manage && who != UserText(p.user_id)) {
          return Forbidden("participants take tasks for themselves");
        }
        t.owner = std::optional<std::string>(who);
      }
    }
    if (o.contains("due")) {
      ECRN_ASSIGN_OR_RETURN(auto due, OptionalTimeField(o, "due"));
      t.due = due;
    }
    if (o.contains("status")) t.status = StringField(o, "status");
    return incident::Change{t};
  }
  if (type == "link") {
    ECRN_TRY(need_manage());
    incident::LinkObject k;
    ECRN_ASSIGN_OR_RETURN(k.object_id, RequiredString(o, "object_id"));
    ECRN_ASSIGN_OR_RETURN(k.kind, RequiredString(o, "kind"));
    return incident::Change{k};
  }
  if (type == "unlink") {
    ECRN_TRY(need_manage());
    incident::UnlinkObject k;
    ECRN_ASSIGN_OR_RETURN(k.object_id, RequiredString(o, "object_id"));
    return incident::Change{k};
  }
  if (type == "milestone") {
    ECRN_TRY(need_manage());
    incident::MarkMilestone m;
    ECRN_ASSIGN_OR_RETURN(m.milestone, RequiredString(o, "milestone"));
    ECRN_ASSIGN_OR_RETURN(auto at, OptionalTimeField(o, "at"));
    m.at = at ? *at : rest.clock.Now();
    return incident::Change{m};
  }
  if (type == "acknowledge") {
    if (!policy::CanContributeToIncident(p, facts) || p.org_id == l.row.owner_org) {
      return Forbidden("participant organisations acknowledge a case");
    }
    return incident::Change{incident::Acknowledge{std::to_string(p.org_id), UserText(p.user_id)}};
  }
  if (type == "playbook") {
    ECRN_TRY(need_manage());
    incident::ApplyPlaybookChange pb;
    ECRN_ASSIGN_OR_RETURN(pb.playbook, RequiredString(o, "playbook"));
    return incident::Change{pb};
  }
  return Error::Invalid(
      "type: one of status, assign, edit, add_task, update_task, link, unlink, milestone, "
      "acknowledge, playbook");
}

Result<std::optional<int64_t>> RevField(const json::object& body) {
  const auto* v = body.if_contains("rev");
  if (!v || v->is_null()) return std::optional<int64_t>();
  if (!v->is_int64() && !v->is_uint64()) return Error::Invalid("rev: the case's revision number");
  return std::optional<int64_t>(v->to_number<int64_t>());
}

Result<Response> ChangeIncident(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto body, JsonBody(ctx.request));
  ECRN_ASSIGN_OR_RETURN(auto rev, RevField(body));
  const auto* change = body.if_contains("change");
  if (!change || !change->is_object()) return Error::Invalid("change: an object with a type");
  const std::string id(*ctx.Param("id"));
  const std::string actor = UserText(c.principal.user_id);
  ECRN_ASSIGN_OR_RETURN(
      auto l, UpdateCase(rest, c, ctx, id, rev, [&](const Loaded& l, Micros now) -> Result<Update> {
        ECRN_ASSIGN_OR_RETURN(auto ch, ChangeFromJson(rest, c, l, change->as_object()));
        ECRN_ASSIGN_OR_RETURN(auto out, incident::ApplyChange(l.c, ch, actor, now));
        return Update{std::move(out.updated), std::move(out.events), std::nullopt};
      }));
  ECRN_ASSIGN_OR_RETURN(auto view, CaseView(rest, c.principal, l, rest.clock.Now()));
  return Json(200, view);
}

// --- comments and the timeline -------------------------------------------------------

Result<Response> AddComment(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto l, LoadCaseParam(rest, c, ctx));
  if (!policy::CanContributeToIncident(c.principal, l.Facts())) {
    return Forbidden("viewers cannot comment");
  }
  ECRN_ASSIGN_OR_RETURN(auto body, JsonBody(ctx.request));
  const std::string text = StringField(body, "text");
  if (text.empty()) return Error::Invalid("text: required");
  if (text.size() > kMaxCommentBytes || !AuditTextIsValid(text)) {
    return Error::Invalid("text: at most 10,000 bytes of UTF-8");
  }
  const Micros now = rest.clock.Now();
  ECRN_ASSIGN_OR_RETURN(auto entry, rest.store.Incidents().AppendIncidentLog(
                                        l.row.id, store::IncidentLog::kTimeline,
                                        CaseRecord(c, ctx, now, "comment", l.row.stix_id,
                                                   l.row.owner_org, json::object{{"text", text}})));
  return Json(201, json::object{{"seq", entry.seq}, {"hash", entry.hash}});
}

json::object EntryJson(const AuditEntry& e, const Directory& d) {
  json::object o;
  o["seq"] = e.seq;
  o["time"] = incident::TimeText(e.time);
  o["actor"] = e.actor_label;
  o["actor_user_id"] = e.actor_user_id ? json::value(*e.actor_user_id) : json::value(nullptr);
  o["actor_org"] = e.actor_org_id ? json::value(OrgRef(d, *e.actor_org_id)) : json::value(nullptr);
  o["action"] = e.action;
  o["target"] = e.target;
  o["outcome"] = e.outcome;
  auto detail = stix::ParseJson(e.detail);
  o["detail"] = detail.ok() ? std::move(*detail) : json::value(json::object());
  o["prev_hash"] = e.prev_hash;
  o["hash"] = e.hash;
  return o;
}

Result<Response> ListLog(Rest& rest, const Caller& c, const RouteContext& ctx,
                         store::IncidentLog log) {
  ECRN_ASSIGN_OR_RETURN(auto l, LoadCaseParam(rest, c, ctx));
  std::optional<int64_t> after;
  size_t limit = kMaxTimelinePage;
  for (const auto& [key, value] : ctx.query) {
    if (key == "limit") {
      ECRN_ASSIGN_OR_RETURN(limit, PageLimit(value, kMaxTimelinePage));
    } else if (key == "after") {
      after = ParseId(value);
      if (!after) return Error::Invalid("after: a sequence number");
    } else {
      return Error::Invalid("unknown parameter " + key);
    }
  }
  ECRN_ASSIGN_OR_RETURN(auto entries,
                        rest.store.Incidents().ListIncidentLog(l.row.id, log, after, limit + 1));
  const bool more = entries.size() > limit;
  if (more) entries.resize(limit);
  ECRN_ASSIGN_OR_RETURN(auto dir, LoadDirectory(rest, {}));
  json::array items;
  for (const auto& e : entries) items.push_back(EntryJson(e, dir));
  json::object body;
  body["items"] = std::move(items);
  body["next_after"] = more ? json::value(entries.back().seq) : json::value(nullptr);
  const auto& head =
      log == store::IncidentLog::kTimeline ? l.row.timeline_head : l.row.custody_head;
  body["head"] = json::object{{"seq", head.seq}, {"hash", head.hash}};
  return Json(200, body);
}

// --- participants ------------------------------------------------------------------------

Result<Response> AddParticipant(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto body, JsonBody(ctx.request));
  const std::string org_name = StringField(body, "org");
  const std::string role = StringField(body, "role");
  if (org_name.empty()) return Error::Invalid("org: required (a name or id)");
  if (!incident::IsParticipantRole(role)) {
    return Error::Invalid(
        "role: one of national-cert, police, prosecutor, vendor, peer-commission");
  }
  auto org = rest.store.FindOrganisation(org_name);
  if (!org.ok()) return Error::Invalid("org: no such organisation");
  const int64_t org_id = org->id;
  const std::string id(*ctx.Param("id"));
  ECRN_ASSIGN_OR_RETURN(
      auto l,
      UpdateCase(
          rest, c, ctx, id, std::nullopt, [&](const Loaded& l, Micros now) -> Result<Update> {
            if (!policy::CanManageIncident(c.principal, l.Facts())) {
              return Forbidden("only the reporting organisation invites");
            }
            if (org_id == l.row.owner_org) {
              return Error::Invalid("org: the reporting organisation owns the case");
            }
            auto parts = l.row.participants;
            auto it = std::find_if(parts.begin(), parts.end(),
                                   [&](const auto& x) { return x.org_id == org_id; });
            json::object detail{{"org", org_id}, {"org_name", org->name}, {"role", role}};
            if (it != parts.end()) {
              if (it->role == role) return Update{l.c, {}, std::nullopt};
              detail["before"] = it->role;
              it->role = role;
            } else {
              parts.push_back({org_id, role, now});
              std::sort(parts.begin(), parts.end(),
                        [](const auto& a, const auto& b) { return a.org_id < b.org_id; });
            }
            incident::Case updated = l.c;
            updated.modified = now;
            return Update{
                std::move(updated), {{"participant.add", std::move(detail)}}, std::move(parts)};
          }));
  NotifyOrg(rest, org_id, {"analyst", "liaison", "org-admin"}, "incident.invited", l.row.stix_id,
            "Your organisation was invited to an incident: " + l.c.title, rest.clock.Now());
  ECRN_ASSIGN_OR_RETURN(auto view, CaseView(rest, c.principal, l, rest.clock.Now()));
  return Json(200, view);
}

Result<Response> RemoveParticipant(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(int64_t org_id, IdParam(ctx, "org_id"));
  const std::string id(*ctx.Param("id"));
  ECRN_ASSIGN_OR_RETURN(
      auto l,
      UpdateCase(
          rest, c, ctx, id, std::nullopt, [&](const Loaded& l, Micros now) -> Result<Update> {
            if (!policy::CanManageIncident(c.principal, l.Facts())) {
              return Forbidden("only the reporting organisation removes participants");
            }
            auto parts = l.row.participants;
            auto it = std::find_if(parts.begin(), parts.end(),
                                   [&](const auto& x) { return x.org_id == org_id; });
            if (it == parts.end()) return Error::NotFound("no such participant");
            json::object detail{{"org", org_id}, {"role", it->role}};
            parts.erase(it);
            incident::Case updated = l.c;
            updated.modified = now;
            return Update{
                std::move(updated), {{"participant.remove", std::move(detail)}}, std::move(parts)};
          }));
  ECRN_ASSIGN_OR_RETURN(auto view, CaseView(rest, c.principal, l, rest.clock.Now()));
  return Json(200, view);
}

// --- evidence ---------------------------------------------------------------------------

json::object EvidenceJson(const store::EvidenceMeta& m, const Directory& d) {
  json::object o;
  o["id"] = m.uuid;
  o["file_name"] = m.file_name;
  o["media_type"] = m.media_type;
  o["description"] = m.description;
  o["size"] = m.size;
  o["sha256"] = m.sha256;
  o["acquired"] = incident::TimeText(m.acquired);
  auto u = d.users.find(m.acquired_by_user);
  o["acquired_by"] = u != d.users.end() ? u->second.username : std::to_string(m.acquired_by_user);
  o["acquired_by_org"] = OrgRef(d, m.acquired_by_org);
  return o;
}

// A file name as uploaded: a last path component, printable, bounded.
Result<std::string> EvidenceFileName(std::string_view name) {
  if (name.empty()) return Error::Invalid("file_name: required");
  if (name.size() > kMaxFileNameBytes || !AuditTextIsValid(name)) {
    return Error::Invalid("file_name: at most 255 bytes of UTF-8");
  }
  for (unsigned char ch : name) {
    if (ch < 0x20 || ch == 0x7F || ch == '/' || ch == '\\') {
      return Error::Invalid("file_name: a name without slashes or control characters");
    }
  }
  if (name == "." || name == "..") return Error::Invalid("file_name: not a file name");
  return std::string(name);
}

Result<std::string> ReasonParam(const RouteContext& ctx) {
  std::string reason(ctx.Query("reason").value_or(""));
  if (reason.size() > kMaxReasonBytes || !AuditTextIsValid(reason)) {
    return Error::Invalid("reason: at most 500 bytes of UTF-8");
  }
  return reason;
}

Result<Response> UploadEvidence(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto l, LoadCaseParam(rest, c, ctx));
  if (!policy::CanContributeToIncident(c.principal, l.Facts())) {
    return Forbidden("viewers cannot add evidence");
  }
  ECRN_ASSIGN_OR_RETURN(auto name, EvidenceFileName(ctx.Query("file_name").value_or("")));
  std::string description(ctx.Query("description").value_or(""));
  if (description.size() > 2000 || !AuditTextIsValid(description)) {
    return Error::Invalid("description: at most 2,000 bytes of UTF-8");
  }
  ECRN_ASSIGN_OR_RETURN(auto reason, ReasonParam(ctx));
  if (ctx.request.body.empty()) return Error::Invalid("the body must hold the file (not empty)");
  std::string media(ctx.request.Header("Content-Type").value_or("application/octet-stream"));
  if (media.size() > 200 || !AuditTextIsValid(media)) media = "application/octet-stream";
  const Micros now = rest.clock.Now();
  store::EvidenceMeta meta;
  meta.incident_id = l.row.id;
  meta.uuid = UuidV4();
  meta.file_name = name;
  meta.media_type = media;
  meta.description = description;
  meta.size = static_cast<int64_t>(ctx.request.body.size());
  meta.sha256 = Sha256Hex(ctx.request.body);
  meta.acquired = now;
  meta.acquired_by_user = c.principal.user_id;
  meta.acquired_by_org = c.principal.org_id;
  json::object acquired{{"evidence", meta.uuid}, {"file_name", name},   {"sha256", meta.sha256},
                        {"size", meta.size},     {"media_type", media}, {"reason", reason}};
  json::object added{
      {"evidence", meta.uuid}, {"file_name", name}, {"sha256", meta.sha256}, {"size", meta.size}};
  ECRN_ASSIGN_OR_RETURN(
      auto stored,
      rest.store.Incidents().AddEvidence(
          meta, ctx.request.body,
          CaseRecord(c, ctx, now, "evidence.acquire", "evidence:" + meta.uuid, l.row.owner_org,
                     acquired),
          CaseRecord(c, ctx, now, "evidence.add", l.row.stix_id, l.row.owner_org, added)));
  ECRN_TRY(Audit(rest, c, ctx, "evidence.acquire", "evidence:" + stored.uuid, l.row.owner_org,
                 {{"incident", l.row.stix_id}, {"sha256", stored.sha256}}));
  ECRN_ASSIGN_OR_RETURN(auto dir, LoadDirectory(rest, std::vector<int64_t>{c.principal.org_id}));
  return Json(201, EvidenceJson(stored, dir));
}

Result<Response> ListEvidence(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto l, LoadCaseParam(rest, c, ctx));
  ECRN_ASSIGN_OR_RETURN(auto list, rest.store.Incidents().ListEvidence(l.row.id));
  ECRN_ASSIGN_OR_RETURN(auto dir, LoadDirectory(rest, CaseOrgs(l.row)));
  json::array items;
  for (const auto& m : list) items.push_back(EvidenceJson(m, dir));
  return Json(200, json::object{{"items", std::move(items)}});
}

// "attachment; filename=..." with the RFC 6266 / 8187 UTF-8 form.
std::string Attachment(std::string_view name) {
  std::string ascii;
  std::string encoded;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char ch : name) {
    const bool plain = std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_';
    ascii += plain ? static_cast<char>(ch) : '_';
    if (plain) {
      encoded += static_cast<char>(ch);
    } else {
      encoded += '%';
      encoded += kHex[ch >> 4];
      encoded += kHex[ch & 15];
    }
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

Result<Response> DownloadEvidence(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto l, LoadCaseParam(rest, c, ctx));
  if (!policy::CanContributeToIncident(c.principal, l.Facts())) {
    return Forbidden("viewers cannot download evidence");
  }
  ECRN_ASSIGN_OR_RETURN(auto reason, ReasonParam(ctx));
  auto eid = ctx.Param("evidence_id");
  auto file = rest.store.Incidents().ReadEvidence(*eid);
  if (!file.ok()) {
    if (file.error().code == ErrorCode::kNotFound) return Error::NotFound("no such evidence");
    return file.error();
  }
  if (file->meta.incident_id != l.row.id) return Error::NotFound("no such evidence");
  const Micros now = rest.clock.Now();
  const std::string actual = Sha256Hex(file->data);
  const bool intact =
      actual == file->meta.sha256 && static_cast<int64_t>(file->data.size()) == file->meta.size;
  json::object detail{{"evidence", file->meta.uuid},
                      {"sha256", file->meta.sha256},
                      {"reason", reason},
                      {"verified", intact}};
  if (!intact) detail["actual_sha256"] = actual;
  // The access is on the custody log before a byte leaves the hub.
  ECRN_TRY(rest.store.Incidents().AppendIncidentLog(
      l.row.id, store::IncidentLog::kCustody,
      CaseRecord(c, ctx, now, "evidence.download", "evidence:" + file->meta.uuid, l.row.owner_org,
                 detail, intact ? "success" : "failure")));
  if (!intact) {
    if (rest.log) {
      rest.log(LogLevel::kError, "evidence " + file->meta.uuid + " of " + l.row.stix_id +
                                     " does not match its acquisition hash");
    }
    return Error::Internal("the stored file does not match its acquisition hash; it was not sent");
  }
  Response r = MakeResponse(200, file->meta.media_type, std::move(file->data));
  r.SetHeader("Content-Disposition", Attachment(file->meta.file_name));
  r.SetHeader("X-Content-SHA256", file->meta.sha256);
  r.SetHeader("X-Content-Type-Options", "nosniff");
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

// --- STIX --------------------------------------------------------------------------------

Result<Response> ExportStix(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto l, LoadCaseParam(rest, c, ctx));
  ECRN_ASSIGN_OR_RETURN(auto owner, rest.store.FindOrganisation(std::to_string(l.row.owner_org)));
  ECRN_ASSIGN_OR_RETURN(auto bundle,
                        incident::CaseToBundle(l.c, owner.identity_id, "bundle--" + UuidV4()));
  ECRN_TRY(rest.store.Incidents().AppendIncidentLog(
      l.row.id, store::IncidentLog::kTimeline,
      CaseRecord(c, ctx, rest.clock.Now(), "incident.export", l.row.stix_id, l.row.owner_org,
                 json::object{{"format", "stix-2.1"}})));
  Response r = MakeResponse(200, "application/stix+json;version=2.1", std::move(bundle));
  r.SetHeader("Content-Disposition", Attachment(l.row.stix_id + ".json"));
  return r;
}

Result<Response> ImportStix(Rest& rest, const Caller& c, const RouteContext& ctx) {
  const auto& p = c.principal;
  if (!policy::CanReportIncident(p)) {
    return Forbidden("only analysts, liaisons and org admins import incidents");
  }
  stix::ParseLimits limits;
  limits.max_bytes = 4 << 20;
  ECRN_ASSIGN_OR_RETURN(auto value, stix::ParseJson(ctx.request.body, limits));
  ECRN_ASSIGN_OR_RETURN(auto doc, stix::ObjectsFromJson(std::move(value), limits));
  auto kase = incident::CaseFromStix(doc.objects, ctx.Query("incident").value_or(""));
  if (!kase.ok()) return kase.error();
  const Micros now = rest.clock.Now();
  // An imported case is a new case of the importing organisation: it keeps
  // its id when that is free (a re-import is refused as a duplicate).
  kase->status = incident::IsCaseStatus(kase->status) ? kase->status : "reported";
  ECRN_ASSIGN_OR_RETURN(auto rule, RuleFor(rest, p.org_id, kase->category));
  store::IncidentRow row;
  row.owner_org = p.org_id;
  row.reporter_user = p.user_id;
  row.created = now;
  FillRow(row, *kase, rule, now);
  auto stored = rest.store.Incidents().CreateIncident(
      row, CaseRecord(c, ctx, now, "incident.import", kase->id, p.org_id,
                      json::object{{"title", kase->title}, {"format", "stix-2.1"}}));
  if (!stored.ok()) {
    if (stored.error().code == ErrorCode::kAlreadyExists) {
      return Error{ErrorCode::kConflict, "an incident with this id is already on the hub", {}};
    }
    return stored.error();
  }
  ECRN_TRY(Audit(rest, c, ctx, "incident.import", stored->stix_id, p.org_id,
                 {{"incident", stored->id}}));
  Loaded l{std::move(*stored), std::move(*kase)};
  ECRN_ASSIGN_OR_RETURN(auto view, CaseView(rest, p, l, now));
  return Json(201, view);
}

// --- vocabulary -------------------------------------------------------------------------

json::array VocabJson(std::span<const incident::VocabEntry> entries) {
  json::array a;
  for (const auto& e : entries) {
    a.push_back(json::object{{"token", e.token}, {"label", e.label}, {"definition", e.definition}});
  }
  return a;
}

Result<Response> Vocabulary(Rest&, const Caller&, const RouteContext&) {
  json::object o;
  o["categories"] = VocabJson(incident::Categories());
  o["election_targets"] = VocabJson(incident::ElectionTargets());
  o["disinformation_kinds"] = VocabJson(incident::DisinformationKinds());
  o["election_phases"] = VocabJson(incident::ElectionPhases());
  o["severities"] = VocabJson(incident::Severities());
  o["impact_dimensions"] = VocabJson(incident::ImpactDimensions());
  o["impact_levels"] = VocabJson(incident::ImpactLevels());
  o["participant_roles"] = VocabJson(incident::ParticipantRoles());
  o["task_statuses"] = VocabJson(incident::TaskStatuses());
  o["statuses"] = VocabJson(incident::CaseStatuses());
  o["link_kinds"] = VocabJson(incident::LinkKinds());
  o["milestones"] = VocabJson(incident::Milestones());
  json::object transitions;
  for (const auto& s : incident::CaseStatuses()) {
    json::array to;
    for (auto t : incident::AllowedTransitions(s.token)) to.push_back(json::string(t));
    transitions[s.token] = std::move(to);
  }
  o["transitions"] = std::move(transitions);
  json::array playbooks;
  for (const auto& pb : incident::Playbooks()) {
    json::array tasks;
    for (const auto& t : pb.tasks) tasks.push_back(json::string(t.title));
    playbooks.push_back(json::object{{"token", pb.token},
                                     {"title", pb.title},
                                     {"description", pb.description},
                                     {"suggested_category", pb.suggested_category},
                                     {"tasks", std::move(tasks)}});
  }
  o["playbooks"] = std::move(playbooks);
  o["default_clock_rule"] = incident::RuleToJson(incident::Nis2Rule());
  return Json(200, o);
}

// --- reporting-clock rules (network admins) ----------------------------------------------

Result<Response> ListRules(Rest& rest, const Caller&, const RouteContext&) {
  ECRN_ASSIGN_OR_RETURN(auto rows, rest.store.Incidents().ListReportingRules());
  json::array items;
  for (const auto& row : rows) {
    auto v = stix::ParseJson(row.json);
    json::object o;
    o["id"] = row.id;
    o["rule"] = v.ok() ? std::move(*v) : json::value(nullptr);
    o["updated"] = incident::TimeText(row.updated);
    items.push_back(std::move(o));
  }
  return Json(200, json::object{{"items", std::move(items)},
                                {"default", incident::RuleToJson(incident::Nis2Rule())}});
}

Result<Response> PutRule(Rest& rest, const Caller& c, const RouteContext& ctx) {
  if (!policy::CanAdministerNetwork(c.principal)) return Forbidden("network admins only");
  ECRN_ASSIGN_OR_RETURN(auto body, JsonBody(ctx.request));
  ECRN_ASSIGN_OR_RETURN(auto rule, incident::RuleFromJson(body));
  auto problems = incident::ValidateRule(rule);
  if (!problems.empty()) return ProblemsResponse(problems);
  store::ReportingRuleRow row;
  row.country = rule.country;
  row.category = rule.category;
  row.json = json::serialize(incident::RuleToJson(rule));
  row.updated = rest.clock.Now();
  ECRN_ASSIGN_OR_RETURN(int64_t id, rest.store.Incidents().PutReportingRule(row));
  ECRN_TRY(Audit(rest, c, ctx, "clock-rule.put", "clock-rule:" + std::to_string(id), std::nullopt,
                 {{"country", rule.country}, {"category", rule.category}, {"name", rule.name}}));
  return Json(200, json::object{{"id", id}});
}

Result<Response> DeleteRule(Rest& rest, const Caller& c, const RouteContext& ctx) {
  if (!policy::CanAdministerNetwork(c.principal)) return Forbidden("network admins only");
  ECRN_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "rule_id"));
  ECRN_TRY(rest.store.Incidents().DeleteReportingRule(id));
  ECRN_TRY(Audit(rest, c, ctx, "clock-rule.delete", "clock-rule:" + std::to_string(id),
                 std::nullopt, {}));
  Response r;
  r.status = 204;
  return r;
}

json::object NotificationJson(const store::Notification& n) {
  json::object o;
  o["id"] = n.id;
  o["kind"] = n.kind;
  o["subject"] = n.subject_id;
  o["title"] = n.title;
  o["created"] = incident::TimeText(n.created);
  o["read"] = TimeJson(n.read);
  return o;
}

Result<Response> ListNotifications(Rest& rest, const Caller& c, const RouteContext& ctx) {
  bool unread = false;
  std::optional<int64_t> after;
  size_t limit = 100;
  for (const auto& [key, value] : ctx.query) {
    if (key == "unread") {
      if (value != "true" && value != "false") return Error::Invalid("unread: true or false");
      unread = value == "true";
    } else if (key == "after") {
      after = ParseId(value);
      if (!after) return Error::Invalid("after: a notification id");
    } else if (key == "limit") {
      ECRN_ASSIGN_OR_RETURN(limit, PageLimit(value, 500));
    } else {
      return Error::Invalid("unknown parameter " + key);
    }
  }
  ECRN_ASSIGN_OR_RETURN(auto list, rest.store.Incidents().ListNotifications(c.principal.user_id,
                                                                            unread, after, limit));
  json::array items;
  for (const auto& n : list) items.push_back(NotificationJson(n));
  return Json(200, json::object{{"items", std::move(items)}});
}

Result<Response> ReadNotification(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "notification_id"));
  ECRN_TRY(rest.store.Incidents().MarkNotificationRead(c.principal.user_id, id, rest.clock.Now()));
  Response r;
  r.status = 204;
  return r;
}

// --- webhooks and e-mail endpoints (org admins, for their organisation) -------------------

json::object WebhookJson(const store::Webhook& h, bool with_secret) {
  json::object o;
  o["id"] = h.id;
  o["org"] = h.org_id;
  o["url"] = h.url;
  json::array events;
  for (const auto& e : h.events) events.push_back(json::string(e));
  o["events"] = std::move(events);
  o["enabled"] = h.enabled;
  o["created"] = incident::TimeText(h.created);
  if (with_secret) o["secret"] = h.secret;
  return o;
}

Result<Response> ListWebhooks(Rest& rest, const Caller& c, const RouteContext&) {
  if (!policy::CanAdministerUsersOf(c.principal, c.principal.org_id)) {
    return Forbidden("org admins only");
  }
  ECRN_ASSIGN_OR_RETURN(auto hooks, rest.store.Incidents().ListWebhooks(c.principal.org_id));
  json::array items;
  for (const auto& h : hooks) items.push_back(WebhookJson(h, false));
  return Json(200, json::object{{"items", std::move(items)}});
}

Result<Response> AddWebhook(Rest& rest, const Caller& c, const RouteContext& ctx) {
  if (!policy::CanAdministerUsersOf(c.principal, c.principal.org_id)) {
    return Forbidden("org admins only");
  }
  ECRN_ASSIGN_OR_RETURN(auto body, JsonBody(ctx.request));
  store::Webhook h;
  h.org_id = c.principal.org_id;
  h.url = StringField(body, "url");
  const bool mail = h.url.rfind("mailto:", 0) == 0;
  const bool web = h.url.rfind("https://", 0) == 0 || h.url.rfind("http://", 0) == 0;
  if (h.url.size() > 2000 || !AuditTextIsValid(h.url) || (!mail && !web) ||
      h.url.find_first_of(" \r\n\t") != std::string::npos ||
      (mail && h.url.find('@') == std::string::npos)) {
    return Error::Invalid("url: an http(s) URL for a webhook, or mailto:address for e-mail");
  }
  if (const auto* events = body.if_contains("events")) {
    if (!events->is_array()) return Error::Invalid("events: a list of event kinds");
    for (const auto& e : events->as_array()) {
      if (!e.is_string() || e.as_string().empty() || e.as_string().size() > 100) {
        return Error::Invalid("events: a list of event kinds");
      }
      h.events.emplace_back(e.as_string());
    }
  }
  h.secret = RandomToken(32);
  h.created = rest.clock.Now();
  ECRN_ASSIGN_OR_RETURN(h.id, rest.store.Incidents().AddWebhook(h));
  ECRN_TRY(Audit(rest, c, ctx, "webhook.create", "webhook:" + std::to_string(h.id),
                 c.principal.org_id, {{"url", h.url}}));
  return Json(201, WebhookJson(h, true));
}

Result<Response> DeleteWebhook(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "webhook_id"));
  ECRN_ASSIGN_OR_RETURN(auto hooks, rest.store.Incidents().ListWebhooks(c.principal.org_id));
  const bool ours =
      std::any_of(hooks.begin(), hooks.end(), [&](const auto& h) { return h.id == id; });
  if (!ours) return Error::NotFound("no such webhook");
  if (!policy::CanAdministerUsersOf(c.principal, c.principal.org_id)) {
    return Forbidden("org admins only");
  }
  ECRN_TRY(rest.store.Incidents().DeleteWebhook(id));
  ECRN_TRY(Audit(rest, c, ctx, "webhook.delete", "webhook:" + std::to_string(id),
                 c.principal.org_id, {}));
  Response r;
  r.status = 204;
  return r;
}

// --- crime-report packages ------------------------------------------------------------

Result<evidence::SigningKey> HubKey(Rest& rest) {
  ECRN_ASSIGN_OR_RETURN(auto seed,
                        rest.store.ServerSecret(kPackageKeySecret, evidence::GenerateSeedHex()));
  return evidence::SigningKey::FromSeedHex(seed);
}

json::object PackageJson(const store::PackageRow& row, const store::IncidentRow& incident,
                         const Directory& d) {
  json::object o;
  o["id"] = row.uuid;
  o["incident"] = json::object{{"id", incident.id},
                               {"stix_id", incident.stix_id},
                               {"title", incident.title},
                               {"owner", OrgRef(d, incident.owner_org)}};
  o["recipient"] = OrgRef(d, row.recipient_org);
  o["created"] = incident::TimeText(row.created);
  auto u = d.users.find(row.created_by_user);
  o["created_by"] = u != d.users.end() ? u->second.username : std::to_string(row.created_by_user);
  o["sha256"] = row.sha256;
  o["size"] = row.size;
  o["acknowledged"] = TimeJson(row.acknowledged);
  if (row.acknowledged_by_user) {
    auto a = d.users.find(*row.acknowledged_by_user);
    o["acknowledged_by"] =
        a != d.users.end() ? a->second.username : std::to_string(*row.acknowledged_by_user);
  } else {
    o["acknowledged_by"] = nullptr;
  }
  return o;
}

// Every entry of one of a case's chains.
Result<std::vector<AuditEntry>> WholeChain(Rest& rest, int64_t incident_id,
                                           store::IncidentLog log) {
  std::vector<AuditEntry> all;
  std::optional<int64_t> after;
  for (;;) {
    ECRN_ASSIGN_OR_RETURN(auto page,
                          rest.store.Incidents().ListIncidentLog(incident_id, log, after, 5000));
    if (page.empty()) break;
    after = page.back().seq;
    for (auto& e : page) all.push_back(std::move(e));
  }
  return all;
}

std::string UserLabel(const Directory& d, int64_t user_id) {
  auto u = d.users.find(user_id);
  if (u == d.users.end()) return "user " + std::to_string(user_id);
  auto o = d.orgs.find(u->second.org_id);
  return u->second.username + (o != d.orgs.end() ? " (" + o->second.name + ")" : "");
}

Result<Response> CreatePackage(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto l, LoadCaseParam(rest, c, ctx));
  if (!policy::CanManageIncident(c.principal, l.Facts())) {
    return Forbidden("only the reporting organisation's analysts send crime reports");
  }
  ECRN_ASSIGN_OR_RETURN(auto body, JsonBody(ctx.request));
  auto recipient = rest.store.FindOrganisation(StringField(body, "recipient"));
  const store::IncidentParticipant* part = nullptr;
  if (recipient.ok()) {
    for (const auto& p : l.row.participants) {
      if (p.org_id == recipient->id) part = &p;
    }
  }
  if (!part || (part->role != "police" && part->role != "prosecutor")) {
    return Error::Invalid(
        "recipient: an organisation taking part in the case as police or "
        "prosecutor");
  }
  const Micros now = rest.clock.Now();
  ECRN_ASSIGN_OR_RETURN(auto dir, LoadDirectory(rest, CaseOrgs(l.row)));
  ECRN_ASSIGN_OR_RETURN(auto key, HubKey(rest));
  evidence::PackageInput in;
  in.hub = "ECRN";
  in.package_uuid = UuidV4();
  in.created = now;
  in.sender_org = dir.orgs.count(l.row.owner_org) ? dir.orgs[l.row.owner_org].name : "";
  in.recipient_org = recipient->name;
  auto& s = in.incident;
  s.stix_id = l.c.id;
  s.title = l.c.title;
  s.description = l.c.description;
  s.category = l.c.category;
  s.severity = l.c.severity;
  s.status = l.c.status;
  s.tlp = l.c.tlp;
  s.detected = l.c.detected;
  s.started = l.c.started;
  s.election = l.c.election;
  s.phase = l.c.phase;
  auto joined = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
    return out;
  };
  if (!l.c.election_targets.empty()) s.extras["Election targets"] = joined(l.c.election_targets);
  if (!l.c.affected_systems.empty()) s.extras["Affected systems"] = joined(l.c.affected_systems);
  s.extras["Impact"] = "confidentiality " + l.c.impacts.confidentiality + ", integrity " +
                       l.c.impacts.integrity + ", availability " + l.c.impacts.availability +
                       ", public trust " + l.c.impacts.public_trust;
  ECRN_ASSIGN_OR_RETURN(in.timeline, WholeChain(rest, l.row.id, store::IncidentLog::kTimeline));
  ECRN_ASSIGN_OR_RETURN(in.custody, WholeChain(rest, l.row.id, store::IncidentLog::kCustody));
  ECRN_ASSIGN_OR_RETURN(auto metas, rest.store.Incidents().ListEvidence(l.row.id));
  std::vector<store::EvidenceFile> files;
  files.reserve(metas.size());
  for (const auto& m : metas) {
    ECRN_ASSIGN_OR_RETURN(auto f, rest.store.Incidents().ReadEvidence(m.uuid));
    files.push_back(std::move(f));
  }
  for (const auto& f : files) {
    evidence::EvidenceItem item;
    item.evidence_id = f.meta.uuid;
    item.file_name = f.meta.file_name;
    item.media_type = f.meta.media_type;
    item.description = f.meta.description;
    item.acquired = f.meta.acquired;
    item.acquired_by = UserLabel(dir, f.meta.acquired_by_user);
    item.sha256 = f.meta.sha256;
    item.size = f.meta.size;
    item.data = f.data;
    in.evidence.push_back(std::move(item));
  }
  std::string zip;
  auto built = evidence::BuildPackageBytes(in, key, &zip);
  if (!built.ok()) {
    // Evidence that no longer matches its acquisition hash, or a broken
    // chain: nothing is sent, and the operator is told.
    if (rest.log)
      rest.log(LogLevel::kError, "package for " + l.row.stix_id + ": " + built.error().ToString());
    return Error{
        ErrorCode::kConflict, "the package could not be built: " + built.error().message, {}};
  }
  store::PackageRow row;
  row.incident_id = l.row.id;
  row.uuid = in.package_uuid;
  row.recipient_org = recipient->id;
  row.created_by_user = c.principal.user_id;
  row.created = now;
  row.sha256 = built->sha256;
  row.size = built->size;
  row.manifest_json = built->manifest_json;
  std::vector<AuditRecord> custody;
  for (const auto& f : files) {
    custody.push_back(CaseRecord(c, ctx, now, "evidence.export", "evidence:" + f.meta.uuid,
                                 l.row.owner_org,
                                 json::object{{"evidence", f.meta.uuid},
                                              {"sha256", f.meta.sha256},
                                              {"package", row.uuid},
                                              {"recipient", recipient->name},
                                              {"reason", "crime report"}}));
  }
  ECRN_ASSIGN_OR_RETURN(
      auto stored,
      rest.store.Incidents().AddPackage(
          row, zip, custody,
          CaseRecord(c, ctx, now, "package.create", l.row.stix_id, l.row.owner_org,
                     json::object{{"package", row.uuid},
                                  {"recipient", recipient->name},
                                  {"sha256", row.sha256},
                                  {"manifest_sha256", built->manifest_sha256},
                                  {"public_key", built->public_key_hex},
                                  {"evidence_files", static_cast<int64_t>(files.size())}})));
  ECRN_TRY(Audit(rest, c, ctx, "package.create", "package:" + stored.uuid, l.row.owner_org,
                 {{"incident", l.row.stix_id}, {"sha256", stored.sha256}}));
  NotifyOrg(rest, recipient->id, {"liaison", "org-admin"}, "package.received", l.row.stix_id,
            "Crime report received: " + l.c.title, now);
  return Json(201, PackageJson(stored, l.row, dir));
}

// A package and its case when the caller may read it; 404 otherwise.
struct LoadedPackage {
  store::PackageRow row;
  store::IncidentRow incident;
};

// With `zip`, the package's bytes are moved there.
Result<LoadedPackage> LoadPackage(Rest& rest, const Caller& c, const RouteContext& ctx,
                                  std::string* zip) {
  auto id = ctx.Param("package_id");
  auto file = rest.store.Incidents().ReadPackage(*id);
  if (!file.ok()) {
    if (file.error().code == ErrorCode::kNotFound) return Error::NotFound("no such package");
    return file.error();
  }
  ECRN_ASSIGN_OR_RETURN(auto incident,
                        rest.store.Incidents().GetIncident(std::to_string(file->row.incident_id)));
  if (!policy::CanReadPackage(c.principal, {incident.owner_org, incident.participants},
                              file->row.recipient_org)) {
    return Error::NotFound("no such package");
  }
  if (zip) *zip = std::move(file->zip);
  return LoadedPackage{std::move(file->row), std::move(incident)};
}

Result<Response> ListPackages(Rest& rest, const Caller& c, const RouteContext& ctx) {
  const auto& p = c.principal;
  store::PackageQuery q;
  q.limit = 500;
  std::optional<Loaded> l;
  for (const auto& [key, value] : ctx.query) {
    if (key == "incident") {
      ECRN_ASSIGN_OR_RETURN(auto loaded, LoadCase(rest, p, value));
      q.incident_id = loaded.row.id;
      l = std::move(loaded);
    } else if (key == "acknowledged") {
      if (value != "true" && value != "false") return Error::Invalid("acknowledged: true or false");
      q.acknowledged = value == "true";
    } else {
      return Error::Invalid("unknown parameter " + key);
    }
  }
  // Without a case: what was sent to the caller's organisation.
  if (!q.incident_id) q.recipient_org = p.org_id;
  ECRN_ASSIGN_OR_RETURN(auto rows, rest.store.Incidents().ListPackages(q));
  std::map<int64_t, store::IncidentRow> cases;
  std::vector<const store::PackageRow*> readable;
  std::set<int64_t> org_ids;
  for (const auto& row : rows) {
    auto it = cases.find(row.incident_id);
    if (it == cases.end()) {
      ECRN_ASSIGN_OR_RETURN(auto incident,
                            rest.store.Incidents().GetIncident(std::to_string(row.incident_id)));
      it = cases.emplace(row.incident_id, std::move(incident)).first;
    }
    if (!policy::CanReadPackage(p, {it->second.owner_org, it->second.participants},
                                row.recipient_org)) {
      continue;
    }
    readable.push_back(&row);
    org_ids.insert(it->second.owner_org);
    org_ids.insert(row.recipient_org);
  }
  // The sender's and the recipient's people, so both sides see who sent
  // and who acknowledged by name.
  ECRN_ASSIGN_OR_RETURN(auto dir,
                        LoadDirectory(rest, std::vector<int64_t>(org_ids.begin(), org_ids.end())));
  json::array items;
  for (const auto* row : readable) items.push_back(PackageJson(*row, cases[row->incident_id], dir));
  return Json(200, json::object{{"items", std::move(items)}});
}

Result<Response> DownloadPackage(Rest& rest, const Caller& c, const RouteContext& ctx) {
  std::string zip;
  ECRN_ASSIGN_OR_RETURN(auto lp, LoadPackage(rest, c, ctx, &zip));
  const bool intact = Sha256Hex(zip) == lp.row.sha256;
  const Micros now = rest.clock.Now();
  ECRN_TRY(rest.store.Incidents().AppendIncidentLog(
      lp.incident.id, store::IncidentLog::kCustody,
      CaseRecord(
          c, ctx, now, "package.download", "package:" + lp.row.uuid, lp.incident.owner_org,
          json::object{{"package", lp.row.uuid}, {"sha256", lp.row.sha256}, {"verified", intact}},
          intact ? "success" : "failure")));
  if (!intact) {
    return Error::Internal("the stored package does not match its hash; it was not sent");
  }
  Response r = MakeResponse(200, "application/zip", std::move(zip));
  r.SetHeader("Content-Disposition", Attachment("crime-report-" + lp.row.uuid + ".zip"));
  r.SetHeader("X-Content-SHA256", lp.row.sha256);
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Result<Response> AcknowledgePackage(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto lp, LoadPackage(rest, c, ctx, nullptr));
  const policy::IncidentFacts facts{lp.incident.owner_org, lp.incident.participants};
  if (!policy::CanAcknowledgePackage(c.principal, facts, lp.row.recipient_org)) {
    return Forbidden("the receiving organisation's liaisons acknowledge a package");
  }
  const Micros now = rest.clock.Now();
  ECRN_ASSIGN_OR_RETURN(
      auto row,
      rest.store.Incidents().AcknowledgePackage(
          lp.row.id, c.principal.user_id, now,
          CaseRecord(c, ctx, now, "package.acknowledge", lp.incident.stix_id, lp.incident.owner_org,
                     json::object{{"package", lp.row.uuid}, {"sha256", lp.row.sha256}})));
  ECRN_TRY(Audit(rest, c, ctx, "package.acknowledge", "package:" + row.uuid, lp.incident.owner_org,
                 {{"incident", lp.incident.stix_id}}));
  NotifyOrg(rest, lp.incident.owner_org, {"analyst", "org-admin"}, "package.acknowledged",
            lp.incident.stix_id, "Crime report acknowledged: " + lp.incident.title, now);
  ECRN_ASSIGN_OR_RETURN(auto dir, LoadDirectory(rest, std::vector<int64_t>{lp.incident.owner_org,
                                                                           row.recipient_org}));
  return Json(200, PackageJson(row, lp.incident, dir));
}

Result<Response> PackageKey(Rest& rest, const Caller&, const RouteContext&) {
  ECRN_ASSIGN_OR_RETURN(auto key, HubKey(rest));
  return Json(200, json::object{{"algorithm", "Ed25519"}, {"public_key", key.PublicKeyHex()}});
}

// --- sharing from a case ------------------------------------------------------------

constexpr size_t kMaxPublishAtOnce = 500;

// A request to share from a case: the case (which the caller manages), the
// body, the channel ("channel": a numeric id the caller may see; whether
// they may write it is intel::Publish's check) and the optional TLP.
struct Sharing {
  Loaded l;
  json::object body;
  store::Channel channel;
  std::optional<stix::Tlp> tlp;
};

Result<Sharing> OpenSharing(Rest& rest, const Caller& c, const RouteContext& ctx,
                            std::string_view what) {
  ECRN_ASSIGN_OR_RETURN(auto l, LoadCaseParam(rest, c, ctx));
  if (!policy::CanManageIncident(c.principal, l.Facts())) {
    return Forbidden("only the reporting organisation's analysts " + std::string(what));
  }
  ECRN_ASSIGN_OR_RETURN(auto body, JsonBody(ctx.request));
  const auto* v = body.if_contains("channel");
  if (!v || !v->is_int64()) return Error::Invalid("channel: the id of a channel");
  ECRN_ASSIGN_OR_RETURN(auto channel, VisibleChannel(rest, c, v->as_int64()));
  ECRN_ASSIGN_OR_RETURN(auto tlp, TlpField(body));
  return Sharing{std::move(l), std::move(body), std::move(channel), tlp};
}

// Records on the case's timeline what left it, after it was published.
Result<void> RecordSharing(Rest& rest, const Caller& c, const RouteContext& ctx, const Loaded& l,
                           std::string action, const store::Channel& ch, json::array results) {
  json::object detail{{"channel", json::object{{"id", ch.id}, {"name", ch.name}}},
                      {"objects", std::move(results)}};
  ECRN_TRY(rest.store.Incidents().AppendIncidentLog(
      l.row.id, store::IncidentLog::kTimeline,
      CaseRecord(c, ctx, rest.clock.Now(), std::move(action), l.row.stix_id, l.row.owner_org,
                 detail)));
  return {};
}

// POST /api/v1/incidents/{id}/publish: sanitised copies of the case's linked
// indicators (incident/sharing.hpp) into a channel, in one action; the case
// stays private. Body {"channel": id, "indicators": [{"id", "name"?}], "tlp"?}.
Result<Response> PublishFromCase(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto sh, OpenSharing(rest, c, ctx, "publish from a case"));
  const auto& [l, body, ch, tlp] = sh;
  const auto* list = body.if_contains("indicators");
  if (!list || !list->is_array() || list->as_array().empty() ||
      list->as_array().size() > kMaxPublishAtOnce) {
    return Error::Invalid(
        "indicators: a list of 1 to 500 {\"id\": linked indicator id, "
        "\"name\": optional new name}");
  }
  const Micros now = rest.clock.Now();
  std::vector<stix::Object> objects;
  std::vector<std::string> sources;
  for (const auto& item : list->as_array()) {
    const json::object* o = item.if_object();
    const std::string id = o ? StringField(*o, "id") : "";
    if (id.empty()) return Error::Invalid("indicators: every entry needs an id");
    const bool linked = std::any_of(l.c.links.begin(), l.c.links.end(),
                                    [&](const auto& k) { return k.object_id == id; });
    if (!linked) return Error::Invalid(id + ": not linked to this case");
    auto d = intel::Describe(rest.store, c.principal, id, now);
    if (!d.ok()) {
      if (d.error().code == ErrorCode::kNotFound) {
        return Error::Invalid(id + ": you cannot read this object");
      }
      return d.error();
    }
    ECRN_ASSIGN_OR_RETURN(auto original, stix::ParseJson(d->latest.json));
    if (!original.is_object()) return Error::Internal("stored object " + id + " is not JSON");
    ECRN_ASSIGN_OR_RETURN(
        auto copy, incident::SanitisedIndicator(original.as_object(), UuidV4(), now,
                                                c.principal.org_identity, StringField(*o, "name")));
    objects.emplace_back(std::move(copy));
    if (tlp) SetTlp(objects.back(), *tlp);
    sources.push_back(id);
  }
  ECRN_ASSIGN_OR_RETURN(auto results,
                        PublishObjects(rest, c, ctx.request, ch, objects, {}, "incident.publish"));
  for (size_t i = 0; i < results.size(); ++i) results[i].as_object()["from"] = sources[i];
  ECRN_TRY(RecordSharing(rest, c, ctx, l, "intel.publish", ch, results));
  return Json(201, json::object{{"results", std::move(results)}});
}

// POST /api/v1/incidents/{id}/assistance: a request for assistance, as a
// STIX note without the case's details (incident/sharing.hpp), into a
// channel. Body {"channel": id, "summary", "needs", "tlp"?}.
Result<Response> RequestAssistance(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto sh, OpenSharing(rest, c, ctx, "ask for assistance"));
  const auto& [l, body, ch, tlp] = sh;
  incident::AssistanceRequest request;
  request.summary = StringField(body, "summary");
  request.needs = StringField(body, "needs");
  ECRN_ASSIGN_OR_RETURN(
      auto note,
      incident::AssistanceNote(l.c, request, UuidV4(), rest.clock.Now(), c.principal.org_identity));
  std::vector<stix::Object> objects{stix::Object(std::move(note))};
  if (tlp) SetTlp(objects.back(), *tlp);
  ECRN_ASSIGN_OR_RETURN(
      auto results, PublishObjects(rest, c, ctx.request, ch, objects, {}, "incident.assistance"));
  const auto& result = results.at(0).as_object();
  if (result.at("status").as_string() == "rejected") {
    return Error::Invalid("the request was not accepted: " +
                          std::string(result.at("message").as_string()));
  }
  ECRN_TRY(RecordSharing(rest, c, ctx, l, "assistance.request", ch, results));
  return Json(201, result);
}

}  // namespace

void AddIncidentRoutes(Router& router, std::shared_ptr<api::Rest> rest) {
  router.Add("GET", "/api/v1/incident-vocabulary", Authed(rest, Vocabulary));
  router.Add("GET", "/api/v1/incidents", Authed(rest, ListIncidents));
  RouteOptions report;
  report.max_body = 128 * 1024;
  router.Add("POST", "/api/v1/incidents", Authed(rest, ReportIncident), report);
  RouteOptions import;
  import.max_body = size_t{4} << 20;
  router.Add("POST", "/api/v1/incidents/import", Authed(rest, ImportStix), import);
  router.Add("GET", "/api/v1/incidents/{id}", Authed(rest, GetIncident));
  router.Add("POST", "/api/v1/incidents/{id}/changes", Authed(rest, ChangeIncident));
  router.Add("POST", "/api/v1/incidents/{id}/comments", Authed(rest, AddComment));
  router.Add("GET", "/api/v1/incidents/{id}/timeline",
             Authed(rest, [](Rest& r, const Caller& c, const RouteContext& ctx) {
               return ListLog(r, c, ctx, store::IncidentLog::kTimeline);
             }));
  router.Add("GET", "/api/v1/incidents/{id}/custody",
             Authed(rest, [](Rest& r, const Caller& c, const RouteContext& ctx) {
               return ListLog(r, c, ctx, store::IncidentLog::kCustody);
             }));
  router.Add("POST", "/api/v1/incidents/{id}/participants", Authed(rest, AddParticipant));
  router.Add("DELETE", "/api/v1/incidents/{id}/participants/{org_id}",
             Authed(rest, RemoveParticipant));
  RouteOptions upload;
  upload.max_body = kMaxEvidenceBytes;
  router.Add("POST", "/api/v1/incidents/{id}/evidence", Authed(rest, UploadEvidence), upload);
  router.Add("GET", "/api/v1/incidents/{id}/evidence", Authed(rest, ListEvidence));
  router.Add("GET", "/api/v1/incidents/{id}/evidence/{evidence_id}",
             Authed(rest, DownloadEvidence));
  router.Add("GET", "/api/v1/incidents/{id}/stix", Authed(rest, ExportStix));
  router.Add("POST", "/api/v1/incidents/{id}/publish", Authed(rest, PublishFromCase));
  router.Add("POST", "/api/v1/incidents/{id}/assistance", Authed(rest, RequestAssistance));
  router.Add("GET", "/api/v1/clock-rules", Authed(rest, ListRules));
  router.Add("PUT", "/api/v1/clock-rules", Authed(rest, PutRule));
  router.Add("DELETE", "/api/v1/clock-rules/{rule_id}", Authed(rest, DeleteRule));
  router.Add("POST", "/api/v1/incidents/{id}/packages", Authed(rest, CreatePackage));
  router.Add("GET", "/api/v1/packages", Authed(rest, ListPackages));
  router.Add("GET", "/api/v1/packages/key", Authed(rest, PackageKey));
  router.Add("GET", "/api/v1/packages/{package_id}", Authed(rest, DownloadPackage));
  router.Add("POST", "/api/v1/packages/{package_id}/acknowledge", Authed(rest, AcknowledgePackage));
  router.Add("GET", "/api/v1/notifications", Authed(rest, ListNotifications));
  router.Add("POST", "/api/v1/notifications/{notification_id}/read",
             Authed(rest, ReadNotification));
  router.Add("GET", "/api/v1/webhooks", Authed(rest, ListWebhooks));
  router.Add("POST", "/api/v1/webhooks", Authed(rest, AddWebhook));
  router.Add("DELETE", "/api/v1/webhooks/{webhook_id}", Authed(rest, DeleteWebhook));
}

}  // namespace ecrn::http
