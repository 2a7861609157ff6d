// The case workflow: which status changes are allowed, and every change to a
// case as a pure function from (case, change, actor, now) to the new case plus
// the timeline events that describe it. No clock reads, no I/O; thread-safe.
//
// Statuses: reported → triaged → investigating → contained → recovered →
// closed, plus rejected (not an incident) and duplicate (merged into another
// case). The allowed moves (AllowedTransitions) also let a team skip steps
// forward where real incidents do (a DDoS is often contained while it is
// being investigated), step back when an attack recurs (contained/recovered →
// investigating), and reopen:
//  * closed → investigating (new facts after closure; a reason is required);
//  * rejected → triaged (the rejection was wrong; a reason is required);
//  * duplicate → triaged (un-merged; duplicate_of is cleared).
// Rejecting also requires a reason. Closing requires every task to be done or
// cancelled. A closed, rejected or duplicate case is read-only apart from
// status changes, acknowledgements and reporting milestones (a final report
// is often sent after closure).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/incident/case.hpp"

namespace ecrn::incident {

// Maximum length of a reason given with a status change (bytes).
inline constexpr size_t kMaxReasonBytes = 2'000;

// The statuses `from` may move to, in CaseStatuses() order (empty for an
// unknown status).
std::vector<std::string_view> AllowedTransitions(std::string_view from);
bool IsAllowedTransition(std::string_view from, std::string_view to);
// True for closed, rejected and duplicate.
bool IsFinalStatus(std::string_view status);

// --- Changes -------------------------------------------------------------

struct SetStatus {
  std::string status;
  std::string reason;                       // required for rejected and reopening
  std::optional<std::string> duplicate_of;  // required for (and only for) "duplicate"
};

struct Assign {
  std::optional<std::string> assignee;  // user id; nullopt unassigns
};

// Only the members that are set change. `started` is doubly optional: set to
// nullopt-inside-optional to clear it.
struct EditFields {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<Micros> detected;
  std::optional<std::optional<Micros>> started;
  std::optional<std::string> category;
  std::optional<std::vector<std::string>> election_targets;
  std::optional<std::string> disinformation_kind;
  std::optional<std::vector<std::string>> affected_systems;
  std::optional<std::string> election;
  std::optional<std::string> phase;
  std::optional<Impacts> impacts;
  std::optional<std::string> severity;
  std::optional<std::string> tlp;
};

struct AddTask {
  std::string title;
  std::optional<std::string> owner;
  std::optional<Micros> due;
};

// Only the members that are set change; owner and due can be cleared.
struct UpdateTask {
  std::string task_id;
  std::optional<std::string> title;
  std::optional<std::optional<std::string>> owner;
  std::optional<std::optional<Micros>> due;
  std::optional<std::string> status;
};

struct LinkObject {
  std::string object_id;
  std::string kind;  // LinkKinds()
};

struct UnlinkObject {
  std::string object_id;
};

// A report went to the authority at `at` (≤ now + kMaxFutureSkew, ≥ detected).
// A final report requires the notification to have been sent. Each milestone
// is recorded once.
struct MarkMilestone {
  std::string milestone;  // Milestones(): early-warning, notification, final-report
  Micros at = 0;
};

// A participant organisation acknowledges the case (e.g. the police received
// the crime report). Whether `org_id` is a participant is the caller's check.
struct Acknowledge {
  std::string org_id;
  std::string user_id;
};

// Adds a playbook's tasks (playbooks.hpp).
struct ApplyPlaybookChange {
  std::string playbook;
};

using Change = std::variant<SetStatus, Assign, EditFields, AddTask, UpdateTask, LinkObject,
                            UnlinkObject, MarkMilestone, Acknowledge, ApplyPlaybookChange>;

// One entry for the append-only timeline. The store adds who (actor) and when
// (now). `action` is a stable token:
//   incident.status, incident.assign, incident.edit, incident.milestone,
//   task.add, task.update, link.add, link.remove, participant.ack,
//   playbook.apply.
// `detail` holds what changed: {"before": ..., "after": ...} for a single
// value, {"fields": {"<name>": {"before":..,"after":..}}} for an edit, the
// task/link for additions, plus the reason where one was given.
struct TimelineEvent {
  std::string action;
  boost::json::object detail;
  friend bool operator==(const TimelineEvent&, const TimelineEvent&) = default;
};

struct ChangeOutcome {
  Case updated;                       // modified = now when anything changed
  std::vector<TimelineEvent> events;  // empty when nothing changed (a no-op)
};

// Applies one change made by user `actor` at `now`. Fails with
// kInvalidArgument for bad values (message names the field), kConflict for a
// change the case's status forbids (a transition not allowed, editing a
// closed case, closing with open tasks, a milestone already recorded), and
// kNotFound for an unknown task or linked object. A change that changes
// nothing (same values, a repeated acknowledgement) is a no-op: the case is
// returned unchanged and there are no events.
Result<ChangeOutcome> ApplyChange(const Case& c, const Change& change, std::string_view actor,
                                  Micros now);

// The deterministic id of the n-th task added to a case (n = its position in
// `tasks`): a UUIDv5 of the case id and n, so replaying a change gives the
// same id and tasks of different cases never share one.
std::string TaskIdFor(const Case& c, size_t n);

}  // namespace ecrn::incident
