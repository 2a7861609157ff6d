#include "ecrn/incident/stix_case.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecrn/incident/test_cases.hpp"
#include "ecrn/incident/workflow.hpp"
#include "ecrn/stix/tlp.hpp"
#include "ecrn/stix/validate.hpp"

namespace ecrn::incident {
namespace {

namespace json = boost::json;
using testing::At;
using ::testing::HasSubstr;
using testing::kHour;
using testing::ValidCase;

constexpr char kIdentity[] = "identity--2c8e7f3a-5b1d-4e6f-9a0b-1c2d3e4f5a6b";
constexpr char kIndicator[] = "indicator--1d1c7a3e-1b2c-4d5e-8f90-123456789abc";
constexpr char kPattern[] = "attack-pattern--3d1c7a3e-1b2c-4d5e-8f90-123456789abc";
constexpr char kNote[] = "note--4d1c7a3e-1b2c-4d5e-8f90-123456789abc";
const Micros kNow = At("2026-05-11T09:00:00Z");

Case RichCase() {
  Case c = ValidCase();
  c.status = "investigating";
  c.assignee = "user-7";
  c.election_targets = {"results-publication", "disinformation"};
  c.disinformation_kind = "false-narrative";
  c.tasks.push_back({TaskIdFor(c, 0), "Call the host", "user-7", kNow + kHour, "open", kNow,
                     "user-1", "ddos-results-site"});
  c.links.push_back({kIndicator, "indicator", kNow + 1, "user-1"});
  c.links.push_back({kPattern, "attack-pattern", kNow + 2, "user-2"});
  c.links.push_back({kNote, "narrative", kNow + 3, "user-2"});
  c.early_warning_sent = kNow;
  c.acknowledgements.push_back({"org-cert", "user-9", kNow + 4});
  c.modified = kNow + 4;
  return c;
}

void ExpectValidStix(const std::vector<stix::Object>& objects) {
  for (const stix::Object& o : objects) {
    auto findings = stix::Validate(o);
    for (const auto& f : findings) {
      EXPECT_NE(f.severity, stix::Severity::kError)
          << o.id() << " " << f.property << ": " << f.message;
    }
  }
}

TEST(StixCase, ExportsAValidIncidentWithTheCoreExtension) {
  Case c = RichCase();
  auto objects = CaseToStix(c, kIdentity);
  ASSERT_TRUE(objects.ok()) << objects.error().message;
  ASSERT_EQ(objects->size(), 4u);
  ExpectValidStix(*objects);
  const stix::Object& incident = (*objects)[0];
  EXPECT_EQ(incident.type(), "incident");
  EXPECT_EQ(incident.id(), c.id);
  EXPECT_EQ(incident.spec_version(), "2.1");
  EXPECT_EQ(incident.created_by_ref(), kIdentity);
  EXPECT_EQ(incident.Str("name"), c.title);
  EXPECT_EQ(stix::ObjectTlp(incident), stix::Tlp::kAmber);
  const auto& ext = incident.json().at("extensions").at(kIncidentCoreExtensionId).as_object();
  EXPECT_EQ(ext.at("extension_type"), "property-extension");
  EXPECT_EQ(ext.at("determination"), "confirmed");
  EXPECT_EQ(ext.at("investigation_status"), "open");
  EXPECT_EQ(ext.at("criticality"), 70);
  EXPECT_EQ(ext.at("incident_types"), json::array{"denial-of-service"});
  const auto& x = incident.json().at("x_ecrn_case").as_object();
  EXPECT_EQ(x.at("severity"), "high");
  EXPECT_FALSE(x.contains("title"));
  // Relationships: the indicator detected the incident; others are related.
  EXPECT_EQ((*objects)[1].Str("relationship_type"), "detected");
  EXPECT_EQ((*objects)[1].Str("source_ref"), kIndicator);
  EXPECT_EQ((*objects)[1].Str("target_ref"), c.id);
  EXPECT_EQ((*objects)[2].Str("relationship_type"), "related-to");
  EXPECT_EQ((*objects)[2].Str("source_ref"), c.id);
  EXPECT_EQ((*objects)[2].Str("target_ref"), kPattern);
  // Deterministic: a second export is identical.
  EXPECT_EQ(*CaseToStix(c, kIdentity), *objects);
}

TEST(StixCase, StatusMapsToDeterminationAndInvestigationStatus) {
  struct Row {
    const char* status;
    const char* determination;
    const char* investigation;
  };
  for (const Row& row : std::vector<Row>{{"reported", "suspected", "new"},
                                         {"triaged", "suspected", "open"},
                                         {"contained", "confirmed", "open"},
                                         {"closed", "confirmed", "closed"},
                                         {"rejected", "false-positive", "closed"},
                                         {"duplicate", "suspected", "closed"}}) {
    Case c = ValidCase();
    c.status = row.status;
    if (c.status == "duplicate") c.duplicate_of = "incident--1b6ad7c5-9a5e-4c0e-8d3b-4f1a2b3c4d5e";
    auto objects = CaseToStix(c, kIdentity);
    ASSERT_TRUE(objects.ok()) << row.status;
    ExpectValidStix(*objects);
    const auto& ext = (*objects)[0].json().at("extensions").at(kIncidentCoreExtensionId);
    EXPECT_EQ(ext.at("determination"), row.determination) << row.status;
    EXPECT_EQ(ext.at("investigation_status"), row.investigation) << row.status;
  }
}

TEST(StixCase, ExportThenImportGivesTheSameCase) {
  for (Case c : {ValidCase(), RichCase()}) {
    for (const char* tlp : {"clear", "green", "amber", "amber+strict", "red"}) {
      c.tlp = tlp;
      auto objects = CaseToStix(c, kIdentity);
      ASSERT_TRUE(objects.ok());
      auto back = CaseFromStix(*objects);
      ASSERT_TRUE(back.ok()) << back.error().message;
      EXPECT_EQ(*back, c) << tlp;
    }
  }
  // Through bundle text, and as a duplicate.
  Case dup = RichCase();
  dup.status = "duplicate";
  dup.duplicate_of = "incident--1b6ad7c5-9a5e-4c0e-8d3b-4f1a2b3c4d5e";
  auto text = CaseToBundle(dup, kIdentity, "bundle--5d1c7a3e-1b2c-4d5e-8f90-123456789abc");
  ASSERT_TRUE(text.ok());
  auto doc = stix::ParseDocument(*text);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->objects.size(), 5u);
  ExpectValidStix(doc->objects);
  auto back = CaseFromStix(doc->objects, dup.id);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, dup);
}

TEST(StixCase, ImportsAnIncidentFromAnotherTool) {
  auto doc = stix::ParseDocument(R"([
    {"type":"incident","spec_version":"2.1","id":"incident--7d1c7a3e-1b2c-4d5e-8f90-123456789abc",
     "created":"2026-03-01T10:00:00.000Z","modified":"2026-03-02T10:00:00.000Z",
     "name":"Phishing wave",
     "object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
     "extensions":{"extension-definition--ef765651-680c-498d-9894-99799f2fa126":{
       "extension_type":"property-extension","determination":"confirmed",
       "investigation_status":"open","criticality":92,
       "incident_types":["spam","illegitimate-use-name"]}}},
    {"type":"relationship","spec_version":"2.1",
     "id":"relationship--8d1c7a3e-1b2c-4d5e-8f90-123456789abc",
     "created":"2026-03-01T11:00:00.000Z","modified":"2026-03-01T11:00:00.000Z",
     "relationship_type":"related-to",
     "source_ref":"incident--7d1c7a3e-1b2c-4d5e-8f90-123456789abc",
     "target_ref":"observed-data--9d1c7a3e-1b2c-4d5e-8f90-123456789abc"}
  ])");
  ASSERT_TRUE(doc.ok());
  auto c = CaseFromStix(doc->objects);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->title, "Phishing wave");
  EXPECT_EQ(c->description, "Phishing wave");
  EXPECT_EQ(c->status, "investigating");
  EXPECT_EQ(c->severity, "critical");
  EXPECT_EQ(c->category, "fraud");
  EXPECT_EQ(c->tlp, "green");
  EXPECT_EQ(c->detected, At("2026-03-01T10:00:00Z"));
  ASSERT_EQ(c->links.size(), 1u);
  EXPECT_EQ(c->links[0].kind, "observed-data");
  EXPECT_EQ(c->links[0].added, At("2026-03-01T11:00:00Z"));
}

TEST(StixCase, RefusesWhatIsNotACase) {
  EXPECT_FALSE(CaseToStix(ValidCase(), "organization--2c8e7f3a-5b1d-4e6f-9a0b-1c2d3e4f5a6b").ok());
  Case broken = ValidCase();
  broken.severity = "huge";
  EXPECT_FALSE(CaseToStix(broken, kIdentity).ok());
  EXPECT_FALSE(CaseToBundle(ValidCase(), kIdentity, "bundle--nope").ok());

  EXPECT_FALSE(CaseFromStix({}).ok());
  auto two = *CaseToStix(ValidCase(), kIdentity);
  Case other = ValidCase();
  other.id = "incident--1b6ad7c5-9a5e-4c0e-8d3b-4f1a2b3c4d5e";
  two.push_back((*CaseToStix(other, kIdentity))[0]);
  auto ambiguous = CaseFromStix(two);
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_THAT(ambiguous.error().message, HasSubstr("several"));
  EXPECT_TRUE(CaseFromStix(two, other.id).ok());
  auto missing = CaseFromStix(two, "incident--9b6ad7c5-9a5e-4c0e-8d3b-4f1a2b3c4d5e");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  auto tampered = *CaseToStix(ValidCase(), kIdentity);
  tampered[0].json()["x_ecrn_case"].as_object()["severity"] = "huge";
  auto bad = CaseFromStix(tampered);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr("severity"));
  tampered = *CaseToStix(ValidCase(), kIdentity);
  tampered[0].json()["x_ecrn_case"].as_object()["title"] = "sneaky";
  EXPECT_FALSE(CaseFromStix(tampered).ok());
  tampered[0].json()["x_ecrn_case"] = 5;
  EXPECT_FALSE(CaseFromStix(tampered).ok());
}

}  // namespace
}  // namespace ecrn::incident
