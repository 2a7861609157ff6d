#include "ecrn/intel/sightings.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecrn/intel/publish.hpp"
#include "ecrn/stix/object.hpp"
#include "ecrn/stix/tlp.hpp"
#include "testing/testing.hpp"

namespace ecrn::intel {
namespace {

using ::testing::ElementsAre;

constexpr Micros kHour = 3600LL * 1'000'000;
constexpr Micros kNow = 1'800'000'000LL * 1'000'000;  // 2027-01-15
const std::string kIndicator = "indicator--6b6e6f4c-0000-4000-8000-000000000001";

Sighting S(int64_t pk, std::string id, std::string org, Micros seen_at, int64_t count = 1) {
  Sighting s;
  s.pk = pk;
  s.id = std::move(id);
  s.of = kIndicator;
  s.modified = pk;
  s.date_added = seen_at;
  s.count = count;
  s.first_seen = s.last_seen = s.seen_at = seen_at;
  if (!org.empty()) s.org = {"identity--" + org, org};
  return s;
}

std::vector<std::string> Names(const std::vector<SightingOrg>& orgs) {
  std::vector<std::string> out;
  for (const auto& o : orgs) out.push_back(o.name);
  return out;
}

TEST(AlertWindow, IncludesBothEndsAndNothingBeyond) {
  EXPECT_TRUE(InAlertWindow(kNow, kNow));
  EXPECT_TRUE(InAlertWindow(kNow - kAlertWindow, kNow));
  EXPECT_FALSE(InAlertWindow(kNow - kAlertWindow - 1, kNow));
  EXPECT_FALSE(InAlertWindow(kNow + 1, kNow));
  EXPECT_EQ(kAlertWindow, 24 * kHour);
}

store::StoredObject Row(std::string json, int64_t submitter_org = 0, std::string created_by = "") {
  store::StoredObject r;
  r.pk = 7;
  r.stix_id = "sighting--1";
  r.type = "sighting";
  r.created = kNow - 10 * kHour;
  r.date_added = kNow;
  r.created_by = std::move(created_by);
  r.submitter_org = submitter_org;
  r.json = std::move(json);
  return r;
}

OrgDirectory Directory() {
  std::vector<store::Organisation> orgs(2);
  orgs[0].id = 1;
  orgs[0].name = "CEC";
  orgs[0].identity_id = "identity--cec";
  orgs[1].id = 2;
  orgs[1].name = "CERT";
  orgs[1].identity_id = "identity--cert";
  return OrgDirectory(std::move(orgs));
}

TEST(ParseSighting, ReadsCountTimesAndTheSubmittingOrganisation) {
  const auto orgs = Directory();
  auto s = ParseSighting(
      Row(R"({"type":"sighting","sighting_of_ref":"indicator--x","count":12,)"
          R"("first_seen":"2027-01-14T00:00:00Z","last_seen":"2027-01-15T06:00:00Z",)"
          R"("where_sighted_refs":["identity--cert"],"created_by_ref":"identity--cec"})",
          1, "identity--cec"),
      orgs);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->of, "indicator--x");
  EXPECT_EQ(s->count, 12);
  EXPECT_EQ(*s->first_seen, ParseTimestamp("2027-01-14T00:00:00Z")->micros);
  EXPECT_EQ(s->seen_at, ParseTimestamp("2027-01-15T06:00:00Z")->micros);
  // where_sighted_refs is the sender's claim: the organisation is the submitter.
  EXPECT_EQ(s->org, (SightingOrg{"identity--cec", "CEC"}));
}

TEST(ParseSighting, FallsBackAndNeverDatesIntoTheFuture) {
  const auto orgs = Directory();
  // No submitter recorded (operator import): created_by_ref names the organisation.
  auto s = ParseSighting(Row(R"({"type":"sighting","sighting_of_ref":"indicator--x",)"
                             R"("first_seen":"2027-01-15T01:00:00Z"})",
                             0, "identity--cert"),
                         orgs);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->count, 1);
  EXPECT_EQ(s->seen_at, ParseTimestamp("2027-01-15T01:00:00Z")->micros);
  EXPECT_EQ(s->org, (SightingOrg{"identity--cert", "CERT"}));
  // Neither time: created. Unknown creator: kept, without a member name.
  s = ParseSighting(Row(R"({"type":"sighting","sighting_of_ref":"indicator--x","count":-4})", 0,
                        "identity--stranger"),
                    orgs);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->seen_at, kNow - 10 * kHour);
  EXPECT_EQ(s->count, 0);
  EXPECT_EQ(s->org, (SightingOrg{"identity--stranger", ""}));
  // A last_seen after the hub received it counts as received.
  s = ParseSighting(Row(R"({"type":"sighting","sighting_of_ref":"indicator--x",)"
                        R"("last_seen":"2030-01-01T00:00:00Z"})"),
                    orgs);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->seen_at, kNow);
  EXPECT_TRUE(s->org.identity_id.empty());
  // Not a sighting of anything, not JSON, not a sighting.
  EXPECT_FALSE(ParseSighting(Row(R"({"type":"sighting"})"), orgs));
  EXPECT_FALSE(ParseSighting(Row("{not json"), orgs));
  auto indicator = Row(R"({"type":"indicator","sighting_of_ref":"indicator--x"})");
  indicator.type = "indicator";
  EXPECT_FALSE(ParseSighting(indicator, orgs));
}

TEST(Aggregate, FoldsTheNewestVersionOfEachSightingAndDistinctOrganisations) {
  std::vector<Sighting> in = {
      S(1, "sighting--a", "CEC", kNow - 30 * kHour, 5),
      S(2, "sighting--a", "CEC", kNow - 2 * kHour, 9),  // newer version of a: replaces it
      S(3, "sighting--b", "CEC", kNow - 1 * kHour, 1),  // the same organisation again
      S(4, "sighting--c", "CERT", kNow - kAlertWindow, 2),
      S(5, "sighting--d", "", kNow, 3),  // no known organisation
  };
  in[1].first_seen = kNow - 40 * kHour;
  const auto a = Aggregate(in, kNow);
  EXPECT_EQ(a.total_count, 9 + 1 + 2 + 3);
  EXPECT_EQ(a.sightings, 4);
  EXPECT_EQ(*a.first_seen, kNow - 40 * kHour);
  EXPECT_EQ(*a.last_seen, kNow);
  EXPECT_THAT(Names(a.organisations), ElementsAre("CEC", "CERT"));
  EXPECT_EQ(a.organisations_last_24h, 2u);  // CERT exactly 24 h ago still counts
  EXPECT_EQ(Aggregate(in, kNow + 1).organisations_last_24h, 1u);

  const auto none = Aggregate({}, kNow);
  EXPECT_EQ(none.total_count, 0);
  EXPECT_EQ(none.sightings, 0);
  EXPECT_FALSE(none.first_seen);
  EXPECT_TRUE(none.organisations.empty());
}

TEST(AlertsAt, TwoOrganisationsWithin24Hours) {
  const std::vector<Sighting> two = {S(1, "sighting--a", "CEC", kNow - kAlertWindow, 3),
                                     S(2, "sighting--b", "CERT", kNow, 4)};
  auto alerts = AlertsAt(two, kNow);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].object_id, kIndicator);
  EXPECT_THAT(Names(alerts[0].organisations), ElementsAre("CEC", "CERT"));
  EXPECT_EQ(alerts[0].total_count, 7);
  EXPECT_EQ(alerts[0].sightings, 2);
  EXPECT_EQ(alerts[0].first_seen, kNow - kAlertWindow);
  EXPECT_EQ(alerts[0].last_seen, kNow);
  // One microsecond later CEC's sighting is older than 24 hours.
  EXPECT_TRUE(AlertsAt(two, kNow + 1).empty());
}

TEST(AlertsAt, OneOrganisationTwiceIsNotTwoOrganisations) {
  const std::vector<Sighting> same = {S(1, "sighting--a", "CEC", kNow - kHour),
                                      S(2, "sighting--b", "CEC", kNow)};
  EXPECT_TRUE(AlertsAt(same, kNow).empty());
  // Nor are sightings without a known organisation.
  const std::vector<Sighting> unknown = {S(1, "sighting--a", "CEC", kNow),
                                         S(2, "sighting--b", "", kNow)};
  EXPECT_TRUE(AlertsAt(unknown, kNow).empty());
}

TEST(AlertsAt, OnePerObjectNewestFirst) {
  std::vector<Sighting> in = {
      S(1, "sighting--a", "CEC", kNow - 5 * kHour), S(2, "sighting--b", "CERT", kNow - 4 * kHour),
      S(3, "sighting--c", "CEC", kNow - 2 * kHour), S(4, "sighting--d", "Watch", kNow - 1 * kHour),
      S(5, "sighting--e", "CERT", kNow - 3 * kHour)};
  in[2].of = in[3].of = "indicator--second";
  in[4].of = "indicator--third";  // alone
  auto alerts = AlertsAt(in, kNow);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].object_id, "indicator--second");
  EXPECT_EQ(alerts[1].object_id, kIndicator);
}

TEST(AlertOnArrival, TheSecondAndThirdOrganisationRaiseItTheFirstAndRepeatsDoNot) {
  std::vector<Sighting> stored = {S(1, "sighting--a", "CEC", kNow - 3 * kHour)};
  EXPECT_FALSE(AlertOnArrival(stored, stored[0]));  // one organisation

  const Sighting cert = S(2, "sighting--b", "CERT", kNow - 2 * kHour);
  stored.push_back(cert);
  auto a = AlertOnArrival(stored, cert);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->organisations.size(), 2u);

  // CEC again (another sighting id), and a new version of CERT's sighting.
  const Sighting cec_again = S(3, "sighting--c", "CEC", kNow - kHour);
  stored.push_back(cec_again);
  EXPECT_FALSE(AlertOnArrival(stored, cec_again));
  Sighting cert_v2 = S(4, "sighting--b", "CERT", kNow - kHour, 8);
  stored.push_back(cert_v2);
  EXPECT_FALSE(AlertOnArrival(stored, cert_v2));

  const Sighting watch = S(5, "sighting--d", "Watch", kNow);
  stored.push_back(watch);
  a = AlertOnArrival(stored, watch);
  ASSERT_TRUE(a);
  EXPECT_THAT(Names(a->organisations), ElementsAre("CEC", "CERT", "Watch"));
  EXPECT_EQ(a->total_count, 1 + 8 + 1 + 1);  // CERT's newest version counts
}

TEST(AlertOnArrival, CountsOnlyTheWindowBeforeTheArrival) {
  const Sighting old = S(1, "sighting--a", "CEC", kNow - kAlertWindow - 1);
  Sighting cert = S(2, "sighting--b", "CERT", kNow);
  EXPECT_FALSE(AlertOnArrival(std::vector<Sighting>{old, cert}, cert));
  const Sighting edge = S(1, "sighting--a", "CEC", kNow - kAlertWindow);
  EXPECT_TRUE(AlertOnArrival(std::vector<Sighting>{edge, cert}, cert));
  // A sighting resent long after it was seen (a sensor back online) is old news.
  Sighting late = S(3, "sighting--c", "Watch", kNow - 25 * kHour);
  late.date_added = kNow;
  EXPECT_FALSE(AlertOnArrival(std::vector<Sighting>{edge, cert, late}, late));
  // An organisation that sighted it more than 24 h before is new again.
  Sighting cec_now = S(4, "sighting--d", "CEC", kNow);
  EXPECT_TRUE(AlertOnArrival(std::vector<Sighting>{old, cert, cec_now}, cec_now));
}

TEST(AlertOnArrival, ASightingStoredLaterStillCountsForN) {
  // CERT's sighting committed before the bus handed over CEC's, with a
  // higher pk: CEC is still new (nothing of CEC before it) and N is 2.
  const Sighting cec = S(1, "sighting--a", "CEC", kNow);
  const Sighting cert = S(2, "sighting--b", "CERT", kNow);
  auto a = AlertOnArrival(std::vector<Sighting>{cec, cert}, cec);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->organisations.size(), 2u);
  // Without a known organisation nothing is raised.
  const Sighting anon = S(3, "sighting--c", "", kNow);
  EXPECT_FALSE(AlertOnArrival(std::vector<Sighting>{cec, cert, anon}, anon));
}

// The store-backed reads, over a real SQLite store and real policy: a
// sighting the reader may not read adds nothing, not even its organisation.
class SightingReads : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::OpenStore(dir_.File("hub.db")).value();
    ASSERT_TRUE(store_->Migrate().ok());
    const std::vector<std::string> names = {"CEC", "CERT", "Hidden"};
    for (size_t i = 0; i < names.size(); ++i) {
      store::Organisation o;
      o.name = names[i];
      o.kind = "cert";
      o.country = "TL";
      o.identity_id = "identity--00000000-0000-4000-8000-00000000000" + std::to_string(i + 1);
      org_ids_.push_back(store_->AddOrganisation(o).value());
      identities_.push_back(o.identity_id);
    }
    shared_ = AddChannel("shared", {0, 1, 2});
    hidden_ = AddChannel("hidden-only", {2});
    for (size_t i = 0; i < 3; ++i) {
      store::User u;
      u.org_id = org_ids_[i];
      u.username = "user" + std::to_string(i);
      u.role = "analyst";
      u.password_hash = "x";
      u.id = store_->AddUser(u).value();
      auto org = store_->FindOrganisation(std::to_string(org_ids_[i])).value();
      auto memberships = store_->ListOrgMemberships(org_ids_[i]).value();
      principals_.push_back(policy::MakePrincipal(u, org, memberships, false));
    }
    Share(0, shared_, "amber", IndicatorJson(kIndicator, "bad.example"));
    Share(2, hidden_, "amber", IndicatorJson(kIndicator, "bad.example"));
  }

  static std::string IndicatorJson(const std::string& id, const std::string& domain) {
    return R"({"type":"indicator","spec_version":"2.1","id":")" + id +
           R"(","created":"2027-01-14T00:00:00.000Z","modified":"2027-01-14T00:00:00.000Z",)"
           R"("name":"bad domain","pattern":"[domain-name:value = ')" +
           domain + R"(']","pattern_type":"stix","valid_from":"2027-01-14T00:00:00Z"})";
  }

  int64_t AddChannel(const std::string& name, std::vector<size_t> members) {
    store::Channel c;
    c.name = name;
    const int64_t id = store_->AddChannel(c).value();
    for (size_t m : members) EXPECT_TRUE(store_->Grant({id, org_ids_[m], true, true}).ok());
    return id;
  }

  void Share(size_t who, int64_t channel, const std::string& tlp, const std::string& json) {
    auto parsed = stix::ParseJson(json);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    stix::Object o(std::move(parsed->as_object()));
    o.json()["object_marking_refs"] =
        boost::json::array{boost::json::string(stix::TlpMarkingId(*stix::TlpFromName(tlp)))};
    // The principal as of now (memberships granted in SetUp).
    auto org = store_->FindOrganisation(std::to_string(org_ids_[who])).value();
    auto user = store_->FindUser("user" + std::to_string(who)).value();
    auto p =
        policy::MakePrincipal(user, org, store_->ListOrgMemberships(org_ids_[who]).value(), false);
    auto summary =
        Publish(*store_, clock_, p, store_->FindChannel(std::to_string(channel)).value(), {o}, {});
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    ASSERT_EQ(summary->rejected.size(), 0u) << summary->rejected[0].reason;
  }

  void Sight(size_t who, int64_t channel, const std::string& tlp, int n, Micros seen) {
    char id[80];
    std::snprintf(id, sizeof id, "sighting--00000000-0000-4000-8000-%012d", n);
    Share(who, channel, tlp,
          std::string(R"({"type":"sighting","spec_version":"2.1","id":")") + id +
              R"(","created":"2027-01-15T00:00:00.000Z","modified":"2027-01-15T00:00:00.000Z",)"
              R"("created_by_ref":")" +
              identities_[who] + R"(","sighting_of_ref":")" + kIndicator + R"(","count":)" +
              std::to_string(n) + R"(,"last_seen":")" + FormatTimestamp(seen, 3) + R"("})");
  }

  // The last stored version of sighting n.
  store::StoredObject Stored(int n) {
    char id[80];
    std::snprintf(id, sizeof id, "sighting--00000000-0000-4000-8000-%012d", n);
    store::ObjectQuery q;
    q.ids = {id};
    auto rows = store_->QueryObjects(q).value();
    EXPECT_EQ(rows.size(), 1u);
    return rows.empty() ? store::StoredObject{} : rows.back();
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  FixedClock clock_{kNow};
  std::vector<int64_t> org_ids_;
  std::vector<std::string> identities_;
  std::vector<policy::Principal> principals_;
  int64_t shared_ = 0, hidden_ = 0;
};

TEST_F(SightingReads, HiddenSightingsAddNothingAndNameNoOrganisation) {
  Sight(0, shared_, "green", 3, kNow - kHour);    // CEC, readable by all three
  Sight(2, hidden_, "amber", 5, kNow - kHour);    // Hidden, only Hidden reads it
  Sight(1, shared_, "red", 7, kNow - 2 * kHour);  // CERT, RED: only its submitter
  const OrgDirectory orgs(store_->ListOrganisations().value());

  // CEC's reader: only its own sighting.
  auto cec = ReadableSightingsOf(*store_, principals_[0], kIndicator, orgs, false).value();
  auto a = Aggregate(cec, kNow);
  EXPECT_EQ(a.total_count, 3);
  EXPECT_THAT(Names(a.organisations), ElementsAre("CEC"));
  EXPECT_TRUE(CurrentAlerts(*store_, principals_[0], kNow).value().empty());

  // CERT's submitter reads CEC's and its own RED one: N = 2.
  a = Aggregate(ReadableSightingsOf(*store_, principals_[1], kIndicator, orgs, false).value(),
                kNow);
  EXPECT_EQ(a.total_count, 10);
  EXPECT_THAT(Names(a.organisations), ElementsAre("CEC", "CERT"));
  auto alerts = CurrentAlerts(*store_, principals_[1], kNow).value();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_THAT(Names(alerts[0].organisations), ElementsAre("CEC", "CERT"));
  EXPECT_EQ(alerts[0].object_name, "bad domain");
  EXPECT_EQ(alerts[0].object_type, "indicator");

  // Hidden's reader: CEC's (shared) and its own: N = 2, never CERT.
  alerts = CurrentAlerts(*store_, principals_[2], kNow).value();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_THAT(Names(alerts[0].organisations), ElementsAre("CEC", "Hidden"));
  // 24 h after CEC's sighting plus a microsecond, no alert is current.
  EXPECT_TRUE(
      CurrentAlerts(*store_, principals_[2], kNow - kHour + kAlertWindow + 1).value().empty());
}

TEST_F(SightingReads, LiveArrivalIsDecidedPerReader) {
  Sight(0, shared_, "green", 3, kNow - kHour);  // CEC
  Sight(2, hidden_, "amber", 5, kNow - kHour);  // Hidden: only Hidden reads it
  Sight(1, shared_, "green", 7, kNow);          // CERT, readable by all three
  const auto row = Stored(7);
  auto context = ArrivalContext::Load(*store_, row, {}).value();
  ASSERT_TRUE(context);
  EXPECT_EQ(context->object_id(), kIndicator);
  auto cec = context->AlertFor(principals_[0]);
  ASSERT_TRUE(cec);
  EXPECT_THAT(Names(cec->organisations), ElementsAre("CEC", "CERT"));
  auto hidden = context->AlertFor(principals_[2]);
  ASSERT_TRUE(hidden);
  EXPECT_THAT(Names(hidden->organisations), ElementsAre("CEC", "CERT", "Hidden"));

  // Hidden's sighting arriving: nobody but Hidden's reader may read it.
  auto hidden_row = Stored(5);
  context = ArrivalContext::Load(*store_, hidden_row, {}).value();
  ASSERT_TRUE(context);
  EXPECT_FALSE(context->AlertFor(principals_[0]));
  EXPECT_FALSE(context->AlertFor(principals_[1]));
  EXPECT_TRUE(context->AlertFor(principals_[2]));

  // Not a sighting: no context.
  store::ObjectQuery q;
  q.ids = {kIndicator};
  auto indicator = store_->QueryObjects(q).value();
  ASSERT_FALSE(indicator.empty());
  EXPECT_FALSE(ArrivalContext::Load(*store_, indicator[0], {}).value());
}

TEST_F(SightingReads, NoAlertAboutAnObjectTheReaderCannotRead) {
  // CERT and Hidden sight an indicator only Hidden's channel holds, in a
  // channel the two share: CERT's reader can read both sightings but not
  // the indicator (no channel CERT reads holds it).
  const int64_t cert_hidden = AddChannel("cert-and-hidden", {1, 2});
  const std::string other = "indicator--6b6e6f4c-0000-4000-8000-000000000002";
  Share(2, hidden_, "amber", IndicatorJson(other, "x.example"));
  // Re-read principals: the new channel.
  for (size_t who : {size_t{1}, size_t{2}}) {
    auto org = store_->FindOrganisation(std::to_string(org_ids_[who])).value();
    auto user = store_->FindUser("user" + std::to_string(who)).value();
    principals_[who] =
        policy::MakePrincipal(user, org, store_->ListOrgMemberships(org_ids_[who]).value(), false);
  }
  for (size_t who : {size_t{1}, size_t{2}}) {
    Share(
        who, cert_hidden, "green",
        R"({"type":"sighting","spec_version":"2.1","id":"sighting--00000000-0000-4000-8000-00000000010)" +
            std::to_string(who) +
            R"(","created":"2027-01-15T00:00:00.000Z","modified":"2027-01-15T00:00:00.000Z",)"
            R"("sighting_of_ref":")" +
            other + R"(","last_seen":")" + FormatTimestamp(kNow, 3) + R"("})");
  }
  EXPECT_TRUE(CurrentAlerts(*store_, principals_[1], kNow).value().empty());
  auto hidden = CurrentAlerts(*store_, principals_[2], kNow).value();
  ASSERT_EQ(hidden.size(), 1u);
  EXPECT_EQ(hidden[0].object_id, other);
}

}  // namespace
}  // namespace ecrn::intel
