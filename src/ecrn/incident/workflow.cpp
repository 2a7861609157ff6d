#include "ecrn/incident/workflow.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <boost/json/array.hpp>

#include "ecrn/core/audit_chain.hpp"
#include "ecrn/core/uuid.hpp"
#include "ecrn/incident/playbooks.hpp"
#include "ecrn/incident/vocab.hpp"

namespace ecrn::incident {
namespace json = boost::json;
namespace {

// The namespace of task ids (UUIDv5 of "<case id>/task/<n>").
constexpr std::string_view kTaskNamespace = "6f1d2c1e-4b7a-4f0e-9a55-2e8c4d1b7a30";

struct Transition {
  std::string_view from;
  std::string_view to;
};

constexpr std::array<Transition, 19> kTransitions = {{
    {"reported", "triaged"},        {"reported", "investigating"}, {"reported", "rejected"},
    {"reported", "duplicate"},      {"triaged", "investigating"},  {"triaged", "contained"},
    {"triaged", "rejected"},        {"triaged", "duplicate"},      {"investigating", "contained"},
    {"investigating", "recovered"}, {"investigating", "rejected"}, {"investigating", "duplicate"},
    {"contained", "investigating"}, {"contained", "recovered"},    {"recovered", "investigating"},
    {"recovered", "closed"},        {"closed", "investigating"},   {"rejected", "triaged"},
    {"duplicate", "triaged"},
}};

Error Conflict(std::string message) { return {ErrorCode::kConflict, std::move(message), {}}; }

bool NeedsReason(std::string_view from, std::string_view to) {
  return to == "rejected" || from == "closed" || from == "rejected";
}

json::value ToValue(const std::string& s) { return json::value(s); }
json::value ToValue(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}
json::value ToValue(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}
json::value ToValue(Micros t) { return json::value(TimeText(t)); }
json::value ToValue(const std::optional<Micros>& t) {
  return t ? json::value(TimeText(*t)) : json::value(nullptr);
}
json::value ToValue(const Impacts& i) { return ImpactsToJson(i); }

json::object BeforeAfter(json::value before, json::value after) {
  return {{"before", std::move(before)}, {"after", std::move(after)}};
}

// Applies one change to `next`, appending events.
class Applier {
 public:
  Applier(const Case& c, std::string_view actor, Micros now) : next_(c), actor_(actor), now_(now) {}

  Result<void> operator()(const SetStatus& s);
  Result<void> operator()(const Assign& a);
  Result<void> operator()(const EditFields& e);
  Result<void> operator()(const AddTask& t);
  Result<void> operator()(const UpdateTask& u);
  Result<void> operator()(const LinkObject& l);
  Result<void> operator()(const UnlinkObject& u);
  Result<void> operator()(const MarkMilestone& m);
  Result<void> operator()(const Acknowledge& a);
  Result<void> operator()(const ApplyPlaybookChange& p);

  Case& next() { return next_; }
  std::vector<TimelineEvent>& events() { return events_; }

 private:
  Result<void> RequireOpen() const {
    if (IsFinalStatus(next_.status)) {
      return Conflict("the case is " + next_.status + "; reopen it to change it");
    }
    return Ok();
  }
  // Sets `field` to `value` when different, recording before/after in `fields`.
  template <typename T>
  void Set(json::object& fields, std::string_view name, T& field, const std::optional<T>& value) {
    if (!value || *value == field) return;
    fields[name] = BeforeAfter(ToValue(field), ToValue(*value));
    field = *value;
  }
  void Event(std::string action, json::object detail) {
    events_.push_back({std::move(action), std::move(detail)});
  }

  Case next_;
  std::string actor_;
  Micros now_;
  std::vector<TimelineEvent> events_;
};

Result<void> CheckNotFuture(std::string_view field, Micros t, Micros now) {
  if (t > now + kMaxFutureSkew) {
    return Error::Invalid(std::string(field) + ": must not be in the future");
  }
  return Ok();
}

Result<void> CheckTaskTitle(const std::string& title) {
  if (title.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error::Invalid("title: required");
  }
  if (title.size() > kMaxShortTextBytes) {
    return Error::Invalid("title: at most " + std::to_string(kMaxShortTextBytes) + " bytes");
  }
  return Ok();
}

Result<void> Applier::operator()(const SetStatus& s) {
  const std::string from = next_.status;
  if (!IsCaseStatus(s.status)) return Error::Invalid("status: unknown status \"" + s.status + "\"");
  if (s.status == from) {
    if (s.status == "duplicate" && s.duplicate_of && s.duplicate_of != next_.duplicate_of) {
      return Conflict("the case is already a duplicate of " + *next_.duplicate_of);
    }
    return Ok();  // no-op
  }
  if (!IsAllowedTransition(from, s.status)) {
    return Conflict("a case cannot move from " + from + " to " + s.status);
  }
  if (s.reason.size() > kMaxReasonBytes || !AuditTextIsValid(s.reason)) {
    return Error::Invalid("reason: at most " + std::to_string(kMaxReasonBytes) +
                          " bytes of UTF-8 without NUL");
  }
  if (NeedsReason(from, s.status) && s.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error::Invalid("reason: required when a case is rejected or reopened");
  }
  if (s.status == "duplicate") {
    if (!s.duplicate_of) return Error::Invalid("duplicate_of: required for a duplicate");
    if (*s.duplicate_of == next_.id) {
      return Error::Invalid("duplicate_of: a case cannot duplicate itself");
    }
  } else if (s.duplicate_of) {
    return Error::Invalid("duplicate_of: only for a duplicate");
  }
  if (s.status == "closed") {
    size_t open = static_cast<size_t>(
        std::count_if(next_.tasks.begin(), next_.tasks.end(),
                      [](const Task& t) { return t.status != "done" && t.status != "cancelled"; }));
    if (open > 0) {
      return Conflict(std::to_string(open) + (open == 1 ? " task is" : " tasks are") +
                      " still open; finish or cancel them before closing");
    }
  }
  json::object detail = BeforeAfter(json::value(from), json::value(s.status));
  if (!s.reason.empty()) detail["reason"] = s.reason;
  if (s.status == "duplicate") {
    detail["duplicate_of"] = *s.duplicate_of;
  } else if (next_.duplicate_of) {
    detail["was_duplicate_of"] = *next_.duplicate_of;
  }
  next_.status = s.status;
  next_.duplicate_of = s.duplicate_of;
  Event("incident.status", std::move(detail));
  return Ok();
}

Result<void> Applier::operator()(const Assign& a) {
  ECRN_TRY(RequireOpen());
  if (a.assignee == next_.assignee) return Ok();
  Event("incident.assign", BeforeAfter(ToValue(next_.assignee), ToValue(a.assignee)));
  next_.assignee = a.assignee;
  return Ok();
}

Result<void> Applier::operator()(const EditFields& e) {
  ECRN_TRY(RequireOpen());
  if (e.detected) ECRN_TRY(CheckNotFuture("detected", *e.detected, now_));
  if (e.started && *e.started) ECRN_TRY(CheckNotFuture("started", **e.started, now_));
  json::object fields;
  Set(fields, "title", next_.title, e.title);
  Set(fields, "description", next_.description, e.description);
  Set(fields, "detected", next_.detected, e.detected);
  Set(fields, "started", next_.started, e.started);
  Set(fields, "category", next_.category, e.category);
  Set(fields, "election_targets", next_.election_targets, e.election_targets);
  Set(fields, "disinformation_kind", next_.disinformation_kind, e.disinformation_kind);
  Set(fields, "affected_systems", next_.affected_systems, e.affected_systems);
  Set(fields, "election", next_.election, e.election);
  Set(fields, "phase", next_.phase, e.phase);
  Set(fields, "impacts", next_.impacts, e.impacts);
  Set(fields, "severity", next_.severity, e.severity);
  Set(fields, "tlp", next_.tlp, e.tlp);
  if (!fields.empty()) Event("incident.edit", {{"fields", std::move(fields)}});
  return Ok();
}

Result<void> Applier::operator()(const AddTask& t) {
  ECRN_TRY(RequireOpen());
  ECRN_TRY(CheckTaskTitle(t.title));
  Task task;
  task.id = TaskIdFor(next_, next_.tasks.size());
  task.title = t.title;
  task.owner = t.owner;
  task.due = t.due;
  task.created = now_;
  task.created_by = actor_;
  Event("task.add", {{"task", TaskToJson(task)}});
  next_.tasks.push_back(std::move(task));
  return Ok();
}

Result<void> Applier::operator()(const UpdateTask& u) {
  ECRN_TRY(RequireOpen());
  auto it = std::find_if(next_.tasks.begin(), next_.tasks.end(),
                         [&](const Task& t) { return t.id == u.task_id; });
  if (it == next_.tasks.end()) return Error::NotFound("no such task in this case");
  if (u.title) ECRN_TRY(CheckTaskTitle(*u.title));
  if (u.status && !IsTaskStatus(*u.status)) {
    return Error::Invalid("status: must be one of: open, in-progress, done, cancelled");
  }
  json::object fields;
  Set(fields, "title", it->title, u.title);
  Set(fields, "owner", it->owner, u.owner);
  Set(fields, "due", it->due, u.due);
  Set(fields, "status", it->status, u.status);
  if (!fields.empty()) {
    Event("task.update", {{"task_id", u.task_id}, {"fields", std::move(fields)}});
  }
  return Ok();
}

Result<void> Applier::operator()(const LinkObject& l) {
  ECRN_TRY(RequireOpen());
  if (!IsLinkKind(l.kind)) {
    return Error::Invalid(
        "kind: must be one of: indicator, observed-data, narrative, "
        "attack-pattern, other");
  }
  if (l.object_id == next_.id) return Error::Invalid("object_id: a case cannot link itself");
  for (const LinkedObject& existing : next_.links) {
    if (existing.object_id != l.object_id) continue;
    if (existing.kind == l.kind) return Ok();
    return Conflict("the object is already linked as " + existing.kind + "; unlink it first");
  }
  next_.links.push_back({l.object_id, l.kind, now_, actor_});
  Event("link.add", {{"object_id", l.object_id}, {"kind", l.kind}});
  return Ok();
}

Result<void> Applier::operator()(const UnlinkObject& u) {
  ECRN_TRY(RequireOpen());
  auto it = std::find_if(next_.links.begin(), next_.links.end(),
                         [&](const LinkedObject& l) { return l.object_id == u.object_id; });
  if (it == next_.links.end()) return Error::NotFound("the object is not linked to this case");
  Event("link.remove", {{"object_id", it->object_id}, {"kind", it->kind}});
  next_.links.erase(it);
  return Ok();
}

Result<void> Applier::operator()(const MarkMilestone& m) {
  std::optional<Micros>* slot = nullptr;
  if (m.milestone == "early-warning") slot = &next_.early_warning_sent;
  if (m.milestone == "notification") slot = &next_.notification_sent;
  if (m.milestone == "final-report") slot = &next_.final_report_sent;
  if (!slot) {
    return Error::Invalid("milestone: must be one of: early-warning, notification, final-report");
  }
  ECRN_TRY(CheckNotFuture("at", m.at, now_));
  if (m.at < next_.detected) return Error::Invalid("at: must not be before the detection");
  if (*slot) return Conflict("the " + m.milestone + " was already recorded as sent");
  if (m.milestone == "final-report" && !next_.notification_sent) {
    return Conflict("record the incident notification before the final report");
  }
  *slot = m.at;
  Event("incident.milestone", {{"milestone", m.milestone}, {"at", TimeText(m.at)}});
  return Ok();
}

Result<void> Applier::operator()(const Acknowledge& a) {
  for (const Acknowledgement& existing : next_.acknowledgements) {
    if (existing.org_id == a.org_id) return Ok();
  }
  next_.acknowledgements.push_back({a.org_id, a.user_id, now_});
  Event("participant.ack", {{"org_id", a.org_id}, {"user_id", a.user_id}});
  return Ok();
}

Result<void> Applier::operator()(const ApplyPlaybookChange& p) {
  ECRN_ASSIGN_OR_RETURN(ChangeOutcome outcome, ApplyPlaybook(next_, p.playbook, actor_, now_));
  next_ = std::move(outcome.updated);
  for (TimelineEvent& e : outcome.events) events_.push_back(std::move(e));
  return Ok();
}

}  // namespace

std::vector<std::string_view> AllowedTransitions(std::string_view from) {
  std::vector<std::string_view> out;
  for (const VocabEntry& to : CaseStatuses()) {
    if (IsAllowedTransition(from, to.token)) out.push_back(to.token);
  }
  return out;
}

bool IsAllowedTransition(std::string_view from, std::string_view to) {
  return std::any_of(kTransitions.begin(), kTransitions.end(),
                     [&](const Transition& t) { return t.from == from && t.to == to; });
}

bool IsFinalStatus(std::string_view status) {
  return status == "closed" || status == "rejected" || status == "duplicate";
}

std::string TaskIdFor(const Case& c, size_t n) {
  return UuidV5(kTaskNamespace, c.id + "/task/" + std::to_string(n));
}

Result<ChangeOutcome> ApplyChange(const Case& c, const Change& change, std::string_view actor,
                                  Micros now) {
  Applier applier(c, actor, now);
  ECRN_TRY(std::visit(applier, change));
  ChangeOutcome out{std::move(applier.next()), std::move(applier.events())};
  if (out.events.empty()) {
    out.updated = c;
    return out;
  }
  out.updated.modified = std::max(now, c.modified);
  std::vector<FieldProblem> problems = ValidateCase(out.updated);
  if (!problems.empty()) return ProblemsError(problems);
  return out;
}

}  // namespace ecrn::incident
