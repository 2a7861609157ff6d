#include "ecrn/incident/clocks.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>

#include <boost/json/array.hpp>

#include "ecrn/core/audit_chain.hpp"
#include "ecrn/incident/json_reader.hpp"
#include "ecrn/incident/vocab.hpp"

namespace ecrn::incident {
namespace json = boost::json;
namespace {

constexpr Micros kMinute = 60LL * 1'000'000;
constexpr Micros kHour = 60 * kMinute;
constexpr int kMaxDurationPart = 100'000;
constexpr size_t kMaxLabelBytes = 200;

const std::optional<Micros>& MilestoneTime(const Case& c, std::string_view token) {
  static const std::optional<Micros> kNone;
  if (token == "early-warning") return c.early_warning_sent;
  if (token == "notification") return c.notification_sent;
  if (token == "final-report") return c.final_report_sent;
  return kNone;
}

// Reads digits at `pos` (1-6 of them, value ≤ kMaxDurationPart).
std::optional<int> Number(std::string_view text, size_t& pos) {
  size_t start = pos;
  int value = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 6) {
    value = value * 10 + (text[pos] - '0');
    ++pos;
  }
  if (pos == start || value > kMaxDurationPart) return std::nullopt;
  return value;
}

// Reads up to two "<n><unit>" parts, `first` before `second`, stopping at 'T'
// or the end. Returns how many were read, or nullopt on anything else.
std::optional<int> Units(std::string_view text, size_t& pos, char first, char second,
                         int& first_value, int& second_value) {
  int count = 0;
  char last = 0;
  while (pos < text.size() && text[pos] != 'T') {
    auto n = Number(text, pos);
    if (!n || pos >= text.size()) return std::nullopt;
    const char unit = text[pos++];
    if (unit == first && last == 0) {
      first_value = *n;
    } else if (unit == second && last != second) {
      second_value = *n;
    } else {
      return std::nullopt;
    }
    last = unit;
    ++count;
  }
  return count;
}

struct Threshold {
  std::string_view name;
  Micros at;
};

// The warning thresholds of an unmet clock, in the order they are crossed.
std::vector<Threshold> Thresholds(const Clock& clock) {
  const Micros span = clock.deadline - clock.starts;
  std::vector<Threshold> out = {{"25pct", clock.deadline - span / 4},
                                {"1h", clock.deadline - kHour},
                                {"overdue", clock.deadline + 1}};
  std::stable_sort(out.begin(), out.end(),
                   [](const Threshold& a, const Threshold& b) { return a.at < b.at; });
  return out;
}

}  // namespace

std::string FormatDuration(const ClockDuration& d) {
  std::string out = "P";
  if (d.months) out += std::to_string(d.months) + "M";
  if (d.days) out += std::to_string(d.days) + "D";
  if (d.hours || d.minutes || (!d.months && !d.days)) {
    out += "T";
    if (d.hours) out += std::to_string(d.hours) + "H";
    if (d.minutes || !d.hours) out += std::to_string(d.minutes) + "M";
  }
  return out;
}

Result<ClockDuration> ParseDuration(std::string_view text) {
  auto bad = [&] {
    return Error::Invalid("a duration must look like PT24H, PT72H, P1M or P1DT12H");
  };
  if (text.size() < 3 || text.size() > 40 || text[0] != 'P') return bad();
  ClockDuration d;
  size_t pos = 1;
  // Date part [nM][nD], then after 'T' the time part [nH][nM].
  auto date_parts = Units(text, pos, 'M', 'D', d.months, d.days);
  if (!date_parts) return bad();
  int parts = *date_parts;
  if (pos < text.size()) {
    ++pos;  // 'T'
    auto time_parts = Units(text, pos, 'H', 'M', d.hours, d.minutes);
    if (!time_parts || *time_parts == 0 || pos < text.size()) return bad();
    parts += *time_parts;
  }
  if (parts == 0) return bad();
  return d;
}

Micros AddDuration(Micros from, const ClockDuration& d) {
  using namespace std::chrono;
  const sys_time<microseconds> t{microseconds(from)};
  const sys_days day = floor<days>(t);
  const microseconds time_of_day = t - day;
  const year_month_day ymd{day};
  const year_month ym = year_month(ymd.year(), ymd.month()) + months(d.months);
  const std::chrono::day last_day =
      year_month_day_last(ym.year(), month_day_last(ym.month())).day();
  const sys_days moved{year_month_day(ym.year(), ym.month(), std::min(ymd.day(), last_day))};
  const microseconds result = moved.time_since_epoch() + time_of_day + std::chrono::days(d.days) +
                              std::chrono::hours(d.hours) + std::chrono::minutes(d.minutes);
  return duration_cast<microseconds>(result).count();
}

ClockRule Nis2Rule() {
  ClockRule rule;
  rule.name = "NIS2 default";
  rule.clocks = {
      {"early-warning", "Early warning (24 h after detection)", {0, 0, 24, 0}, "detected"},
      {"notification", "Incident notification (72 h after detection)", {0, 0, 72, 0}, "detected"},
      {"final-report",
       "Final report (one month after the notification)",
       {1, 0, 0, 0},
       "notification"},
  };
  return rule;
}

std::vector<FieldProblem> ValidateRule(const ClockRule& rule) {
  std::vector<FieldProblem> p;
  if (!AuditTextIsValid(rule.name) || rule.name.size() > kMaxLabelBytes) {
    p.push_back({"name", "at most 200 bytes of UTF-8"});
  }
  if (!rule.country.empty() &&
      (rule.country.size() != 2 || !std::all_of(rule.country.begin(), rule.country.end(),
                                                [](char ch) { return ch >= 'A' && ch <= 'Z'; }))) {
    p.push_back({"country", "must be an ISO 3166-1 alpha-2 code in upper case, or empty"});
  }
  if (!rule.category.empty() && !IsCategory(rule.category)) {
    p.push_back({"category", "must be an incident category, or empty"});
  }
  if (rule.clocks.empty() || rule.clocks.size() > Milestones().size()) {
    p.push_back({"clocks", "must hold one to three clocks"});
  }
  std::set<std::string_view> seen;
  for (size_t i = 0; i < rule.clocks.size(); ++i) {
    const ClockSpec& s = rule.clocks[i];
    const std::string f = "clocks[" + std::to_string(i) + "].";
    if (!IsMilestone(s.token)) {
      p.push_back({f + "token", "must be early-warning, notification or final-report"});
    } else if (seen.contains(s.token)) {
      p.push_back({f + "token", "listed twice"});
    }
    if (s.label.empty() || s.label.size() > kMaxLabelBytes || !AuditTextIsValid(s.label)) {
      p.push_back({f + "label", "required, at most 200 bytes of UTF-8"});
    }
    if (s.within == ClockDuration{} || s.within.months < 0 || s.within.days < 0 ||
        s.within.hours < 0 || s.within.minutes < 0 || s.within.months > kMaxDurationPart ||
        s.within.days > kMaxDurationPart || s.within.hours > kMaxDurationPart ||
        s.within.minutes > kMaxDurationPart) {
      p.push_back({f + "within", "must be a positive duration"});
    }
    if (s.anchor != "detected" && !seen.contains(s.anchor)) {
      p.push_back({f + "anchor", "must be \"detected\" or the token of an earlier clock"});
    }
    seen.insert(s.token);
  }
  return p;
}

json::object RuleToJson(const ClockRule& rule) {
  json::array clocks;
  for (const ClockSpec& s : rule.clocks) {
    clocks.emplace_back(json::object{{"token", s.token},
                                     {"label", s.label},
                                     {"within", FormatDuration(s.within)},
                                     {"anchor", s.anchor}});
  }
  return {{"name", rule.name},
          {"country", rule.country},
          {"category", rule.category},
          {"clocks", std::move(clocks)}};
}

Result<ClockRule> RuleFromJson(const json::value& value) {
  std::vector<FieldProblem> problems;
  JsonReader r(value, "", problems);
  if (!r.present()) return ProblemsError(problems);
  ClockRule rule;
  rule.name = r.Str("name", false);
  rule.country = r.Str("country", false);
  rule.category = r.Str("category", false);
  r.ForEach("clocks", true, [&](JsonReader& c) {
    ClockSpec spec;
    spec.token = c.Str("token", true);
    spec.label = c.Str("label", true);
    std::string within = c.Str("within", true);
    if (!within.empty()) {
      auto d = ParseDuration(within);
      if (d) {
        spec.within = *d;
      } else {
        c.Problem("within", d.error().message);
      }
    }
    spec.anchor = c.Str("anchor", true);
    rule.clocks.push_back(std::move(spec));
  });
  r.RejectUnknown();
  if (!problems.empty()) return ProblemsError(problems);
  problems = ValidateRule(rule);
  if (!problems.empty()) return ProblemsError(problems);
  return rule;
}

const ClockRule* SelectRule(const std::vector<ClockRule>& rules, std::string_view country,
                            std::string_view category) {
  std::string upper(country);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  const ClockRule* best = nullptr;
  int best_score = -1;
  for (const ClockRule& rule : rules) {
    const bool country_any = rule.country.empty();
    const bool category_any = rule.category.empty();
    if (!country_any && rule.country != upper) continue;
    if (!category_any && rule.category != category) continue;
    const int score = (country_any ? 0 : 2) + (category_any ? 0 : 1);
    if (score > best_score) {
      best = &rule;
      best_score = score;
    }
  }
  return best;
}

std::string_view ClockStateToken(ClockState state) {
  switch (state) {
    case ClockState::kPending:
      return "pending";
    case ClockState::kDueSoon:
      return "due-soon";
    case ClockState::kOverdue:
      return "overdue";
    case ClockState::kMet:
      return "met";
  }
  return "pending";
}

std::vector<Clock> ComputeClocks(const Case& c, const ClockRule& rule, Micros now) {
  std::vector<Clock> out;
  if (c.status == "rejected" || c.status == "duplicate") return out;
  for (const ClockSpec& spec : rule.clocks) {
    Clock clock;
    clock.token = spec.token;
    clock.label = spec.label;
    clock.starts = c.detected;
    for (const Clock& earlier : out) {
      if (earlier.token == spec.anchor) {
        clock.starts = earlier.met_at.value_or(earlier.deadline);
      }
    }
    clock.deadline = AddDuration(clock.starts, spec.within);
    clock.met_at = MilestoneTime(c, spec.token);
    if (clock.met_at) {
      clock.state = ClockState::kMet;
      clock.late = *clock.met_at > clock.deadline;
    } else if (now > clock.deadline) {
      clock.state = ClockState::kOverdue;
    } else {
      const Micros remaining = clock.deadline - now;
      const Micros span = clock.deadline - clock.starts;
      clock.state = (remaining <= span / 4 || remaining <= kHour) ? ClockState::kDueSoon
                                                                  : ClockState::kPending;
    }
    out.push_back(std::move(clock));
  }
  return out;
}

std::optional<Micros> NextDeadline(const Case& c, const ClockRule& rule, Micros now) {
  std::optional<Micros> next;
  for (const Clock& clock : ComputeClocks(c, rule, now)) {
    if (clock.met_at) continue;
    if (!next || clock.deadline < *next) next = clock.deadline;
  }
  return next;
}

std::vector<DueWarning> DueWarnings(const Case& c, const ClockRule& rule, Micros now) {
  std::vector<DueWarning> out;
  for (const Clock& clock : ComputeClocks(c, rule, now)) {
    if (clock.met_at) continue;
    const Threshold* crossed = nullptr;
    std::vector<Threshold> thresholds = Thresholds(clock);
    for (const Threshold& t : thresholds) {
      if (t.at <= now) crossed = &t;
    }
    if (!crossed) continue;
    out.push_back({std::string(c.uuid()) + ":" + clock.token + ":" +
                       std::to_string(clock.deadline) + ":" + std::string(crossed->name),
                   clock.token, std::string(crossed->name), clock.deadline});
  }
  return out;
}

Micros WarningLead(const ClockRule& rule) {
  constexpr Micros kDay = 24 * kHour;
  Micros lead = kHour;
  for (const ClockSpec& spec : rule.clocks) {
    const Micros span = spec.within.months * 31 * kDay + spec.within.days * kDay +
                        spec.within.hours * kHour + spec.within.minutes * kMinute;
    lead = std::max(lead, span / 4);
  }
  return lead;
}

std::optional<Micros> NextWarningAt(const Case& c, const ClockRule& rule, Micros now) {
  std::optional<Micros> next;
  for (const Clock& clock : ComputeClocks(c, rule, now)) {
    if (clock.met_at) continue;
    for (const Threshold& t : Thresholds(clock)) {
      if (t.at > now && (!next || t.at < *next)) next = t.at;
    }
  }
  return next;
}

}  // namespace ecrn::incident
