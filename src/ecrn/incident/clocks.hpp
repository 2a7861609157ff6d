// Reporting clocks: the legal deadlines for telling the authority about an
// incident (NIS2 by default: early warning within 24 h of detection,
// notification within 72 h of detection, final report within one month of
// the notification), rules per country and category, the state of each clock
// of a case, and the warnings due before a deadline. Pure; thread-safe.
//
// All times are UTC microseconds; a month is a calendar month in UTC (Jan 31
// + 1 month = the last day of February, same time of day). Showing deadlines
// in the user's zone is the UI's job.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/incident/case.hpp"

namespace ecrn::incident {

// A span of time: calendar months first, then days, hours and minutes
// (fixed lengths in UTC). Written as an ISO 8601 duration ("PT24H", "P1M",
// "P1MT12H", "P3D"); years, weeks and seconds are not used.
struct ClockDuration {
  int months = 0;
  int days = 0;
  int hours = 0;
  int minutes = 0;
  friend bool operator==(const ClockDuration&, const ClockDuration&) = default;
};

// "P1M", "PT24H", "P1DT2H30M"; "PT0M" for zero.
std::string FormatDuration(const ClockDuration& d);
// Parses the form FormatDuration writes (each part 0-100000, at least one).
// kInvalidArgument otherwise.
Result<ClockDuration> ParseDuration(std::string_view text);
// `from` + d: months on the UTC calendar (the day clamped to the month's
// last day), then the fixed parts.
Micros AddDuration(Micros from, const ClockDuration& d);

// One clock of a rule. It is met by the case milestone of the same token.
struct ClockSpec {
  std::string token;  // a milestone: early-warning, notification, final-report
  std::string label;  // shown in the UI, e.g. "NIS2 early warning (24 h)"
  ClockDuration within;
  // What the deadline counts from: "detected" (the case's detection time), or
  // another clock's token earlier in the same rule. Counting from another
  // clock means from when that report was sent, or, while it has not been
  // sent, from that clock's own deadline (so the later clock shows a
  // provisional deadline rather than none; it moves earlier once the report
  // is sent early).
  std::string anchor = "detected";
  friend bool operator==(const ClockSpec&, const ClockSpec&) = default;
};

// The clocks that apply to cases of a country and category. "" matches any.
struct ClockRule {
  std::string name;      // e.g. "NIS2 default"
  std::string country;   // ISO 3166-1 alpha-2 (upper case) or ""
  std::string category;  // a Categories() token or ""
  std::vector<ClockSpec> clocks;
  friend bool operator==(const ClockRule&, const ClockRule&) = default;
};

// The built-in rule: NIS2 (any country, any category).
ClockRule Nis2Rule();

// Every problem with a rule (empty when valid): country and category form,
// 1-3 clocks with distinct milestone tokens, non-empty labels ≤ 200 bytes,
// positive durations, anchors "detected" or an earlier clock.
std::vector<FieldProblem> ValidateRule(const ClockRule& rule);

boost::json::object RuleToJson(const ClockRule& rule);
// Strict: unknown members and invalid rules fail with kInvalidArgument.
// RuleFromJson(RuleToJson(r)) == r for every valid rule.
Result<ClockRule> RuleFromJson(const boost::json::value& json);

// The most specific rule for a case: country and category both equal, then
// the country's rule for any category, then the category's rule for any
// country, then the rule for any country and category. Among equally specific
// rules the first in `rules` wins. `country` is compared in upper case.
// Returns a pointer into `rules`, or nullptr when none applies.
const ClockRule* SelectRule(const std::vector<ClockRule>& rules, std::string_view country,
                            std::string_view category);

enum class ClockState { kPending, kDueSoon, kOverdue, kMet };
// "pending", "due-soon", "overdue", "met".
std::string_view ClockStateToken(ClockState state);

struct Clock {
  std::string token;
  std::string label;
  Micros starts = 0;             // the anchor time the deadline counts from
  Micros deadline = 0;           // the report is on time when sent at or before this instant
  std::optional<Micros> met_at;  // when the report was sent
  ClockState state = ClockState::kPending;
  bool late = false;  // met after the deadline
  friend bool operator==(const Clock&, const Clock&) = default;
};

// A clock is due soon when at most a quarter of its span (starts → deadline)
// or at most one hour remains, and overdue once now is past the deadline (exactly at the deadline
// it is still due soon). Rejected and duplicate cases have no clocks (nothing
// is reported for a false alarm); closed cases keep theirs.
std::vector<Clock> ComputeClocks(const Case& c, const ClockRule& rule, Micros now);

// The earliest deadline among the clocks not yet met (overdue ones included),
// or nullopt when all are met or none apply. A case is overdue when this is
// before now.
std::optional<Micros> NextDeadline(const Case& c, const ClockRule& rule, Micros now);

// A reminder that a deadline is near or passed. `key` is stable
// ("<case uuid>:<clock token>:<deadline, UTC microseconds>:<threshold>") so
// the sender can send each once. The deadline is part of the key: when a
// deadline moves (a rule changed, or the clock it counts from was met early
// or late), the new deadline gets its own warnings, while the warnings sent
// for the old one are not repeated as long as it stays.
struct DueWarning {
  std::string key;
  std::string clock;      // the clock token
  std::string threshold;  // "25pct" (a quarter of the span left), "1h", "overdue"
  Micros deadline = 0;
  friend bool operator==(const DueWarning&, const DueWarning&) = default;
};

// For every unmet clock, the most urgent threshold already crossed at `now`
// (only one per clock, so a scheduler that was down does not send three
// reminders at once). Thresholds: "25pct" once a quarter of the span is
// left, "1h" once one hour is left, "overdue" after the deadline.
std::vector<DueWarning> DueWarnings(const Case& c, const ClockRule& rule, Micros now);

// An upper bound of how long before its deadline a clock of `rule` can
// raise its first warning: max(a quarter of the clock's span, one hour) over
// its clocks, with a month counted as 31 days. Every warning of a case is
// due at or after (its earliest unmet deadline − this lead), so a scheduler
// needs to look only at cases whose next deadline is within the lead of now.
Micros WarningLead(const ClockRule& rule);

// When the next threshold of any unmet clock will be crossed after `now`
// (for the scheduler to wake up), or nullopt when none remains.
std::optional<Micros> NextWarningAt(const Case& c, const ClockRule& rule, Micros now);

}  // namespace ecrn::incident
