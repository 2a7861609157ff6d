#include "ecrn/incident/playbooks.hpp"

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
using testing::ValidCase;

const Micros kNow = At("2026-05-11T09:00:00Z");

TEST(Playbooks, TheRequiredPlaybooksExistWithFiveToTenTasks) {
  std::set<std::string_view> tokens;
  for (const Playbook& p : Playbooks()) {
    tokens.insert(p.token);
    EXPECT_TRUE(IsCategory(p.suggested_category)) << p.token;
    EXPECT_FALSE(p.title.empty());
    EXPECT_FALSE(p.description.empty());
    EXPECT_GE(p.tasks.size(), 5u) << p.token;
    EXPECT_LE(p.tasks.size(), 10u) << p.token;
    Micros previous = 0;
    for (const PlaybookTask& t : p.tasks) {
      EXPECT_GT(t.due_after, 0) << t.title;
      EXPECT_GE(t.due_after, previous) << p.token << ": tasks listed in due order";
      EXPECT_LE(t.title.size(), kMaxShortTextBytes);
      previous = t.due_after;
    }
  }
  EXPECT_THAT(tokens,
              ::testing::UnorderedElementsAre(
                  "ddos-results-site", "compromised-staff-account", "voter-data-leak",
                  "website-defacement", "deepfake-impersonation", "ransomware-regional-office"));
  EXPECT_EQ(FindPlaybook("nope"), nullptr);
}

TEST(Playbooks, ApplyingAddsOpenTasksDueRelativeToNow) {
  for (const Playbook& p : Playbooks()) {
    Case c = ValidCase();
    auto out = ApplyPlaybook(c, p.token, "user-1", kNow);
    ASSERT_TRUE(out.ok()) << p.token << ": " << out.error().message;
    ASSERT_EQ(out->updated.tasks.size(), p.tasks.size());
    ASSERT_EQ(out->events.size(), p.tasks.size() + 1);
    EXPECT_EQ(out->events[0].action, "playbook.apply");
    EXPECT_EQ(out->events[0].detail.at("playbook"), json::value(p.token));
    for (size_t i = 0; i < p.tasks.size(); ++i) {
      const Task& t = out->updated.tasks[i];
      EXPECT_EQ(t.title, p.tasks[i].title);
      EXPECT_EQ(t.due, kNow + p.tasks[i].due_after);
      EXPECT_EQ(t.status, "open");
      EXPECT_EQ(t.playbook, p.token);
      EXPECT_EQ(t.created_by, "user-1");
      EXPECT_EQ(t.id, TaskIdFor(c, i));
      EXPECT_EQ(out->events[i + 1].action, "task.add");
    }
    EXPECT_EQ(out->updated.modified, kNow);
  }
}

TEST(Playbooks, NotTwiceUnlessCancelledAndNotOnFinalCases) {
  Case c = ValidCase();
  auto first = ApplyPlaybook(c, "website-defacement", "user-1", kNow);
  ASSERT_TRUE(first.ok());
  auto twice = ApplyPlaybook(first->updated, "website-defacement", "user-1", kNow);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  // Another playbook adds after the first, with fresh ids.
  auto other =
      ApplyChange(first->updated, ApplyPlaybookChange{"deepfake-impersonation"}, "user-2", kNow);
  ASSERT_TRUE(other.ok());
  std::set<std::string> ids;
  for (const Task& t : other->updated.tasks) EXPECT_TRUE(ids.insert(t.id).second);
  // Cancelled tasks let it be applied again.
  Case cancelled = first->updated;
  for (Task& t : cancelled.tasks) t.status = "cancelled";
  EXPECT_TRUE(ApplyPlaybook(cancelled, "website-defacement", "user-1", kNow).ok());

  auto unknown = ApplyPlaybook(c, "alien-invasion", "user-1", kNow);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  Case closed = c;
  closed.status = "closed";
  auto refused = ApplyPlaybook(closed, "website-defacement", "user-1", kNow);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message, HasSubstr("reopen"));
}

}  // namespace
}  // namespace ecrn::incident
