#include "ecrn/incident/vocab.hpp"

#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ecrn::incident {
namespace {

std::vector<std::string> Tokens(std::span<const VocabEntry> vocabulary) {
  std::vector<std::string> out;
  for (const VocabEntry& e : vocabulary) out.emplace_back(e.token);
  return out;
}

TEST(Vocab, CategoriesAreTheRsitClasses) {
  EXPECT_THAT(Tokens(Categories()),
              ::testing::ElementsAre("abusive-content", "malicious-code", "information-gathering",
                                     "intrusion-attempts", "intrusions", "availability",
                                     "information-content-security", "fraud", "vulnerable", "other",
                                     "test"));
}

TEST(Vocab, FixedVocabulariesInTheirOrder) {
  EXPECT_THAT(Tokens(ElectionPhases()),
              ::testing::ElementsAre(
                  "pre-election-planning", "voter-registration", "candidate-nomination", "campaign",
                  "voting", "counting-and-tabulation", "results", "post-election-disputes"));
  EXPECT_THAT(Tokens(Severities()), ::testing::ElementsAre("low", "medium", "high", "critical"));
  EXPECT_THAT(Tokens(ImpactLevels()), ::testing::ElementsAre("none", "low", "medium", "high"));
  EXPECT_THAT(Tokens(ImpactDimensions()), ::testing::ElementsAre("confidentiality", "integrity",
                                                                 "availability", "public-trust"));
  EXPECT_THAT(
      Tokens(ParticipantRoles()),
      ::testing::ElementsAre("national-cert", "police", "prosecutor", "vendor", "peer-commission"));
  EXPECT_THAT(Tokens(TaskStatuses()),
              ::testing::ElementsAre("open", "in-progress", "done", "cancelled"));
  EXPECT_THAT(Tokens(DisinformationKinds()),
              ::testing::ElementsAre("false-narrative", "impersonation", "deepfake"));
  EXPECT_EQ(ElectionTargets().size(), 9u);
  EXPECT_TRUE(IsElectionTarget("disinformation"));
}

TEST(Vocab, EveryEntryHasAUniqueTokenALabelAndADefinition) {
  for (auto vocabulary : {Categories(), ElectionTargets(), DisinformationKinds(), ElectionPhases(),
                          Severities(), ImpactDimensions(), ImpactLevels(), ParticipantRoles(),
                          TaskStatuses(), CaseStatuses(), LinkKinds(), Milestones()}) {
    std::set<std::string_view> tokens;
    for (const VocabEntry& e : vocabulary) {
      EXPECT_TRUE(tokens.insert(e.token).second) << e.token;
      EXPECT_FALSE(e.label.empty()) << e.token;
      EXPECT_GT(e.definition.size(), 10u) << e.token;
      EXPECT_LE(e.definition.size(), 120u) << e.token << ": keep definitions short";
      EXPECT_EQ(e.token.find_first_not_of("abcdefghijklmnopqrstuvwxyz-"), std::string_view::npos)
          << e.token;
    }
  }
}

TEST(Vocab, LookupsAreExact) {
  EXPECT_TRUE(IsCategory("availability"));
  EXPECT_FALSE(IsCategory("Availability"));
  EXPECT_FALSE(IsCategory(""));
  EXPECT_TRUE(IsSeverity("critical"));
  EXPECT_FALSE(IsSeverity("urgent"));
  EXPECT_TRUE(IsParticipantRole("police"));
  EXPECT_FALSE(IsParticipantRole(kOwnerRole));
  EXPECT_TRUE(IsImpactDimension("public-trust"));
  EXPECT_TRUE(IsTaskStatus("in-progress"));
  EXPECT_TRUE(IsCaseStatus("duplicate"));
  EXPECT_TRUE(IsLinkKind("narrative"));
  EXPECT_TRUE(IsMilestone("final-report"));
  EXPECT_TRUE(IsElectionPhase("results"));
  EXPECT_TRUE(IsDisinformationKind("deepfake"));
  EXPECT_TRUE(IsImpactLevel("none"));
  EXPECT_EQ(Rank(Severities(), "low"), 0);
  EXPECT_EQ(Rank(Severities(), "critical"), 3);
  EXPECT_EQ(Rank(Severities(), "x"), -1);
  ASSERT_NE(FindEntry(Categories(), "fraud"), nullptr);
  EXPECT_EQ(FindEntry(Categories(), "fraud")->label, "Fraud or impersonation");
}

}  // namespace
}  // namespace ecrn::incident
