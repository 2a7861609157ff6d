// The incident case document (`Case`), its JSON form (what the store keeps
// and the REST API returns), and the checks of the report form. Values and
// pure functions; thread-compatible.
//
// Times are UTC microseconds (core/time.hpp) everywhere; in JSON they are
// RFC 3339 strings with six fractional digits, so they round-trip exactly.
// Showing them in the user's zone is the UI's job.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"

namespace ecrn::incident {

// Limits on what a case holds (checked by ValidateReport, FromJson and
// ApplyChange).
inline constexpr size_t kMaxTitleChars = 200;           // code points
inline constexpr size_t kMaxDescriptionBytes = 20'000;  // UTF-8 bytes
inline constexpr size_t kMaxShortTextBytes = 500;       // election name, a system, a task title
inline constexpr size_t kMaxListItems = 50;             // targets, affected systems
inline constexpr size_t kMaxTasks = 500;
inline constexpr size_t kMaxLinks = 2'000;
inline constexpr size_t kMaxAcknowledgements = 100;
inline constexpr size_t kMaxIdBytes = 200;  // user and organisation ids
// How far in the future a reported time may lie (clock skew between the
// reporter's device and the server).
inline constexpr Micros kMaxFutureSkew = 5LL * 60 * 1'000'000;

// Levels (ImpactLevels() tokens) per impact dimension.
struct Impacts {
  std::string confidentiality = "none";
  std::string integrity = "none";
  std::string availability = "none";
  std::string public_trust = "none";
  friend bool operator==(const Impacts&, const Impacts&) = default;
};

struct Task {
  std::string id;                    // a UUID, unique in its case
  std::string title;                 // ≤ kMaxShortTextBytes, non-empty
  std::optional<std::string> owner;  // user id
  std::optional<Micros> due;
  std::string status = "open";  // TaskStatuses()
  Micros created = 0;
  std::string created_by;  // user id of whoever added it
  std::string playbook;    // token of the playbook that created it, or ""
  friend bool operator==(const Task&, const Task&) = default;
};

// A STIX object attached to the case (by id; the object lives in the intel store).
struct LinkedObject {
  std::string object_id;  // a STIX identifier
  std::string kind;       // LinkKinds()
  Micros added = 0;
  std::string added_by;  // user id
  friend bool operator==(const LinkedObject&, const LinkedObject&) = default;
};

// A participant organisation's acknowledgement (e.g. police: "received").
struct Acknowledgement {
  std::string org_id;
  std::string user_id;
  Micros at = 0;
  friend bool operator==(const Acknowledgement&, const Acknowledgement&) = default;
};

struct Case {
  std::string id;  // "incident--<uuid4>", also the STIX id of its export
  std::string title;
  std::string description;
  Micros created = 0;   // when the case was filed
  Micros modified = 0;  // the last change (ApplyChange sets it)
  Micros detected = 0;  // when the incident was noticed (clocks count from here)
  std::optional<Micros> started;
  std::string category;                       // Categories()
  std::vector<std::string> election_targets;  // ElectionTargets(), no repeats
  std::string disinformation_kind;  // DisinformationKinds() iff "disinformation" is a target
  std::vector<std::string> affected_systems;  // free text, e.g. "results.example.org"
  std::string election;                       // free text, e.g. "2026 parliamentary"
  std::string phase;                          // ElectionPhases() or ""
  Impacts impacts;
  std::string severity;                 // Severities()
  std::string tlp;                      // stix::TlpToken: clear, green, amber, amber+strict, red
  std::string status = "reported";      // CaseStatuses()
  std::optional<std::string> assignee;  // user id
  std::vector<Task> tasks;
  std::vector<LinkedObject> links;          // one entry per object id
  std::optional<std::string> duplicate_of;  // an incident id, set iff status is "duplicate"
  // Reporting milestones (clocks.hpp): when each report went to the authority.
  std::optional<Micros> early_warning_sent;
  std::optional<Micros> notification_sent;
  std::optional<Micros> final_report_sent;
  std::vector<Acknowledgement> acknowledgements;  // at most one per organisation

  // The UUID part of `id` (empty view when `id` is malformed). Valid while
  // this case is alive and its id unchanged.
  std::string_view uuid() const;
  // The task with `task_id`, or nullptr (valid until `tasks` changes).
  const Task* FindTask(std::string_view task_id) const;
  friend bool operator==(const Case&, const Case&) = default;
};

// One problem with one field, for the UI to show next to the field.
// `field` is the JSON name ("title", "impacts.integrity", "tasks[2].due").
struct FieldProblem {
  std::string field;
  std::string message;
  friend bool operator==(const FieldProblem&, const FieldProblem&) = default;
};

// An Error (kInvalidArgument) whose message lists the problems
// ("title: required; severity: ..."), in order.
Error ProblemsError(const std::vector<FieldProblem>& problems);

// The report form (web wizard, REST, `ecrn incident report`).
struct ReportInput {
  std::string title;
  std::string description;  // "what happened"
  std::optional<Micros> detected;
  std::optional<Micros> started;
  std::string category;
  std::vector<std::string> election_targets;
  std::string disinformation_kind;
  std::vector<std::string> affected_systems;
  std::string election;
  std::string phase;
  Impacts impacts;
  std::string severity;
  std::string tlp;
};

// Every problem with a report, in field order (empty when it may be filed).
// Required: title, description, detected, category, severity, tlp. Title
// ≤ kMaxTitleChars code points, description ≤ kMaxDescriptionBytes, all text
// valid UTF-8 without NUL; tokens from the vocabularies; detected and started
// not after now + kMaxFutureSkew; started ≤ detected; disinformation_kind
// given exactly when "disinformation" is a target.
std::vector<FieldProblem> ValidateReport(const ReportInput& input, Micros now);

// Reads a report form from JSON (the REST body): the field names of
// ReportInput, times as RFC 3339 strings, impacts as an object of the four
// dimensions (missing ones are "none"). Problems of shape (a number where text
// belongs, an unknown field, a bad timestamp) are appended to `problems`; the
// returned input holds what could be read. Run ValidateReport after it.
ReportInput ReportInputFromJson(const boost::json::value& json,
                                std::vector<FieldProblem>& problems);

// A new case from a valid report: status "reported", created = modified =
// now, id "incident--" + uuid. Fails with kInvalidArgument (ProblemsError)
// when ValidateReport finds problems or `uuid` is not a version-4 UUID.
Result<Case> NewCase(const ReportInput& input, std::string_view uuid, Micros now);

// Every problem with a case's content (the invariants above, at any status).
// Used by FromJson and by ApplyChange on its result.
std::vector<FieldProblem> ValidateCase(const Case& c);

// The JSON document of a case. Absent optionals are left out; lists are always
// present. FromJson(ToJson(c)) == c for every valid case.
boost::json::object ToJson(const Case& c);
// Reads a case document strictly: every required member present with the
// right type, no unknown members, then ValidateCase. Fails with
// kInvalidArgument naming the first problem's field.
Result<Case> FromJson(const boost::json::value& json);
// Parses JSON text (≤ 4 MiB, depth ≤ 16) then FromJson. kTooLarge over the limits.
Result<Case> CaseFromJsonText(std::string_view text);

// JSON of the parts, shared with the rest of the module.
boost::json::object ImpactsToJson(const Impacts& impacts);
boost::json::object TaskToJson(const Task& task);
// "YYYY-MM-DDTHH:MM:SS.ffffffZ".
std::string TimeText(Micros micros);

}  // namespace ecrn::incident
