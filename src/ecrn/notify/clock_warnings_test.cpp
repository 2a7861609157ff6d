// The reporting-clock scheduler on a SQLite store with a clock set by hand:
// each warning of a case (a quarter left, one hour left, overdue) reaches
// the owner's managers in-app and its webhooks once, however often and by
// however many schedulers the database is looked at; a moved deadline gets
// warnings of its own; the first pass and a rule change read every open
// case, the others only those near a deadline; closed cases are left alone.
#include "ecrn/notify/clock_warnings.hpp"

#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecrn/incident/test_cases.hpp"
#include "testing/testing.hpp"

namespace ecrn::notify {
namespace {

using incident::testing::At;
using incident::testing::kHour;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

constexpr Micros kMinute = 60'000'000;
const Micros kDetected = At("2026-05-10T21:10:00Z");

class ClockWarningsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::OpenStore(dir_.File("hub.db"));
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    owner_ = AddOrg("CEC", "election-commission");
    cert_ = AddOrg("CERT", "cert");
    police_ = AddOrg("Police", "law-enforcement");
    analyst_ = AddUser(owner_, "ana", "analyst");
    admin_ = AddUser(owner_, "adm", "org-admin");
    viewer_ = AddUser(owner_, "vic", "viewer");
    disabled_ = AddUser(owner_, "gone", "analyst", true);
    cert_analyst_ = AddUser(cert_, "cat", "analyst");
    police_analyst_ = AddUser(police_, "pol", "analyst");
    hook_ = AddHook(owner_, {});
    AddHook(owner_, {"incident.reported"});  // wants something else
    cert_hook_ = AddHook(cert_, {});
  }

  int64_t AddOrg(const std::string& name, const std::string& kind) {
    store::Organisation o;
    o.name = name;
    o.kind = kind;
    o.country = "EE";
    o.identity_id = "identity--" + std::string(36 - name.size(), '0') + name;
    auto id = store_->AddOrganisation(o);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : 0;
  }
  int64_t AddUser(int64_t org, const std::string& name, const std::string& role,
                  bool disabled = false) {
    store::User u;
    u.org_id = org;
    u.username = name;
    u.role = role;
    u.password_hash = "x";
    u.disabled = disabled;
    auto id = store_->AddUser(u);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : 0;
  }
  int64_t AddHook(int64_t org, std::vector<std::string> events) {
    store::Webhook h;
    h.org_id = org;
    h.url = "https://hooks.example/" + std::to_string(org);
    h.secret = "s";
    h.events = std::move(events);
    auto id = store_->Incidents().AddWebhook(h);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : 0;
  }

  // Stores `c` (owned by the commission) as the REST routes would, its next
  // deadline from `rule` at `now`.
  store::IncidentRow Store(const incident::Case& c, const incident::ClockRule& rule, Micros now,
                           std::vector<store::IncidentParticipant> participants = {}) {
    store::IncidentRow row;
    row.stix_id = c.id;
    row.owner_org = owner_;
    row.reporter_user = analyst_;
    row.title = c.title;
    row.status = c.status;
    row.severity = c.severity;
    row.category = c.category;
    row.tlp = c.tlp;
    row.next_deadline = incident::NextDeadline(c, rule, now);
    row.created = now;
    row.updated = now;
    row.json = boost::json::serialize(incident::ToJson(c));
    row.participants = std::move(participants);
    AuditRecord created;
    created.time = now;
    created.actor_label = "ana";
    created.action = "incident.report";
    created.target = c.id;
    created.outcome = "success";
    auto stored = store_->Incidents().CreateIncident(row, created);
    EXPECT_TRUE(stored.ok()) << stored.error().ToString();
    return stored.ok() ? *stored : row;
  }

  // A valid case detected at `detected`, with its own id.
  static incident::Case NewCase(const std::string& uuid, Micros detected,
                                const std::string& title = "Results site down") {
    auto in = incident::testing::ValidReport();
    in.title = title;
    in.detected = detected;
    in.started = detected - kMinute;
    return incident::NewCase(in, uuid, detected + kMinute).value();
  }

  std::vector<store::Notification> Inbox(int64_t user) {
    auto list = store_->Incidents().ListNotifications(user, false, std::nullopt, 100);
    EXPECT_TRUE(list.ok()) << list.error().ToString();
    return list.ok() ? *list : std::vector<store::Notification>{};
  }
  std::vector<std::string> Kinds(int64_t user) {
    std::vector<std::string> out;
    for (const auto& n : Inbox(user)) out.push_back(n.kind);
    return out;
  }
  // The queued deliveries to `webhook`, oldest first.
  std::vector<store::DeliveryRow> Deliveries(int64_t webhook) {
    auto all = store_->Incidents().ListDeliveries("", 1000);
    EXPECT_TRUE(all.ok()) << all.error().ToString();
    std::vector<store::DeliveryRow> out;
    for (const auto& d : all.ok() ? *all : std::vector<store::DeliveryRow>{}) {
      if (d.webhook_id == webhook) out.insert(out.begin(), d);
    }
    return out;
  }

  ClockPass Pass(ClockWarnings& warnings) {
    auto pass = warnings.RunOnce();
    EXPECT_TRUE(pass.ok()) << pass.error().ToString();
    return pass.ok() ? *pass : ClockPass{};
  }

  ecrn::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  FixedClock clock_{kDetected};
  int64_t owner_ = 0, cert_ = 0, police_ = 0;
  int64_t analyst_ = 0, admin_ = 0, viewer_ = 0, disabled_ = 0, cert_analyst_ = 0,
          police_analyst_ = 0;
  int64_t hook_ = 0, cert_hook_ = 0;
};

TEST_F(ClockWarningsTest, EachThresholdIsSentOnceToTheOwnersManagersAndWebhooks) {
  const auto c = NewCase("00000000-0000-4000-8000-000000000001", kDetected);
  const auto row = Store(c, incident::Nis2Rule(), kDetected);
  ClockWarnings warnings(*store_, clock_);

  clock_.Set(kDetected + 17 * kHour);
  EXPECT_EQ(Pass(warnings).warnings, 0) << "more than a quarter of the 24 h left";
  EXPECT_THAT(Inbox(analyst_), IsEmpty());

  clock_.Set(kDetected + 18 * kHour);
  EXPECT_EQ(Pass(warnings).warnings, 1);
  auto inbox = Inbox(analyst_);
  ASSERT_EQ(inbox.size(), 1u);
  EXPECT_EQ(inbox[0].kind, "clock.due-soon");
  EXPECT_EQ(inbox[0].subject_id, row.stix_id);
  EXPECT_THAT(inbox[0].title, StartsWith("Due in 6 h: "));
  EXPECT_THAT(inbox[0].title, HasSubstr("Results site down"));
  EXPECT_THAT(inbox[0].json, HasSubstr(R"("threshold":"25pct")"));
  EXPECT_THAT(inbox[0].json, HasSubstr(R"("deadline":"2026-05-11T21:10:00)"));
  EXPECT_THAT(Kinds(admin_), ElementsAre("clock.due-soon"));
  EXPECT_THAT(Inbox(viewer_), IsEmpty()) << "viewers are not the ones to report";
  EXPECT_THAT(Inbox(disabled_), IsEmpty());
  EXPECT_THAT(Inbox(cert_analyst_), IsEmpty()) << "takes no part";
  auto sent = Deliveries(hook_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].event_kind, "clock.due-soon");
  EXPECT_THAT(sent[0].event_id, HasSubstr(":early-warning:"));
  EXPECT_THAT(sent[0].body, HasSubstr(R"("detail":{)"));
  EXPECT_EQ(store_->Incidents().ListDeliveries("", 100)->size(), 1u)
      << "the webhook that wants only incident.reported got nothing";

  // Looking again, at once or later within the same threshold, sends nothing.
  EXPECT_EQ(Pass(warnings).warnings, 0);
  clock_.Set(kDetected + 22 * kHour);
  EXPECT_EQ(Pass(warnings).warnings, 0);
  ClockWarnings restarted(*store_, clock_);
  EXPECT_EQ(Pass(restarted).warnings, 0) << "a restarted server finds it claimed";

  clock_.Set(kDetected + 23 * kHour + 30 * kMinute);
  EXPECT_EQ(Pass(warnings).warnings, 1);
  EXPECT_THAT(Inbox(analyst_).front().title, StartsWith("Due in 30 min: "));
  clock_.Set(kDetected + 25 * kHour);
  EXPECT_EQ(Pass(warnings).warnings, 1);
  EXPECT_EQ(Pass(restarted).warnings, 0);
  EXPECT_THAT(Kinds(analyst_), ElementsAre("clock.overdue", "clock.due-soon", "clock.due-soon"));
  EXPECT_THAT(Inbox(analyst_).front().title, StartsWith("Overdue: "));
  EXPECT_EQ(Deliveries(hook_).size(), 3u);
}

TEST_F(ClockWarningsTest, TwoServersOnOneDatabaseSendAWarningOnce) {
  const auto c = NewCase("00000000-0000-4000-8000-000000000002", kDetected);
  Store(c, incident::Nis2Rule(), kDetected);
  auto other = store::OpenStore(dir_.File("hub.db"));
  ASSERT_TRUE(other.ok());
  clock_.Set(kDetected + 30 * kHour);
  ClockWarnings a(*store_, clock_);
  ClockWarnings b(**other, clock_);
  EXPECT_EQ(Pass(a).warnings + Pass(b).warnings, 1);
  EXPECT_EQ(Pass(b).warnings + Pass(a).warnings, 0);
  EXPECT_THAT(Kinds(analyst_), ElementsAre("clock.overdue"));
  EXPECT_EQ(Deliveries(hook_).size(), 1u);
}

TEST_F(ClockWarningsTest, OnlyTheFirstPassAndPassesAfterARuleChangeReadEveryOpenCase) {
  Store(NewCase("00000000-0000-4000-8000-000000000003", kDetected), incident::Nis2Rule(),
        kDetected);
  // Detected 30 days later: its first deadline is far beyond the warning lead.
  Store(NewCase("00000000-0000-4000-8000-000000000004", kDetected + 30 * 24 * kHour),
        incident::Nis2Rule(), kDetected);
  auto closed = NewCase("00000000-0000-4000-8000-000000000005", kDetected);
  closed.status = "closed";
  Store(closed, incident::Nis2Rule(), kDetected);
  ClockWarnings warnings(*store_, clock_);

  clock_.Set(kDetected + 18 * kHour);
  auto first = Pass(warnings);
  EXPECT_TRUE(first.full);
  EXPECT_EQ(first.cases, 2) << "every open case; not the closed one";
  EXPECT_EQ(first.warnings, 1) << "the closed case's clocks raise nothing";
  auto next = Pass(warnings);
  EXPECT_FALSE(next.full);
  EXPECT_EQ(next.cases, 1) << "only the case near its deadline";

  store::ReportingRuleRow rule;
  rule.country = "EE";
  rule.json = boost::json::serialize(incident::RuleToJson(incident::Nis2Rule()));
  rule.updated = clock_.Now();
  ASSERT_TRUE(store_->Incidents().PutReportingRule(rule).ok());
  auto after = Pass(warnings);
  EXPECT_TRUE(after.full);
  EXPECT_EQ(after.cases, 2);
  EXPECT_FALSE(Pass(warnings).full);
}

// The stored next deadline followed NIS2 when the case was reported; a rule
// made since gives it a 30-minute early warning, already passed. The full
// pass after the change finds it, and the new deadline has its own key.
TEST_F(ClockWarningsTest, ARuleChangeMovesTheDeadlineAndTheNewOneIsWarnedAbout) {
  Store(NewCase("00000000-0000-4000-8000-000000000006", kDetected), incident::Nis2Rule(),
        kDetected);
  ClockWarnings warnings(*store_, clock_);
  clock_.Set(kDetected + 23 * kHour + 30 * kMinute);
  EXPECT_EQ(Pass(warnings).warnings, 1);
  const std::string old_key = Deliveries(hook_).front().event_id;

  incident::ClockRule strict = incident::Nis2Rule();
  strict.name = "Strict";
  strict.country = "EE";
  strict.clocks.resize(1);
  strict.clocks[0].within = {.minutes = 30};
  store::ReportingRuleRow row;
  row.country = "EE";
  row.json = boost::json::serialize(incident::RuleToJson(strict));
  row.updated = clock_.Now();
  ASSERT_TRUE(store_->Incidents().PutReportingRule(row).ok());
  EXPECT_EQ(Pass(warnings).warnings, 1);
  auto sent = Deliveries(hook_);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].event_kind, "clock.overdue");
  EXPECT_NE(sent[1].event_id, old_key);
  EXPECT_EQ(Pass(warnings).warnings, 0);
}

TEST_F(ClockWarningsTest, TheAssigneeAndANationalCertParticipantAreTold) {
  auto c = NewCase("00000000-0000-4000-8000-000000000007", kDetected);
  c.assignee = std::to_string(viewer_);
  Store(c, incident::Nis2Rule(), kDetected,
        {{cert_, "national-cert", kDetected}, {police_, "police", kDetected}});
  ClockWarnings warnings(*store_, clock_);
  clock_.Set(kDetected + 18 * kHour);
  EXPECT_EQ(Pass(warnings).warnings, 1);
  EXPECT_THAT(Kinds(viewer_), ElementsAre("clock.due-soon")) << "the assignee";
  EXPECT_THAT(Kinds(analyst_), ElementsAre("clock.due-soon"));
  EXPECT_THAT(Inbox(cert_analyst_), IsEmpty()) << "participants hear of overdue clocks only";
  clock_.Set(kDetected + 25 * kHour);
  EXPECT_EQ(Pass(warnings).warnings, 1);
  EXPECT_THAT(Kinds(cert_analyst_), ElementsAre("clock.overdue"));
  EXPECT_THAT(Inbox(police_analyst_), IsEmpty()) << "only the national CERT";
  auto to_cert = Deliveries(cert_hook_);
  ASSERT_EQ(to_cert.size(), 1u);
  EXPECT_NE(to_cert[0].event_id, Deliveries(hook_).back().event_id);
}

// An assignee of an organisation that no longer takes part hears nothing.
TEST_F(ClockWarningsTest, AnAssigneeOutsideTheCaseIsNotTold) {
  auto c = NewCase("00000000-0000-4000-8000-000000000008", kDetected);
  c.assignee = std::to_string(police_analyst_);
  Store(c, incident::Nis2Rule(), kDetected);
  ClockWarnings warnings(*store_, clock_);
  clock_.Set(kDetected + 18 * kHour);
  EXPECT_EQ(Pass(warnings).warnings, 1);
  EXPECT_THAT(Kinds(analyst_), ElementsAre("clock.due-soon"));
  EXPECT_THAT(Inbox(police_analyst_), IsEmpty());
}

TEST_F(ClockWarningsTest, StartAndStopAreSafeInAnyOrder) {
  ClockWarnings warnings(*store_, clock_, {.interval = std::chrono::hours(1)});
  warnings.Stop();
  warnings.Start();
  warnings.Start();
  warnings.Stop();
  warnings.Stop();
  auto pass = warnings.RunOnce();
  ASSERT_TRUE(pass.ok()) << pass.error().ToString();
  EXPECT_FALSE(pass->full) << "the worker's first pass ran before it stopped";
}

}  // namespace
}  // namespace ecrn::notify
