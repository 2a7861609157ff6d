#include "ecrn/incident/sharing.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "ecrn/incident/test_cases.hpp"
#include "ecrn/stix/validate.hpp"

namespace ecrn::incident {
namespace {

namespace json = boost::json;
using testing::At;
using testing::ValidCase;

constexpr char kNewUuid[] = "5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f";
constexpr char kIdentity[] = "identity--11111111-2222-4333-8444-555555555555";

// A private indicator as a case would link it: the case's own description,
// labels, references, confidence, markings and a custom property.
json::object PrivateIndicator() {
  return json::parse(R"({
    "type": "indicator", "spec_version": "2.1",
    "id": "indicator--aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
    "created": "2026-05-10T21:20:00.000Z", "modified": "2026-05-10T21:30:00.000Z",
    "created_by_ref": "identity--99999999-2222-4333-8444-555555555555",
    "name": "Phishing sender seen by the chairperson's assistant",
    "description": "Sent to m.ivanova@cec.example on 10 May; case 2026-041.",
    "indicator_types": ["malicious-activity"],
    "pattern": "[email-addr:value = 'results@cec-verify.example']",
    "pattern_type": "stix", "pattern_version": "2.1",
    "valid_from": "2026-05-10T21:20:00Z", "valid_until": "2026-08-10T00:00:00Z",
    "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "initial-access"}],
    "labels": ["case-2026-041"], "confidence": 80,
    "external_references": [{"source_name": "internal", "description": "ticket 5512"}],
    "object_marking_refs": ["marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"],
    "x_cec_case": "2026-041"
  })")
      .as_object();
}

TEST(Sharing, SanitisedIndicatorKeepsOnlyWhatDetects) {
  const auto original = PrivateIndicator();
  auto copy = SanitisedIndicator(original, kNewUuid, At("2026-05-11T08:00:00Z"), kIdentity, "");
  ASSERT_TRUE(copy.ok()) << copy.error().message;
  EXPECT_EQ(copy->at("id").as_string(), std::string("indicator--") + kNewUuid);
  EXPECT_EQ(copy->at("created_by_ref").as_string(), kIdentity);
  EXPECT_EQ(copy->at("created").as_string(), "2026-05-11T08:00:00.000000Z");
  for (const char* kept : {"pattern", "pattern_type", "pattern_version", "valid_from",
                           "valid_until", "indicator_types", "kill_chain_phases"}) {
    EXPECT_EQ(copy->at(kept), original.at(kept)) << kept;
  }
  for (const char* gone : {"name", "description", "labels", "confidence", "external_references",
                           "object_marking_refs", "x_cec_case"}) {
    EXPECT_FALSE(copy->contains(gone)) << gone;
  }
  // Nothing of the case's words survives anywhere in the copy.
  const std::string text = json::serialize(*copy);
  for (const char* secret : {"ivanova", "2026-041", "chairperson", "5512", "aaaaaaaa"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
  const auto findings = stix::Validate(stix::Object(*copy));
  for (const auto& f : findings) {
    EXPECT_NE(f.severity, stix::Severity::kError) << f.property << ": " << f.message;
  }
}

TEST(Sharing, SanitisedIndicatorTakesANewName) {
  auto copy = SanitisedIndicator(PrivateIndicator(), kNewUuid, At("2026-05-11T08:00:00Z"),
                                 kIdentity, "Fake results-verification sender");
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(copy->at("name").as_string(), "Fake results-verification sender");
  EXPECT_FALSE(SanitisedIndicator(PrivateIndicator(), kNewUuid, 0, kIdentity,
                                  std::string(kMaxPublishedNameBytes + 1, 'n'))
                   .ok());
  EXPECT_FALSE(
      SanitisedIndicator(PrivateIndicator(), kNewUuid, 0, kIdentity, std::string("a\xff", 2)).ok());
}

TEST(Sharing, OnlyIndicatorsWithAPatternArePublished) {
  auto note = PrivateIndicator();
  note["type"] = "note";
  auto r = SanitisedIndicator(note, kNewUuid, 0, kIdentity, "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  auto no_pattern = PrivateIndicator();
  no_pattern.erase("pattern");
  EXPECT_FALSE(SanitisedIndicator(no_pattern, kNewUuid, 0, kIdentity, "").ok());
}

TEST(Sharing, AssistanceNoteCarriesTheRequestAndVocabularyOnly) {
  const Case c = ValidCase();
  AssistanceRequest req;
  req.summary = "Our results site is under a volumetric attack.\nIt started at 21:04.";
  req.needs = "Upstream filtering contacts at regional ISPs.";
  auto note = AssistanceNote(c, req, kNewUuid, At("2026-05-11T08:00:00Z"), kIdentity);
  ASSERT_TRUE(note.ok()) << note.error().message;
  EXPECT_EQ(note->at("type").as_string(), "note");
  EXPECT_EQ(note->at("abstract").as_string(),
            "Request for assistance: Our results site is under a volumetric attack.");
  const std::string content(note->at("content").as_string());
  EXPECT_NE(content.find("It started at 21:04."), std::string::npos);
  EXPECT_NE(content.find("Help needed: Upstream filtering"), std::string::npos);
  EXPECT_EQ(note->at("object_refs"), json::array{kIdentity});
  EXPECT_EQ(note->at("x_ecrn_assistance").at("category").as_string(), "availability");
  EXPECT_EQ(note->at("x_ecrn_assistance").at("election_targets"),
            json::array{"results-publication"});
  // The case's own words and identifiers stay behind.
  const std::string text = json::serialize(*note);
  for (const std::string& secret : {c.title, c.description, std::string(c.uuid()),
                                    std::string("results.example.org"), c.election}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
  const auto findings = stix::Validate(stix::Object(*note));
  for (const auto& f : findings) {
    EXPECT_NE(f.severity, stix::Severity::kError) << f.property << ": " << f.message;
  }

  req.object_refs = {"indicator--" + std::string(kNewUuid)};
  auto with_refs = AssistanceNote(c, req, kNewUuid, 0, kIdentity);
  ASSERT_TRUE(with_refs.ok());
  EXPECT_EQ(with_refs->at("object_refs"), json::array{req.object_refs[0]});
}

TEST(Sharing, AssistanceNoteNeedsSummaryAndNeeds) {
  const Case c = ValidCase();
  auto missing = AssistanceNote(c, {"", "help", {}}, kNewUuid, 0, kIdentity);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("summary"), std::string::npos);
  auto no_needs = AssistanceNote(c, {"attack", "", {}}, kNewUuid, 0, kIdentity);
  ASSERT_FALSE(no_needs.ok());
  EXPECT_NE(no_needs.error().message.find("needs"), std::string::npos);
  EXPECT_FALSE(AssistanceNote(c, {std::string(kMaxAssistanceSummaryBytes + 1, 's'), "n", {}},
                              kNewUuid, 0, kIdentity)
                   .ok());
}

}  // namespace
}  // namespace ecrn::incident
