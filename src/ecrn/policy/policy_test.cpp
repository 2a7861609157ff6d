#include "ecrn/policy/policy.hpp"

#include <gtest/gtest.h>

namespace ecrn::policy {
namespace {

using stix::Tlp;

store::User UserWithRole(const std::string& role) {
  store::User u;
  u.id = 7;
  u.org_id = 3;
  u.username = "u";
  u.role = role;
  return u;
}

store::Organisation Org(const std::string& kind) {
  store::Organisation o;
  o.id = 3;
  o.kind = kind;
  o.identity_id = "identity--org3";
  return o;
}

// Org 3 reads channel 1, reads and writes 2, writes only 3; another org's
// membership of channel 4 must be ignored.
Principal P(const std::string& role, bool read_only = false,
            const std::string& kind = "election-commission") {
  std::vector<store::Membership> m = {
      {1, 3, true, false}, {2, 3, true, true}, {3, 3, false, true}, {4, 9, true, true}};
  return MakePrincipal(UserWithRole(role), Org(kind), m, read_only);
}

TEST(Policy, RolesRoundTripAndUnknownGrantsLeast) {
  for (auto name : {"network-admin", "org-admin", "analyst", "liaison", "viewer"}) {
    auto r = RoleFromName(name);
    ASSERT_TRUE(r.has_value()) << name;
    EXPECT_EQ(RoleName(*r), name);
  }
  EXPECT_FALSE(RoleFromName("root").has_value());
  EXPECT_EQ(P("superuser").role, Role::kViewer);
}

TEST(Policy, NetworkAdminOnlyInTheCoordinator) {
  EXPECT_EQ(P("network-admin", false, "coordinator").role, Role::kNetworkAdmin);
  EXPECT_EQ(P("network-admin", false, "cert").role, Role::kViewer);
}

TEST(Policy, ChannelRightsFollowMembershipRoleAndKeyScope) {
  Principal analyst = P("analyst");
  EXPECT_TRUE(CanReadChannel(analyst, 1));
  EXPECT_FALSE(CanWriteChannel(analyst, 1));
  EXPECT_TRUE(CanWriteChannel(analyst, 2));
  EXPECT_FALSE(CanReadChannel(analyst, 3));
  EXPECT_TRUE(CanWriteChannel(analyst, 3));
  EXPECT_TRUE(CanSeeChannel(analyst, 3));
  EXPECT_FALSE(CanSeeChannel(analyst, 4));  // another organisation's membership
  EXPECT_FALSE(CanReadChannel(analyst, 4));

  EXPECT_FALSE(CanWriteChannel(P("viewer"), 2));
  EXPECT_FALSE(CanWriteChannel(P("liaison"), 2));
  EXPECT_TRUE(CanWriteChannel(P("org-admin"), 2));
  EXPECT_FALSE(CanWriteChannel(P("analyst", /*read_only=*/true), 2));
  EXPECT_TRUE(CanReadChannel(P("analyst", /*read_only=*/true), 2));
}

TEST(Policy, TlpLevelsAndRedRecipients) {
  Principal p = P("viewer");
  for (Tlp t : {Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict}) {
    EXPECT_TRUE(CanRead(p, {1, t, {}})) << static_cast<int>(t);
    EXPECT_FALSE(CanRead(p, {3, t, {}})) << "write-only channel";
    EXPECT_FALSE(CanRead(p, {4, t, {}})) << "not a member";
  }
  std::vector<int64_t> others = {5, 6};
  std::vector<int64_t> with_me = {5, 7};
  EXPECT_FALSE(CanRead(p, {1, Tlp::kRed, {}}));
  EXPECT_FALSE(CanRead(p, {1, Tlp::kRed, others}));
  EXPECT_TRUE(CanRead(p, {1, Tlp::kRed, with_me}));
  // A recipient still needs the channel.
  EXPECT_FALSE(CanRead(p, {4, Tlp::kRed, with_me}));
  // Not even the network admin reads RED without being named.
  Principal admin = P("network-admin", false, "coordinator");
  EXPECT_FALSE(CanRead(admin, {1, Tlp::kRed, others}));
}

TEST(Policy, VisibilityListsReadableChannelsOnly) {
  auto v = VisibilityFor(P("analyst"));
  EXPECT_EQ(v.user_id, 7);
  EXPECT_EQ(v.channel_ids, (std::vector<int64_t>{1, 2}));
}

TEST(Policy, EffectiveTlpFallsBackToTheChannelDefault) {
  EXPECT_EQ(EffectiveTlp(Tlp::kGreen, "red"), Tlp::kGreen);
  EXPECT_EQ(EffectiveTlp(std::nullopt, "red"), Tlp::kRed);
  EXPECT_EQ(EffectiveTlp(std::nullopt, "clear"), Tlp::kClear);
  EXPECT_EQ(EffectiveTlp(std::nullopt, ""), Tlp::kAmber);
  EXPECT_EQ(EffectiveTlp(std::nullopt, "bogus"), Tlp::kAmber);
}

TEST(Policy, DeleteAndVersioningBelongToTheSharingOrganisation) {
  Principal analyst = P("analyst");
  EXPECT_TRUE(CanDelete(analyst, 2, 3));
  EXPECT_FALSE(CanDelete(analyst, 2, 8));
  EXPECT_FALSE(CanDelete(analyst, 2, 0));
  EXPECT_FALSE(CanDelete(analyst, 1, 3));  // no write on channel 1
  EXPECT_FALSE(CanDelete(P("viewer"), 2, 3));
  EXPECT_TRUE(CanDelete(P("network-admin", false, "coordinator"), 2, 8));
  EXPECT_TRUE(MayVersion(analyst, 3));
  EXPECT_TRUE(MayVersion(analyst, 0));
  EXPECT_FALSE(MayVersion(analyst, 8));
}

TEST(Policy, Administration) {
  Principal admin = P("network-admin", false, "coordinator");
  EXPECT_TRUE(CanAdministerNetwork(admin));
  EXPECT_FALSE(CanAdministerNetwork(P("network-admin", true, "coordinator")));
  EXPECT_FALSE(CanAdministerNetwork(P("org-admin")));
  EXPECT_TRUE(CanAdministerUsersOf(P("org-admin"), 3));
  EXPECT_FALSE(CanAdministerUsersOf(P("org-admin"), 4));
  EXPECT_TRUE(CanAdministerUsersOf(admin, 4));
  EXPECT_FALSE(CanAdministerUsersOf(P("analyst"), 3));
  std::vector<int64_t> shared = {2, 9};
  std::vector<int64_t> unshared = {3, 9};
  EXPECT_TRUE(CanSeeUsersOf(P("viewer"), shared));
  EXPECT_FALSE(CanSeeUsersOf(P("viewer"), unshared));
}

TEST(Policy, AuditReaders) {
  EXPECT_TRUE(CanReadAudit(P("network-admin", false, "coordinator"), 5, std::nullopt));
  EXPECT_TRUE(CanReadAudit(P("org-admin"), 3, std::nullopt));
  EXPECT_TRUE(CanReadAudit(P("org-admin"), 5, 3));
  EXPECT_FALSE(CanReadAudit(P("org-admin"), 5, 6));
  EXPECT_FALSE(CanReadAudit(P("analyst"), 3, 3));
}

TEST(Policy, FederationNeverPushesRedOrAmberStrict) {
  for (bool community : {false, true}) {
    for (bool green : {false, true}) {
      EXPECT_FALSE(MayLeaveHub(Tlp::kRed, community, green));
      EXPECT_FALSE(MayLeaveHub(Tlp::kAmberStrict, community, green));
      EXPECT_EQ(MayLeaveHub(Tlp::kAmber, community, green), community);
      EXPECT_EQ(MayLeaveHub(Tlp::kGreen, community, green), green);
    }
  }
}

// --- incidents ---------------------------------------------------------------

// A case owned by org 5 with org 3 (the caller's in P()) as police.
const std::vector<store::IncidentParticipant> kPolice3 = {{3, "police", 0}};

TEST(Policy, IncidentsAreHiddenFromOrganisationsThatTakeNoPart) {
  const IncidentFacts other{5, {}};
  for (auto role : {"network-admin", "org-admin", "analyst", "liaison", "viewer"}) {
    Principal p = P(role);
    EXPECT_FALSE(CanReadIncident(p, other)) << role;
    EXPECT_FALSE(CanContributeToIncident(p, other)) << role;
    EXPECT_FALSE(CanManageIncident(p, other)) << role;
    EXPECT_FALSE(CanReadPackage(p, other, 3)) << role;
    EXPECT_FALSE(CanAcknowledgePackage(p, other, 3)) << role;
    EXPECT_FALSE(IncidentPartOf(p, other).has_value()) << role;
  }
  EXPECT_EQ(IncidentVisibilityFor(P("analyst")).visible_to_org, 3);
  Principal orgless = P("analyst");
  orgless.org_id = 0;
  EXPECT_EQ(IncidentVisibilityFor(orgless).visible_to_org, -1);
  EXPECT_FALSE(CanReportIncident(orgless));
}

TEST(Policy, OwnersManageParticipantsContribute) {
  const IncidentFacts own{3, {}};
  const IncidentFacts joined{5, kPolice3};
  EXPECT_EQ(IncidentPartOf(P("viewer"), own), "owner");
  EXPECT_EQ(IncidentPartOf(P("viewer"), joined), "police");

  EXPECT_TRUE(CanManageIncident(P("analyst"), own));
  EXPECT_TRUE(CanManageIncident(P("org-admin"), own));
  EXPECT_FALSE(CanManageIncident(P("liaison"), own));
  EXPECT_FALSE(CanManageIncident(P("viewer"), own));
  EXPECT_FALSE(CanManageIncident(P("analyst", true), own));
  EXPECT_FALSE(CanManageIncident(P("org-admin"), joined));

  EXPECT_TRUE(CanReadIncident(P("viewer"), joined));
  EXPECT_FALSE(CanContributeToIncident(P("viewer"), joined));
  EXPECT_TRUE(CanContributeToIncident(P("liaison"), joined));
  EXPECT_TRUE(CanContributeToIncident(P("analyst"), own));
  EXPECT_FALSE(CanContributeToIncident(P("liaison", true), joined));

  EXPECT_TRUE(CanReportIncident(P("analyst")));
  EXPECT_TRUE(CanReportIncident(P("liaison")));
  EXPECT_FALSE(CanReportIncident(P("viewer")));
  EXPECT_FALSE(CanReportIncident(P("analyst", true)));
}

TEST(Policy, PackagesGoToTheRecipientsLiaisons) {
  const IncidentFacts joined{5, kPolice3};
  EXPECT_TRUE(CanReadPackage(P("liaison"), joined, 3));
  EXPECT_TRUE(CanAcknowledgePackage(P("liaison"), joined, 3));
  EXPECT_TRUE(CanAcknowledgePackage(P("org-admin"), joined, 3));
  EXPECT_FALSE(CanReadPackage(P("analyst"), joined, 3));
  EXPECT_FALSE(CanReadPackage(P("viewer"), joined, 3));
  EXPECT_FALSE(CanAcknowledgePackage(P("liaison", true), joined, 3));
  // Addressed to another participant: not ours to read or acknowledge.
  const std::vector<store::IncidentParticipant> both = {{3, "police", 0}, {8, "prosecutor", 0}};
  const IncidentFacts two{5, both};
  EXPECT_FALSE(CanReadPackage(P("liaison"), two, 8));
  EXPECT_FALSE(CanAcknowledgePackage(P("liaison"), two, 8));
  // The owner's managers read what they sent but do not acknowledge it.
  const IncidentFacts own{3, both};
  EXPECT_TRUE(CanReadPackage(P("analyst"), own, 8));
  EXPECT_FALSE(CanAcknowledgePackage(P("analyst"), own, 8));
  EXPECT_FALSE(CanReadPackage(P("viewer"), own, 8));
}

}  // namespace
}  // namespace ecrn::policy
