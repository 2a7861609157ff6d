#include "ecrn/incident/clocks.hpp"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecrn/incident/test_cases.hpp"

namespace ecrn::incident {
namespace {

namespace json = boost::json;
using testing::At;
using ::testing::HasSubstr;
using testing::kHour;
using testing::ValidCase;

// A case detected at 2026-05-10T21:10:00Z (test_cases.hpp).
const Micros kDetected = At("2026-05-10T21:10:00Z");

TEST(Duration, ParsesAndFormatsIso8601) {
  struct Example {
    const char* text;
    ClockDuration d;
  };
  for (const Example& e : std::vector<Example>{{"PT24H", {0, 0, 24, 0}},
                                               {"P1M", {1, 0, 0, 0}},
                                               {"P3D", {0, 3, 0, 0}},
                                               {"PT90M", {0, 0, 0, 90}},
                                               {"P1M2DT3H4M", {1, 2, 3, 4}},
                                               {"PT0M", {}}}) {
    auto d = ParseDuration(e.text);
    ASSERT_TRUE(d.ok()) << e.text;
    EXPECT_EQ(*d, e.d) << e.text;
    EXPECT_EQ(FormatDuration(e.d), e.text);
  }
  for (const char* bad : {"", "P", "PT", "24H", "P1H", "PT1D", "P1D1M", "PT1M1H", "P-1M",
                          "P1000000M", "P1MT", "P1.5D", "PT24h", "P1Y", "P1W", "PT1S", "P1M1M"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  }
}

TEST(Duration, MonthsFollowTheCalendar) {
  const ClockDuration month{1, 0, 0, 0};
  EXPECT_EQ(AddDuration(At("2026-01-31T10:00:00Z"), month), At("2026-02-28T10:00:00Z"));
  EXPECT_EQ(AddDuration(At("2028-01-31T10:00:00Z"), month), At("2028-02-29T10:00:00Z"));
  EXPECT_EQ(AddDuration(At("2026-03-31T23:59:59.999999Z"), month),
            At("2026-04-30T23:59:59.999999Z"));
  EXPECT_EQ(AddDuration(At("2026-12-15T00:00:00Z"), month), At("2027-01-15T00:00:00Z"));
  EXPECT_EQ(AddDuration(At("2026-01-31T10:00:00Z"), {13, 0, 0, 0}), At("2027-02-28T10:00:00Z"));
  EXPECT_EQ(AddDuration(At("1969-12-31T23:00:00Z"), {0, 0, 2, 0}), At("1970-01-01T01:00:00Z"));
  EXPECT_EQ(AddDuration(At("1969-12-31T23:00:00Z"), month), At("1970-01-31T23:00:00Z"));
  EXPECT_EQ(AddDuration(At("2026-02-28T22:00:00Z"), {0, 1, 3, 0}), At("2026-03-02T01:00:00Z"));
}

TEST(Clocks, Nis2DeadlinesAtDetection) {
  Case c = ValidCase();
  auto clocks = ComputeClocks(c, Nis2Rule(), kDetected);
  ASSERT_EQ(clocks.size(), 3u);
  EXPECT_EQ(clocks[0].token, "early-warning");
  EXPECT_EQ(clocks[0].deadline, kDetected + 24 * kHour);
  EXPECT_EQ(clocks[1].token, "notification");
  EXPECT_EQ(clocks[1].deadline, kDetected + 72 * kHour);
  EXPECT_EQ(clocks[2].token, "final-report");
  // Not yet notified: one month after the notification deadline.
  EXPECT_EQ(clocks[2].starts, At("2026-05-13T21:10:00Z"));
  EXPECT_EQ(clocks[2].deadline, At("2026-06-13T21:10:00Z"));
  for (const Clock& clock : clocks) {
    EXPECT_EQ(clock.state, ClockState::kPending) << clock.token;
    EXPECT_FALSE(clock.met_at);
  }
  EXPECT_EQ(ClockStateToken(clocks[0].state), "pending");
}

TEST(Clocks, ExactlyAtTheDeadlineIsStillOnTime) {
  Case c = ValidCase();
  const Micros deadline = kDetected + 24 * kHour;
  EXPECT_EQ(ComputeClocks(c, Nis2Rule(), deadline)[0].state, ClockState::kDueSoon);
  EXPECT_EQ(ComputeClocks(c, Nis2Rule(), deadline + 1)[0].state, ClockState::kOverdue);
  // Due soon from the last quarter of the span (6 h of 24 h).
  EXPECT_EQ(ComputeClocks(c, Nis2Rule(), deadline - 6 * kHour - 1)[0].state, ClockState::kPending);
  EXPECT_EQ(ComputeClocks(c, Nis2Rule(), deadline - 6 * kHour)[0].state, ClockState::kDueSoon);
  // Sent exactly at the deadline: met, not late; a microsecond later: late.
  c.early_warning_sent = deadline;
  auto met = ComputeClocks(c, Nis2Rule(), deadline + kHour)[0];
  EXPECT_EQ(met.state, ClockState::kMet);
  EXPECT_FALSE(met.late);
  c.early_warning_sent = deadline + 1;
  EXPECT_TRUE(ComputeClocks(c, Nis2Rule(), deadline + kHour)[0].late);
}

TEST(Clocks, FinalReportCountsFromTheNotificationOnceSent) {
  Case c = ValidCase();
  c.detected = At("2027-01-28T21:00:00Z");
  c.started.reset();
  auto provisional = ComputeClocks(c, Nis2Rule(), c.detected)[2];
  EXPECT_EQ(provisional.starts, At("2027-01-31T21:00:00Z"));
  EXPECT_EQ(provisional.deadline, At("2027-02-28T21:00:00Z"));  // month end
  c.notification_sent = At("2027-01-29T08:00:00Z");
  auto real = ComputeClocks(c, Nis2Rule(), c.detected)[2];
  EXPECT_EQ(real.starts, At("2027-01-29T08:00:00Z"));
  EXPECT_EQ(real.deadline, At("2027-02-28T08:00:00Z"));
  EXPECT_EQ(ComputeClocks(c, Nis2Rule(), c.detected)[1].state, ClockState::kMet);
}

TEST(Clocks, RejectedAndDuplicateCasesHaveNoClocksClosedOnesDo) {
  Case c = ValidCase();
  c.status = "rejected";
  EXPECT_TRUE(ComputeClocks(c, Nis2Rule(), kDetected).empty());
  EXPECT_FALSE(NextDeadline(c, Nis2Rule(), kDetected));
  c.status = "duplicate";
  c.duplicate_of = "incident--1b6ad7c5-9a5e-4c0e-8d3b-4f1a2b3c4d5e";
  EXPECT_TRUE(ComputeClocks(c, Nis2Rule(), kDetected).empty());
  c.status = "closed";
  c.duplicate_of.reset();
  EXPECT_EQ(ComputeClocks(c, Nis2Rule(), kDetected).size(), 3u);
}

TEST(Clocks, NextDeadlineIsTheEarliestUnmet) {
  Case c = ValidCase();
  EXPECT_EQ(NextDeadline(c, Nis2Rule(), kDetected), kDetected + 24 * kHour);
  c.early_warning_sent = kDetected + kHour;
  EXPECT_EQ(NextDeadline(c, Nis2Rule(), kDetected), kDetected + 72 * kHour);
  c.notification_sent = kDetected + 2 * kHour;
  EXPECT_EQ(NextDeadline(c, Nis2Rule(), kDetected), At("2026-06-10T23:10:00Z"));
  c.final_report_sent = kDetected + 3 * kHour;
  EXPECT_FALSE(NextDeadline(c, Nis2Rule(), kDetected));
  // Overdue clocks still count (for the "overdue" query: deadline < now).
  Case late = ValidCase();
  EXPECT_EQ(NextDeadline(late, Nis2Rule(), kDetected + 100 * kHour), kDetected + 24 * kHour);
}

TEST(Clocks, WarningsOnePerClockMostUrgentWithStableKeys) {
  Case c = ValidCase();
  const std::string uuid(c.uuid());
  const std::string early = uuid + ":early-warning:" + std::to_string(kDetected + 24 * kHour);
  EXPECT_TRUE(DueWarnings(c, Nis2Rule(), kDetected).empty());
  // 18 h in: a quarter of the 24 h left.
  auto at18 = DueWarnings(c, Nis2Rule(), kDetected + 18 * kHour);
  ASSERT_EQ(at18.size(), 1u);
  EXPECT_EQ(at18[0].key, early + ":25pct");
  EXPECT_EQ(at18[0].deadline, kDetected + 24 * kHour);
  auto at23 = DueWarnings(c, Nis2Rule(), kDetected + 23 * kHour);
  ASSERT_EQ(at23.size(), 1u);
  EXPECT_EQ(at23[0].key, early + ":1h");
  EXPECT_EQ(at23[0].threshold, "1h");
  auto at25 = DueWarnings(c, Nis2Rule(), kDetected + 25 * kHour);
  ASSERT_EQ(at25.size(), 1u);
  EXPECT_EQ(at25[0].key, early + ":overdue");
  EXPECT_EQ(DueWarnings(c, Nis2Rule(), kDetected + 30 * kHour), at25) << "stable while it stays";
  // 60 h: notification at 25 % (18 h of 72 h left), early warning overdue.
  auto at60 = DueWarnings(c, Nis2Rule(), kDetected + 60 * kHour);
  ASSERT_EQ(at60.size(), 2u);
  EXPECT_EQ(at60[1].key,
            uuid + ":notification:" + std::to_string(kDetected + 72 * kHour) + ":25pct");
  c.early_warning_sent = kDetected + kHour;
  EXPECT_EQ(DueWarnings(c, Nis2Rule(), kDetected + 60 * kHour).size(), 1u);
}

// A deadline that moves gets warnings of its own: the final report counts
// from the notification, so sending the notification early brings the final
// report's deadline (and its key) forward.
TEST(Clocks, AMovedDeadlineHasNewWarningKeys) {
  Case c = ValidCase();
  c.early_warning_sent = kDetected + kHour;
  const Micros later = AddDuration(kDetected, {.months = 1, .days = 40});
  auto before = DueWarnings(c, Nis2Rule(), later);
  c.notification_sent = kDetected + 2 * kHour;
  auto after = DueWarnings(c, Nis2Rule(), later);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].clock, "final-report");
  EXPECT_EQ(after[0].threshold, "overdue");
  EXPECT_NE(after[0].key, before.empty() ? "" : before.back().key);
  EXPECT_NE(after[0].key.find(":" + std::to_string(after[0].deadline) + ":"), std::string::npos);
}

TEST(Clocks, WarningLeadBoundsEveryWarningOfTheRule) {
  EXPECT_EQ(WarningLead(Nis2Rule()), 31 * 24 * kHour / 4) << "a month counted as 31 days";
  ClockRule tiny = Nis2Rule();
  tiny.clocks.resize(1);
  tiny.clocks[0].within = {.minutes = 2};
  EXPECT_EQ(WarningLead(tiny), kHour) << "the 1 h warning";
  // Every warning of a case comes no earlier than its next deadline − the lead.
  Case c = ValidCase();
  const Micros lead = WarningLead(Nis2Rule());
  for (Micros now = kDetected; now < kDetected + 40 * 24 * kHour; now += kHour) {
    auto next = NextDeadline(c, Nis2Rule(), now);
    if (!DueWarnings(c, Nis2Rule(), now).empty()) {
      ASSERT_TRUE(next);
      EXPECT_LE(*next, now + lead) << now;
    }
    if (now == kDetected + 30 * kHour) c.early_warning_sent = now;
    if (now == kDetected + 80 * kHour) c.notification_sent = now;
  }
}

TEST(Clocks, NextWarningAtIsTheNextThresholdCrossing) {
  Case c = ValidCase();
  EXPECT_EQ(NextWarningAt(c, Nis2Rule(), kDetected), kDetected + 18 * kHour);
  EXPECT_EQ(NextWarningAt(c, Nis2Rule(), kDetected + 18 * kHour), kDetected + 23 * kHour);
  EXPECT_EQ(NextWarningAt(c, Nis2Rule(), kDetected + 23 * kHour), kDetected + 24 * kHour + 1);
  c.early_warning_sent = kDetected;
  c.notification_sent = kDetected;
  c.final_report_sent = kDetected;
  EXPECT_FALSE(NextWarningAt(c, Nis2Rule(), kDetected));
}

ClockRule Rule(std::string name, std::string country, std::string category) {
  ClockRule r = Nis2Rule();
  r.name = std::move(name);
  r.country = std::move(country);
  r.category = std::move(category);
  return r;
}

TEST(Clocks, MostSpecificRuleWins) {
  const std::vector<ClockRule> rules = {Rule("any", "", ""), Rule("ddos", "", "availability"),
                                        Rule("ge", "GE", ""), Rule("ge-ddos", "GE", "availability"),
                                        Rule("ge-second", "GE", "")};
  EXPECT_EQ(SelectRule(rules, "GE", "availability")->name, "ge-ddos");
  EXPECT_EQ(SelectRule(rules, "ge", "availability")->name, "ge-ddos");
  EXPECT_EQ(SelectRule(rules, "GE", "fraud")->name, "ge");  // first of equals
  EXPECT_EQ(SelectRule(rules, "AM", "availability")->name, "ddos");
  EXPECT_EQ(SelectRule(rules, "AM", "fraud")->name, "any");
  EXPECT_EQ(SelectRule(rules, "", "fraud")->name, "any");
  const std::vector<ClockRule> only_ge = {Rule("ge", "GE", "")};
  EXPECT_EQ(SelectRule(only_ge, "AM", "fraud"), nullptr);
  EXPECT_EQ(SelectRule({}, "GE", "fraud"), nullptr);
}

TEST(Clocks, RuleJsonRoundTrips) {
  ClockRule r = Rule("Georgia", "GE", "availability");
  r.clocks[2].within = {1, 2, 3, 4};
  json::object j = RuleToJson(r);
  EXPECT_EQ(j.at("clocks").at(0).at("within"), "PT24H");
  auto back = RuleFromJson(j);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, r);
  EXPECT_EQ(RuleToJson(*back), j);
  auto nis2 = RuleFromJson(RuleToJson(Nis2Rule()));
  ASSERT_TRUE(nis2.ok());
  EXPECT_EQ(*nis2, Nis2Rule());
}

TEST(Clocks, InvalidRulesAreRefused) {
  struct Bad {
    const char* json;
    const char* expect;
  };
  const char* clock =
      R"({"token":"early-warning","label":"EW","within":"PT24H","anchor":"detected"})";
  const std::vector<Bad> bad = {
      {"[]", "document: must be a JSON object"},
      {R"({"country":"ge","clocks":[CLOCK]})", "country"},
      {R"({"category":"ddos","clocks":[CLOCK]})", "category"},
      {R"({"clocks":[]})", "clocks: must hold one to three clocks"},
      {R"({})", "clocks: required"},
      {R"({"clocks":[CLOCK,CLOCK]})", "clocks[1].token: listed twice"},
      {R"({"clocks":[{"token":"press","label":"x","within":"PT1H","anchor":"detected"}]})",
       "clocks[0].token"},
      {R"({"clocks":[{"token":"early-warning","label":"x","within":"24h","anchor":"detected"}]})",
       "clocks[0].within"},
      {R"({"clocks":[{"token":"early-warning","label":"x","within":"PT0M","anchor":"detected"}]})",
       "clocks[0].within: must be a positive duration"},
      {R"({"clocks":[{"token":"final-report","label":"x","within":"P1M","anchor":"notification"}]})",
       "clocks[0].anchor"},
      {R"({"clocks":[{"token":"early-warning","label":"","within":"PT1H","anchor":"detected"}]})",
       "clocks[0].label"},
      {R"({"clocks":[CLOCK],"colour":1})", "colour: unknown field"},
  };
  for (const Bad& b : bad) {
    std::string text = b.json;
    if (auto pos = text.find("CLOCK"); pos != std::string::npos) {
      text.replace(pos, 5, clock);
      if (auto again = text.find("CLOCK"); again != std::string::npos) {
        text.replace(again, 5, clock);
      }
    }
    auto r = RuleFromJson(json::parse(text));
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_THAT(r.error().message, HasSubstr(b.expect)) << text;
  }
}

}  // namespace
}  // namespace ecrn::incident
