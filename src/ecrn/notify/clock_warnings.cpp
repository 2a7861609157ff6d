#include "ecrn/notify/clock_warnings.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>

#include "ecrn/incident/case.hpp"
#include "ecrn/incident/vocab.hpp"
#include "ecrn/incident/workflow.hpp"
#include "ecrn/notify/notices.hpp"
#include "ecrn/stix/object.hpp"

namespace ecrn::notify {
namespace {

constexpr Micros kMinute = 60'000'000;
constexpr std::array<std::string_view, 2> kManagers = {"analyst", "org-admin"};

// "in 3 days", "in 5 h 59 min", "in 12 min" (rounded up to the minute).
std::string Remaining(Micros left) {
  const int64_t minutes = std::max<int64_t>(1, (left + kMinute - 1) / kMinute);
  if (minutes >= 48 * 60) return "in " + std::to_string(minutes / (24 * 60)) + " days";
  if (minutes < 60) return "in " + std::to_string(minutes) + " min";
  std::string out = "in " + std::to_string(minutes / 60) + " h";
  if (minutes % 60) out += " " + std::to_string(minutes % 60) + " min";
  return out;
}

// The statuses that still have running clocks (not closed, rejected or duplicate).
std::vector<std::string> OpenStatuses() {
  std::vector<std::string> out;
  for (const auto& s : incident::CaseStatuses()) {
    if (!incident::IsFinalStatus(s.token)) out.emplace_back(s.token);
  }
  return out;
}

std::optional<int64_t> UserId(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  int64_t id = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), id);
  if (text->empty() || ec != std::errc() || ptr != text->data() + text->size()) {
    return std::nullopt;
  }
  return id;
}

// True when `org` owns the case or takes part in it (an assignee whose
// organisation has left the case is not told about it).
bool TakesPart(const store::IncidentRow& row, int64_t org) {
  return org == row.owner_org || std::any_of(row.participants.begin(), row.participants.end(),
                                             [org](const auto& p) { return p.org_id == org; });
}

}  // namespace

Result<std::vector<incident::ClockRule>> ConfiguredClockRules(store::IncidentStore& store,
                                                              const DispatchLog& log) {
  ECRN_ASSIGN_OR_RETURN(auto rows, store.ListReportingRules());
  std::vector<incident::ClockRule> rules;
  for (const auto& row : rows) {
    auto value = stix::ParseJson(row.json);
    auto rule =
        value.ok() ? incident::RuleFromJson(*value) : Result<incident::ClockRule>(value.error());
    if (rule.ok()) {
      rules.push_back(std::move(*rule));
    } else if (log) {
      log(LogLevel::kError, "clock rule " + std::to_string(row.id) +
                                " is unreadable and ignored: " + rule.error().message);
    }
  }
  return rules;
}

ClockWarnings::ClockWarnings(store::Store& store, Clock& clock, ClockWarningOptions options,
                             DispatchLog log)
    : store_(store), clock_(clock), options_(options), log_(std::move(log)), worker_([this] {
        return Round();
      }) {}

ClockWarnings::~ClockWarnings() { Stop(); }

void ClockWarnings::Start() { worker_.Start(); }
void ClockWarnings::Stop() { worker_.Stop(); }

std::chrono::milliseconds ClockWarnings::Round() {
  if (auto pass = RunOnce(); !pass.ok()) {
    Log(LogLevel::kError, "clock warnings: " + pass.error().ToString());
  } else if (pass->full) {
    Log(LogLevel::kInfo, "clock warnings: read every open case (" + std::to_string(pass->cases) +
                             "), sent " + std::to_string(pass->warnings) + " warnings");
  }
  return options_.interval;
}

void ClockWarnings::Log(LogLevel level, const std::string& message) const {
  if (log_) log_(level, message);
}

Result<ClockPass> ClockWarnings::RunOnce() {
  std::lock_guard round(round_mu_);
  const Micros now = clock_.Now();
  store::IncidentStore& incidents = store_.Incidents();
  ECRN_ASSIGN_OR_RETURN(auto rule_rows, incidents.ListReportingRules());
  std::vector<std::pair<int64_t, Micros>> fingerprint;
  for (const auto& r : rule_rows) fingerprint.emplace_back(r.id, r.updated);
  ECRN_ASSIGN_OR_RETURN(auto rules, ConfiguredClockRules(incidents, log_));
  const incident::ClockRule nis2 = incident::Nis2Rule();
  Micros lead = incident::WarningLead(nis2);
  for (const auto& rule : rules) lead = std::max(lead, incident::WarningLead(rule));

  ClockPass pass;
  pass.full = !rules_seen_ || *rules_seen_ != fingerprint;
  store::IncidentQuery q;
  q.statuses = OpenStatuses();
  if (!pass.full) q.deadline_before = now + lead + 1;
  q.oldest_first = true;
  q.limit = options_.page;

  std::optional<std::map<int64_t, std::string>> countries;  // organisation → country, when needed
  std::set<std::string> claimed;
  while (true) {
    ECRN_ASSIGN_OR_RETURN(auto rows, incidents.ListIncidents(q));
    for (const auto& row : rows) {
      ++pass.cases;
      auto c = incident::CaseFromJsonText(row.json);
      if (!c.ok()) {
        Log(LogLevel::kError,
            "clock warnings: stored case " + row.stix_id + " is unreadable: " + c.error().message);
        continue;
      }
      if (!countries) {
        ECRN_ASSIGN_OR_RETURN(auto orgs, store_.ListOrganisations());
        countries.emplace();
        for (const auto& o : orgs) countries->emplace(o.id, o.country);
      }
      auto country = countries->find(row.owner_org);
      const incident::ClockRule* rule = incident::SelectRule(
          rules, country == countries->end() ? "" : country->second, c->category);
      if (!rule) rule = &nis2;
      for (const auto& w : incident::DueWarnings(*c, *rule, now)) {
        const bool known = claimed_.count(w.key) > 0;
        claimed.insert(w.key);
        if (known) continue;
        ECRN_ASSIGN_OR_RETURN(bool first, incidents.ClaimOnce(w.key, now));
        if (!first) continue;
        Warn(row, *c, *rule, w, now);
        ++pass.warnings;
      }
    }
    if (rows.size() < q.limit) break;
    q.after_id = rows.back().id;
  }
  claimed_ = std::move(claimed);
  rules_seen_ = std::move(fingerprint);
  return pass;
}

void ClockWarnings::Warn(const store::IncidentRow& row, const incident::Case& c,
                         const incident::ClockRule& rule, const incident::DueWarning& w,
                         Micros now) {
  auto spec = std::find_if(rule.clocks.begin(), rule.clocks.end(),
                           [&](const auto& s) { return s.token == w.clock; });
  const std::string label = spec != rule.clocks.end() ? spec->label : w.clock;
  const bool overdue = w.threshold == "overdue";
  Notice notice;
  notice.kind = overdue ? "clock.overdue" : "clock.due-soon";
  notice.subject = row.stix_id;
  notice.title =
      (overdue ? std::string("Overdue: ") : "Due " + Remaining(w.deadline - now) + ": ") + label +
      " — " + c.title;
  notice.detail = {{"incident", row.stix_id},
                   {"clock", w.clock},
                   {"label", label},
                   {"threshold", w.threshold},
                   {"deadline", incident::TimeText(w.deadline)}};
  notice.event_id = w.key;
  Log(LogLevel::kInfo, "clock warning " + notice.kind + " for " + row.stix_id + " (" + w.clock +
                           ", " + w.threshold + ")");
  auto fail = [&](const Error& e) {
    Log(LogLevel::kError, "clock warning " + w.key + " not fully sent: " + e.ToString());
  };
  if (auto told = NotifyOrg(store_, row.owner_org, kManagers, notice, now); !told.ok()) {
    fail(told.error());
  }
  if (auto assignee = UserId(c.assignee)) {
    auto owners = OrgRecipients(store_, row.owner_org, kManagers);
    auto user = store_.FindUser(std::to_string(*assignee));
    if (!owners.ok() || !user.ok()) {
      fail(!owners.ok() ? owners.error() : user.error());
    } else if (!user->disabled && TakesPart(row, user->org_id) &&
               std::find(owners->begin(), owners->end(), *assignee) == owners->end()) {
      const int64_t id = *assignee;
      if (auto told = NotifyUsers(store_, std::span(&id, 1), notice, now); !told.ok()) {
        fail(told.error());
      }
    }
  }
  if (!overdue) return;
  for (const auto& part : row.participants) {
    if (part.role != "national-cert") continue;
    Notice to_cert = notice;
    to_cert.event_id = w.key + ":" + std::to_string(part.org_id);
    if (auto told = NotifyOrg(store_, part.org_id, kManagers, to_cert, now); !told.ok()) {
      fail(told.error());
    }
  }
}

}  // namespace ecrn::notify
