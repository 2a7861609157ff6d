#include "ecrn/incident/case.hpp"

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecrn/incident/test_cases.hpp"

namespace ecrn::incident {
namespace {

namespace json = boost::json;
using testing::At;
using ::testing::HasSubstr;
using testing::kCaseId;
using testing::kHour;
using testing::ValidCase;
using testing::ValidReport;

std::vector<std::string> Fields(const std::vector<FieldProblem>& problems) {
  std::vector<std::string> out;
  for (const auto& p : problems) out.push_back(p.field);
  return out;
}

const Micros kNow = At("2026-05-10T21:15:00Z");

TEST(Report, ValidReportBecomesAReportedCase) {
  EXPECT_THAT(ValidateReport(ValidReport(), kNow), ::testing::IsEmpty());
  auto c = NewCase(ValidReport(), testing::kUuid, kNow);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->id, kCaseId);
  EXPECT_EQ(c->uuid(), testing::kUuid);
  EXPECT_EQ(c->status, "reported");
  EXPECT_EQ(c->created, kNow);
  EXPECT_EQ(c->modified, kNow);
  EXPECT_EQ(c->detected, At("2026-05-10T21:10:00Z"));
  EXPECT_EQ(c->impacts.availability, "high");
  EXPECT_EQ(c->impacts.confidentiality, "none");
  EXPECT_TRUE(c->tasks.empty());
}

TEST(Report, EmptyFormNamesEveryRequiredFieldInFormOrder) {
  ReportInput empty;
  EXPECT_THAT(
      Fields(ValidateReport(empty, kNow)),
      ::testing::ElementsAre("title", "description", "detected", "category", "severity", "tlp"));
}

TEST(Report, NewCaseRefusesInvalidReportsAndNonV4Uuids) {
  ReportInput bad = ValidReport();
  bad.title = "  ";
  auto c = NewCase(bad, testing::kUuid, kNow);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(c.error().message, HasSubstr("title: required"));
  auto v1 = NewCase(ValidReport(), "0b6ad7c5-9a5e-1c0e-8d3b-4f1a2b3c4d5e", kNow);
  ASSERT_FALSE(v1.ok());
  EXPECT_THAT(v1.error().message, HasSubstr("id: must be a version-4 UUID"));
}

TEST(Report, TitleIsCountedInCharactersNotBytes) {
  ReportInput in = ValidReport();
  in.title.clear();
  for (int i = 0; i < 200; ++i) in.title += "\xD0\x96";  // Cyrillic Zhe, 2 bytes
  EXPECT_THAT(ValidateReport(in, kNow), ::testing::IsEmpty());
  in.title += "\xD0\x96";
  EXPECT_THAT(Fields(ValidateReport(in, kNow)), ::testing::ElementsAre("title"));
}

TEST(Report, DescriptionSizeAndUtf8) {
  ReportInput in = ValidReport();
  in.description = std::string(kMaxDescriptionBytes, 'x');
  EXPECT_THAT(ValidateReport(in, kNow), ::testing::IsEmpty());
  in.description += "x";
  EXPECT_THAT(Fields(ValidateReport(in, kNow)), ::testing::ElementsAre("description"));
  in.description = "bad \xC3\x28 byte";
  auto problems = ValidateReport(in, kNow);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0].message, HasSubstr("UTF-8"));
  in.description = std::string("nul\0inside", 10);
  EXPECT_THAT(Fields(ValidateReport(in, kNow)), ::testing::ElementsAre("description"));
}

TEST(Report, TimesNotInTheFutureBeyondSkewAndStartedNotAfterDetected) {
  ReportInput in = ValidReport();
  in.detected = kNow + kMaxFutureSkew;
  in.started.reset();
  EXPECT_THAT(ValidateReport(in, kNow), ::testing::IsEmpty());
  in.detected = kNow + kMaxFutureSkew + 1;
  EXPECT_THAT(Fields(ValidateReport(in, kNow)), ::testing::ElementsAre("detected"));
  in = ValidReport();
  in.started = *in.detected + 1;
  auto problems = ValidateReport(in, kNow);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "started");
  EXPECT_THAT(problems[0].message, HasSubstr("after"));
  in.started = in.detected;
  EXPECT_THAT(ValidateReport(in, kNow), ::testing::IsEmpty());
}

TEST(Report, VocabularyTokensAreChecked) {
  ReportInput in = ValidReport();
  in.category = "ddos";
  in.severity = "urgent";
  in.tlp = "white";
  in.phase = "counting";
  in.impacts.integrity = "huge";
  in.election_targets = {"results-publication", "moon"};
  EXPECT_THAT(Fields(ValidateReport(in, kNow)),
              ::testing::ElementsAre("category", "election_targets[1]", "phase",
                                     "impacts.integrity", "severity", "tlp"));
  auto problems = ValidateReport(in, kNow);
  EXPECT_THAT(problems[0].message, HasSubstr("abusive-content"));
}

TEST(Report, DisinformationKindGoesWithTheDisinformationTarget) {
  ReportInput in = ValidReport();
  in.election_targets = {"disinformation"};
  EXPECT_THAT(Fields(ValidateReport(in, kNow)), ::testing::ElementsAre("disinformation_kind"));
  in.disinformation_kind = "deepfake";
  EXPECT_THAT(ValidateReport(in, kNow), ::testing::IsEmpty());
  in.election_targets = {"voter-register"};
  EXPECT_THAT(Fields(ValidateReport(in, kNow)), ::testing::ElementsAre("disinformation_kind"));
  in.election_targets = {"voter-register", "voter-register"};
  in.disinformation_kind.clear();
  EXPECT_THAT(Fields(ValidateReport(in, kNow)), ::testing::ElementsAre("election_targets[1]"));
}

TEST(Report, ReadsTheFormFromJson) {
  std::vector<FieldProblem> problems;
  auto in = ReportInputFromJson(json::parse(R"({
    "title": "Fake commission account", "description": "An account copies our logo.",
    "detected": "2026-05-10T08:00:00Z", "category": "fraud",
    "election_targets": ["disinformation"], "disinformation_kind": "impersonation",
    "impacts": {"public_trust": "medium"}, "severity": "medium", "tlp": "green"})"),
                                problems);
  EXPECT_THAT(problems, ::testing::IsEmpty());
  EXPECT_EQ(in.detected, At("2026-05-10T08:00:00Z"));
  EXPECT_EQ(in.impacts.public_trust, "medium");
  EXPECT_EQ(in.impacts.integrity, "none");
  EXPECT_THAT(ValidateReport(in, kNow), ::testing::IsEmpty());
}

TEST(Report, JsonShapeProblemsAreNamedByField) {
  std::vector<FieldProblem> problems;
  (void)ReportInputFromJson(json::parse(R"({
    "title": 5, "detected": "yesterday", "election_targets": "voter-register",
    "impacts": {"mood": "low"}, "colour": "red"})"),
                            problems);
  EXPECT_THAT(Fields(problems),
              ::testing::UnorderedElementsAre("title", "detected", "election_targets",
                                              "impacts.mood", "colour"));
  problems.clear();
  (void)ReportInputFromJson(json::parse("[1,2]"), problems);
  EXPECT_THAT(Fields(problems), ::testing::ElementsAre("document"));
}

Case FullCase() {
  Case c = ValidCase();
  c.assignee = "user-7";
  c.election_targets = {"results-publication", "disinformation"};
  c.disinformation_kind = "false-narrative";
  c.tasks.push_back({"5d1c7a3e-1b2c-4d5e-8f90-123456789abc", "Call the host", "user-7",
                     At("2026-05-11T00:00:00.000001Z"), "in-progress", kNow, "user-1", ""});
  c.tasks.push_back({"6d1c7a3e-1b2c-4d5e-8f90-123456789abc", "Logs", std::nullopt, std::nullopt,
                     "open", kNow, "user-1", "ddos-results-site"});
  c.links.push_back(
      {"indicator--1d1c7a3e-1b2c-4d5e-8f90-123456789abc", "indicator", kNow + 5, "user-1"});
  c.early_warning_sent = kNow + kHour;
  c.notification_sent = kNow + 2 * kHour;
  c.acknowledgements.push_back({"org-police", "user-9", kNow + 3 * kHour});
  c.modified = kNow + 3 * kHour;
  return c;
}

TEST(CaseJson, RoundTripsExactly) {
  for (const Case& c : {ValidCase(), FullCase()}) {
    json::object j = ToJson(c);
    auto back = FromJson(j);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, c);
    EXPECT_EQ(ToJson(*back), j);
    auto text = CaseFromJsonText(json::serialize(j));
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text, c);
  }
  // Microseconds survive.
  EXPECT_EQ(ToJson(FullCase())["tasks"].as_array()[0].as_object()["due"],
            "2026-05-11T00:00:00.000001Z");
}

TEST(CaseJson, AbsentOptionalsAreLeftOut) {
  json::object j = ToJson(ValidCase());
  EXPECT_FALSE(j.contains("assignee"));
  EXPECT_FALSE(j.contains("duplicate_of"));
  EXPECT_FALSE(j.contains("early_warning_sent"));
  EXPECT_TRUE(j.at("tasks").as_array().empty());
}

struct BadDoc {
  const char* name;
  std::function<void(json::object&)> mutate;
  const char* expect;  // in the error message
};

TEST(CaseJson, RejectsMalformedDocumentsNamingTheField) {
  const std::vector<BadDoc> cases = {
      {"missing title", [](json::object& o) { o.erase("title"); }, "title: required"},
      {"title not text", [](json::object& o) { o["title"] = 3; }, "title: must be a string"},
      {"unknown member", [](json::object& o) { o["colour"] = "red"; }, "colour: unknown field"},
      {"bad id",
       [](json::object& o) { o["id"] = "indicator--0b6ad7c5-9a5e-4c0e-8d3b-4f1a2b3c4d5e"; },
       "id: must be incident--<uuid>"},
      {"bad time", [](json::object& o) { o["detected"] = "2026-02-30T00:00:00Z"; },
       "detected: must be an RFC 3339"},
      {"time not text", [](json::object& o) { o["created"] = 1; }, "created: must be a timestamp"},
      {"bad status", [](json::object& o) { o["status"] = "open"; }, "status: must be one of"},
      {"duplicate without target", [](json::object& o) { o["status"] = "duplicate"; },
       "duplicate_of: required"},
      {"target without duplicate",
       [](json::object& o) {
         o["duplicate_of"] = "incident--1b6ad7c5-9a5e-4c0e-8d3b-4f1a2b3c4d5e";
       },
       "duplicate_of: only for a duplicate"},
      {"self duplicate",
       [](json::object& o) {
         o["status"] = "duplicate";
         o["duplicate_of"] = kCaseId;
       },
       "cannot duplicate itself"},
      {"modified before created", [](json::object& o) { o["modified"] = "2020-01-01T00:00:00Z"; },
       "modified: must not be before created"},
      {"tasks not a list", [](json::object& o) { o["tasks"] = json::object{}; },
       "tasks: must be a list"},
      {"task not an object", [](json::object& o) { o["tasks"] = json::array{1}; },
       "tasks[0]: must be a JSON object"},
      {"task bad status",
       [](json::object& o) {
         o["tasks"] = json::array{json::object{{"id", "5d1c7a3e-1b2c-4d5e-8f90-123456789abc"},
                                               {"title", "x"},
                                               {"status", "waiting"},
                                               {"created", "2026-05-10T21:15:00Z"},
                                               {"created_by", "u"}}};
       },
       "tasks[0].status: must be one of"},
      {"task extra member",
       [](json::object& o) {
         o["tasks"] = json::array{json::object{{"id", "5d1c7a3e-1b2c-4d5e-8f90-123456789abc"},
                                               {"title", "x"},
                                               {"status", "open"},
                                               {"created", "2026-05-10T21:15:00Z"},
                                               {"created_by", "u"},
                                               {"priority", 1}}};
       },
       "tasks[0].priority: unknown field"},
      {"link bad id",
       [](json::object& o) {
         o["links"] = json::array{json::object{{"object_id", "not-an-id"},
                                               {"kind", "indicator"},
                                               {"added", "2026-05-10T21:15:00Z"},
                                               {"added_by", "u"}}};
       },
       "links[0].object_id: must be a STIX id"},
      {"twice acknowledged",
       [](json::object& o) {
         json::object a{{"org_id", "o"}, {"user_id", "u"}, {"at", "2026-05-10T21:15:00Z"}};
         o["acknowledgements"] = json::array{a, a};
       },
       "acknowledgements[1].org_id: acknowledged twice"},
      {"impacts extra", [](json::object& o) { o["impacts"].as_object()["mood"] = "low"; },
       "impacts.mood: unknown field"},
  };
  for (const BadDoc& bad : cases) {
    json::object o = ToJson(ValidCase());
    bad.mutate(o);
    auto c = FromJson(o);
    ASSERT_FALSE(c.ok()) << bad.name;
    EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument) << bad.name;
    EXPECT_THAT(c.error().message, HasSubstr(bad.expect)) << bad.name;
  }
}

TEST(CaseJson, RejectsNonObjectsAndBadText) {
  EXPECT_FALSE(FromJson(json::value(nullptr)).ok());
  EXPECT_FALSE(FromJson(json::array{}).ok());
  EXPECT_FALSE(CaseFromJsonText("").ok());
  EXPECT_FALSE(CaseFromJsonText("{\"id\":").ok());
  std::string deep(100, '[');
  auto r = CaseFromJsonText(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
}

// Fuzz-ish: byte flips and truncations of a valid document never crash, and
// whatever is accepted round-trips.
TEST(CaseJson, MutatedDocumentsFailCleanlyOrRoundTrip) {
  const std::string text = json::serialize(ToJson(FullCase()));
  std::mt19937 rng(12345);
  int accepted = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string mutated = text;
    const int kind = i % 3;
    const size_t pos = rng() % mutated.size();
    if (kind == 0) {
      mutated[pos] = static_cast<char>(rng() % 256);
    } else if (kind == 1) {
      mutated.resize(pos);
    } else {
      mutated.insert(pos, 1, "{}[]\",:0a\\"[rng() % 10]);
    }
    auto c = CaseFromJsonText(mutated);
    if (!c.ok()) {
      EXPECT_FALSE(c.error().message.empty());
      continue;
    }
    ++accepted;
    auto again = FromJson(ToJson(*c));
    ASSERT_TRUE(again.ok()) << mutated;
    EXPECT_EQ(*again, *c);
  }
  EXPECT_LT(accepted, 2000);  // most mutations must be refused
}

// The fuzzer's seeds (fuzz/corpus/fuzz_incident_case) stay valid documents.
TEST(CaseJson, FuzzSeedsAreValidCases) {
  int seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator("fuzz/corpus/fuzz_incident_case")) {
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto c = CaseFromJsonText(text.str());
    ASSERT_TRUE(c.ok()) << entry.path() << ": " << c.error().message;
    EXPECT_EQ(*FromJson(ToJson(*c)), *c);
    ++seeds;
  }
  EXPECT_GE(seeds, 2);
}

}  // namespace
}  // namespace ecrn::incident
