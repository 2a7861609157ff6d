#include "ecrn/incident/workflow.hpp"

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecrn/incident/test_cases.hpp"
#include "ecrn/incident/vocab.hpp"

namespace ecrn::incident {
namespace {

namespace json = boost::json;
using testing::At;
using ::testing::HasSubstr;
using testing::kCaseId;
using testing::kHour;
using testing::ValidCase;

const Micros kNow = At("2026-05-11T09:00:00Z");
constexpr char kOther[] = "incident--1b6ad7c5-9a5e-4c0e-8d3b-4f1a2b3c4d5e";

Case InStatus(const std::string& status) {
  Case c = ValidCase();
  c.status = status;
  if (status == "duplicate") c.duplicate_of = kOther;
  return c;
}

Result<ChangeOutcome> Apply(const Case& c, const Change& change) {
  return ApplyChange(c, change, "user-1", kNow);
}

// The documented table, written out independently of the implementation's.
const std::set<std::pair<std::string, std::string>> kExpected = {
    {"reported", "triaged"},        {"reported", "investigating"}, {"reported", "rejected"},
    {"reported", "duplicate"},      {"triaged", "investigating"},  {"triaged", "contained"},
    {"triaged", "rejected"},        {"triaged", "duplicate"},      {"investigating", "contained"},
    {"investigating", "recovered"}, {"investigating", "rejected"}, {"investigating", "duplicate"},
    {"contained", "investigating"}, {"contained", "recovered"},    {"recovered", "investigating"},
    {"recovered", "closed"},        {"closed", "investigating"},   {"rejected", "triaged"},
    {"duplicate", "triaged"},
};

TEST(Workflow, EveryPairOfStatusesIsAllowedOrRefusedAsDocumented) {
  for (const VocabEntry& from : CaseStatuses()) {
    for (const VocabEntry& to : CaseStatuses()) {
      if (from.token == to.token) continue;
      const bool allowed = kExpected.contains({std::string(from.token), std::string(to.token)});
      EXPECT_EQ(IsAllowedTransition(from.token, to.token), allowed)
          << from.token << " -> " << to.token;
      SetStatus change{std::string(to.token), "because", std::nullopt};
      if (to.token == "duplicate") change.duplicate_of = kOther;
      auto out = Apply(InStatus(std::string(from.token)), change);
      if (allowed) {
        ASSERT_TRUE(out.ok()) << from.token << " -> " << to.token << ": " << out.error().message;
        EXPECT_EQ(out->updated.status, to.token);
        EXPECT_EQ(out->updated.modified, kNow);
        ASSERT_EQ(out->events.size(), 1u);
        EXPECT_EQ(out->events[0].action, "incident.status");
        EXPECT_EQ(out->events[0].detail.at("before"), json::value(from.token));
        EXPECT_EQ(out->events[0].detail.at("after"), json::value(to.token));
      } else {
        ASSERT_FALSE(out.ok()) << from.token << " -> " << to.token;
        EXPECT_EQ(out.error().code, ErrorCode::kConflict) << from.token << " -> " << to.token;
      }
    }
  }
  EXPECT_THAT(AllowedTransitions("closed"), ::testing::ElementsAre("investigating"));
  EXPECT_THAT(AllowedTransitions("nonsense"), ::testing::IsEmpty());
}

TEST(Workflow, SameStatusIsANoOp) {
  Case c = InStatus("triaged");
  auto out = Apply(c, SetStatus{"triaged", "", std::nullopt});
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->events.empty());
  EXPECT_EQ(out->updated, c);
}

TEST(Workflow, RejectingAndReopeningNeedAReason) {
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"reported", "rejected"}, {"closed", "investigating"}, {"rejected", "triaged"}}) {
    auto out = Apply(InStatus(from), SetStatus{to, " ", std::nullopt});
    ASSERT_FALSE(out.ok()) << from << " -> " << to;
    EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(out.error().message, HasSubstr("reason: required"));
  }
  auto ok = Apply(InStatus("closed"), SetStatus{"investigating", "new evidence", std::nullopt});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->events[0].detail.at("reason"), "new evidence");
  auto binary = Apply(InStatus("reported"), SetStatus{"rejected", "bad \xFF", std::nullopt});
  ASSERT_FALSE(binary.ok());
  EXPECT_THAT(binary.error().message, HasSubstr("reason"));
  // Triage needs no reason.
  EXPECT_TRUE(Apply(InStatus("reported"), SetStatus{"triaged", "", std::nullopt}).ok());
}

TEST(Workflow, DuplicateNeedsAnotherCase) {
  Case c = InStatus("triaged");
  auto none = Apply(c, SetStatus{"duplicate", "", std::nullopt});
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.error().message, HasSubstr("duplicate_of: required"));
  auto self = Apply(c, SetStatus{"duplicate", "", std::string(kCaseId)});
  ASSERT_FALSE(self.ok());
  EXPECT_THAT(self.error().message, HasSubstr("itself"));
  auto bad = Apply(c, SetStatus{"duplicate", "", std::string("incident--nope")});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr("duplicate_of"));
  auto stray = Apply(c, SetStatus{"investigating", "", std::string(kOther)});
  ASSERT_FALSE(stray.ok());
  EXPECT_THAT(stray.error().message, HasSubstr("only for a duplicate"));

  auto ok = Apply(c, SetStatus{"duplicate", "", std::string(kOther)});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->updated.duplicate_of, kOther);
  EXPECT_EQ(ok->events[0].detail.at("duplicate_of"), kOther);
  // Un-merging clears the target.
  auto back = Apply(ok->updated, SetStatus{"triaged", "", std::nullopt});
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->updated.duplicate_of);
  EXPECT_EQ(back->events[0].detail.at("was_duplicate_of"), kOther);
}

TEST(Workflow, ClosingWaitsForOpenTasks) {
  Case c = InStatus("recovered");
  auto added = Apply(c, AddTask{"Write the report", std::nullopt, std::nullopt});
  ASSERT_TRUE(added.ok());
  auto refused = Apply(added->updated, SetStatus{"closed", "", std::nullopt});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_THAT(refused.error().message, HasSubstr("1 task is still open"));
  const std::string id = added->updated.tasks[0].id;
  auto done = Apply(added->updated,
                    UpdateTask{id, std::nullopt, std::nullopt, std::nullopt, std::string("done")});
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(Apply(done->updated, SetStatus{"closed", "", std::nullopt}).ok());
}

TEST(Workflow, FinalCasesAreReadOnlyExceptStatusAcksAndMilestones) {
  for (const char* status : {"closed", "rejected", "duplicate"}) {
    Case c = InStatus(status);
    const std::vector<Change> refused = {
        Assign{std::string("user-2")},
        EditFields{.title = std::string("New title")},
        AddTask{"x", std::nullopt, std::nullopt},
        LinkObject{"indicator--1d1c7a3e-1b2c-4d5e-8f90-123456789abc", "indicator"},
        ApplyPlaybookChange{"website-defacement"},
    };
    for (const Change& change : refused) {
      auto out = Apply(c, change);
      ASSERT_FALSE(out.ok()) << status << " change " << change.index();
      EXPECT_EQ(out.error().code, ErrorCode::kConflict);
      EXPECT_THAT(out.error().message, HasSubstr("reopen"));
    }
    EXPECT_TRUE(Apply(c, Acknowledge{"org-police", "user-9"}).ok()) << status;
    EXPECT_TRUE(Apply(c, MarkMilestone{"early-warning", kNow}).ok()) << status;
  }
}

TEST(Workflow, AssignAndUnassign) {
  Case c = ValidCase();
  auto a = Apply(c, Assign{std::string("user-2")});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->updated.assignee, "user-2");
  EXPECT_EQ(a->events[0].action, "incident.assign");
  EXPECT_TRUE(a->events[0].detail.at("before").is_null());
  EXPECT_TRUE(Apply(a->updated, Assign{std::string("user-2")})->events.empty());
  auto u = Apply(a->updated, Assign{std::nullopt});
  ASSERT_TRUE(u.ok());
  EXPECT_FALSE(u->updated.assignee);
  EXPECT_EQ(u->events[0].detail.at("before"), "user-2");
  auto bad = Apply(c, Assign{std::string("")});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr("assignee"));
}

TEST(Workflow, EditRecordsOnlyChangedFieldsWithBeforeAndAfter) {
  Case c = ValidCase();
  EditFields e;
  e.severity = "critical";
  e.title = c.title;                    // unchanged: not recorded
  e.started = std::optional<Micros>();  // cleared
  e.impacts = c.impacts;
  e.impacts->integrity = "low";
  auto out = Apply(c, e);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->updated.severity, "critical");
  EXPECT_FALSE(out->updated.started);
  ASSERT_EQ(out->events.size(), 1u);
  EXPECT_EQ(out->events[0].action, "incident.edit");
  const auto& fields = out->events[0].detail.at("fields").as_object();
  EXPECT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields.at("severity").at("before"), "high");
  EXPECT_EQ(fields.at("severity").at("after"), "critical");
  EXPECT_TRUE(fields.at("started").at("after").is_null());
  EXPECT_EQ(fields.at("impacts").at("after").at("integrity"), "low");
  // Nothing different: no-op.
  EXPECT_TRUE(Apply(out->updated, e)->events.empty());
}

TEST(Workflow, EditsAreValidated) {
  Case c = ValidCase();
  auto bad_category = Apply(c, EditFields{.category = std::string("ddos")});
  ASSERT_FALSE(bad_category.ok());
  EXPECT_EQ(bad_category.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(bad_category.error().message, HasSubstr("category: must be one of"));
  auto future = Apply(c, EditFields{.detected = kNow + kMaxFutureSkew + 1});
  ASSERT_FALSE(future.ok());
  EXPECT_THAT(future.error().message, HasSubstr("detected: must not be in the future"));
  auto order = Apply(c, EditFields{.detected = *c.started - 1});
  ASSERT_FALSE(order.ok());
  EXPECT_THAT(order.error().message, HasSubstr("started"));
  auto disinfo =
      Apply(c, EditFields{.election_targets = std::vector<std::string>{"disinformation"}});
  ASSERT_FALSE(disinfo.ok());
  EXPECT_THAT(disinfo.error().message, HasSubstr("disinformation_kind: required"));
}

TEST(Workflow, TasksAreAddedWithDeterministicIdsAndUpdated) {
  Case c = ValidCase();
  auto a = Apply(c, AddTask{"Call the host", std::string("user-3"), kNow + kHour});
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->updated.tasks.size(), 1u);
  const Task& t = a->updated.tasks[0];
  EXPECT_EQ(t.id, TaskIdFor(c, 0));
  EXPECT_EQ(t.status, "open");
  EXPECT_EQ(t.created, kNow);
  EXPECT_EQ(t.created_by, "user-1");
  EXPECT_EQ(a->events[0].action, "task.add");
  EXPECT_EQ(a->events[0].detail.at("task").at("title"), "Call the host");
  auto b = Apply(a->updated, AddTask{"Second", std::nullopt, std::nullopt});
  ASSERT_TRUE(b.ok());
  EXPECT_NE(b->updated.tasks[1].id, t.id);
  // Another case's first task gets another id.
  Case other = ValidCase();
  other.id = kOther;
  EXPECT_NE(TaskIdFor(other, 0), t.id);

  auto u = Apply(b->updated, UpdateTask{t.id, std::nullopt, std::optional<std::string>(),
                                        std::nullopt, std::string("in-progress")});
  ASSERT_TRUE(u.ok());
  EXPECT_FALSE(u->updated.tasks[0].owner);
  EXPECT_EQ(u->updated.tasks[0].status, "in-progress");
  EXPECT_EQ(u->events[0].action, "task.update");
  EXPECT_EQ(u->events[0].detail.at("task_id"), json::value(t.id));
  EXPECT_EQ(u->events[0].detail.at("fields").at("owner").at("before"), "user-3");

  auto missing = Apply(b->updated, UpdateTask{"5d1c7a3e-1b2c-4d5e-8f90-123456789abc"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto bad_status = Apply(b->updated, UpdateTask{t.id, std::nullopt, std::nullopt, std::nullopt,
                                                 std::string("waiting")});
  ASSERT_FALSE(bad_status.ok());
  EXPECT_EQ(bad_status.error().code, ErrorCode::kInvalidArgument);
  auto empty = Apply(c, AddTask{"", std::nullopt, std::nullopt});
  ASSERT_FALSE(empty.ok());
  EXPECT_THAT(empty.error().message, HasSubstr("title: required"));
}

TEST(Workflow, LinkAndUnlinkObjects) {
  Case c = ValidCase();
  const std::string ind = "indicator--1d1c7a3e-1b2c-4d5e-8f90-123456789abc";
  auto l = Apply(c, LinkObject{ind, "indicator"});
  ASSERT_TRUE(l.ok());
  ASSERT_EQ(l->updated.links.size(), 1u);
  EXPECT_EQ(l->updated.links[0].added_by, "user-1");
  EXPECT_EQ(l->events[0].action, "link.add");
  EXPECT_TRUE(Apply(l->updated, LinkObject{ind, "indicator"})->events.empty());
  auto other_kind = Apply(l->updated, LinkObject{ind, "other"});
  ASSERT_FALSE(other_kind.ok());
  EXPECT_EQ(other_kind.error().code, ErrorCode::kConflict);
  auto bad_id = Apply(c, LinkObject{"indicator--x", "indicator"});
  ASSERT_FALSE(bad_id.ok());
  EXPECT_THAT(bad_id.error().message, HasSubstr("object_id: must be a STIX id"));
  auto bad_kind = Apply(c, LinkObject{ind, "rumour"});
  ASSERT_FALSE(bad_kind.ok());
  EXPECT_THAT(bad_kind.error().message, HasSubstr("kind"));
  auto self = Apply(c, LinkObject{kCaseId, "other"});
  ASSERT_FALSE(self.ok());
  EXPECT_THAT(self.error().message, HasSubstr("itself"));
  auto u = Apply(l->updated, UnlinkObject{ind});
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u->updated.links.empty());
  EXPECT_EQ(u->events[0].action, "link.remove");
  EXPECT_EQ(u->events[0].detail.at("kind"), "indicator");
  auto missing = Apply(c, UnlinkObject{ind});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST(Workflow, MilestonesInOrderOnceAndNotInTheFuture) {
  Case c = ValidCase();
  auto early_final = Apply(c, MarkMilestone{"final-report", kNow});
  ASSERT_FALSE(early_final.ok());
  EXPECT_EQ(early_final.error().code, ErrorCode::kConflict);
  auto future = Apply(c, MarkMilestone{"notification", kNow + kMaxFutureSkew + 1});
  ASSERT_FALSE(future.ok());
  EXPECT_EQ(future.error().code, ErrorCode::kInvalidArgument);
  auto before = Apply(c, MarkMilestone{"notification", c.detected - 1});
  ASSERT_FALSE(before.ok());
  EXPECT_THAT(before.error().message, HasSubstr("before the detection"));
  auto unknown = Apply(c, MarkMilestone{"press-release", kNow});
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.error().message, HasSubstr("milestone"));

  auto n = Apply(c, MarkMilestone{"notification", kNow - kHour});
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->updated.notification_sent, kNow - kHour);
  EXPECT_EQ(n->events[0].action, "incident.milestone");
  EXPECT_EQ(n->events[0].detail.at("milestone"), "notification");
  auto again = Apply(n->updated, MarkMilestone{"notification", kNow});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  auto f = Apply(n->updated, MarkMilestone{"final-report", kNow});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->updated.final_report_sent, kNow);
}

TEST(Workflow, AcknowledgementOncePerOrganisation) {
  Case c = ValidCase();
  auto a = Apply(c, Acknowledge{"org-police", "user-9"});
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->updated.acknowledgements.size(), 1u);
  EXPECT_EQ(a->updated.acknowledgements[0].at, kNow);
  EXPECT_EQ(a->events[0].action, "participant.ack");
  auto again = Apply(a->updated, Acknowledge{"org-police", "user-10"});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->events.empty());
  EXPECT_EQ(again->updated.acknowledgements[0].user_id, "user-9");
  auto bad = Apply(c, Acknowledge{"", "user-9"});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr("org_id"));
}

TEST(Workflow, ModifiedNeverMovesBackwards) {
  Case c = ValidCase();
  c.modified = kNow + kHour;
  auto out = Apply(c, Assign{std::string("user-2")});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->updated.modified, kNow + kHour);
}

}  // namespace
}  // namespace ecrn::incident
