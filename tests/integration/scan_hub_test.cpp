// The sensor's hub connection (src/ecrn/scan/hub.*) against a real `ecrn
// serve`: indicators pulled from the collections the key may read, first all
// and then incrementally (new objects and new versions), sightings posted to
// the indicator's own collection when writable, resends stored once, refusals
// and outages told apart.
#include <chrono>
#include <regex>
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecrn/net/taxii_client.hpp"
#include "ecrn/scan/hub.hpp"
#include "integration/hub_process.hpp"
#include "testing/testing.hpp"

namespace ecrn::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr char kPassword[] = "correct horse battery staple";
constexpr Micros kT0 = 1'795'248'000'000'000;  // 2026-11-21T08:00:00Z

std::string IndicatorId(int n) {
  char id[64];
  std::snprintf(id, sizeof id, "indicator--5ca0b0b0-0000-4000-8000-%012d", n);
  return id;
}

// Indicator `n` on domain `n`.example, as a TAXII envelope.
std::string Indicators(std::initializer_list<int> ns, const std::string& modified,
                       bool revoked = false) {
  std::string objects;
  for (int n : ns) {
    if (!objects.empty()) objects += ",";
    objects += R"({"type":"indicator","spec_version":"2.1","id":")" + IndicatorId(n) +
               R"(","created":"2026-11-01T00:00:00.000Z","modified":")" + modified +
               R"(","name":"bad domain )" + std::to_string(n) +
               R"(","pattern":"[domain-name:value = 'bad)" + std::to_string(n) +
               R"(.example']","pattern_type":"stix","valid_from":"2026-11-01T00:00:00Z")" +
               (revoked ? R"(,"revoked":true)" : "") + "}";
  }
  return R"({"objects":[)" + objects + "]}";
}

class ScanHubTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = dir_->File("hub.db");
    Admin({"org", "add", "--name", "CEC-A", "--kind", "election-commission", "--country", "TL"});
    Admin({"org", "add", "--name", "CERT-B", "--kind", "cert", "--country", "TL"});
    Admin({"org", "add", "--name", "Other", "--kind", "civil-society", "--country", "XR"});
    for (auto [user, org] :
         {std::pair{"alice", "CEC-A"}, std::pair{"bob", "CERT-B"}, std::pair{"carol", "Other"}}) {
      Admin({"user", "add", "--org", org, "--username", user, "--role", "analyst"},
            {std::string("ECRN_PASSWORD=") + kPassword});
    }
    Admin({"channel", "add", "--name", "regional", "--default-tlp", "green"});
    Admin({"channel", "add", "--name", "private-a"});
    Admin({"channel", "add", "--name", "private-b"});
    Admin({"channel", "grant", "--channel", "regional", "--org", "CEC-A", "--read", "--write"});
    Admin({"channel", "grant", "--channel", "regional", "--org", "CERT-B", "--read", "--write"});
    Admin({"channel", "grant", "--channel", "regional", "--org", "Other", "--read"});
    Admin({"channel", "grant", "--channel", "private-a", "--org", "CEC-A", "--read", "--write"});
    Admin({"channel", "grant", "--channel", "private-b", "--org", "CERT-B", "--read", "--write"});
    for (auto user : {"alice", "bob", "carol"}) {
      keys_[user] = WithoutNewline(Admin({"apikey", "create", "--user", user}));
    }
    std::string orgs = Admin({"org", "list"});
    std::smatch m;
    if (std::regex_search(orgs, m, std::regex(R"(CERT-B\t.*\t(identity--[0-9a-f-]{36}))"))) {
      cert_b_identity_ = m[1];
    }
    server_ = new Hub(db_);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_NE(server_->port, 0) << "ecrn serve did not start: " << server_->process.Stderr();
    ASSERT_FALSE(cert_b_identity_.empty());
  }

  static std::string Admin(std::vector<std::string> args, std::vector<std::string> env = {}) {
    return RunAdmin(db_, std::move(args), std::move(env));
  }

  static net::TaxiiClient Client(const std::string& user) {
    auto c = net::TaxiiClient::Create(server_->Url(), keys_[user]);
    EXPECT_TRUE(c.ok());
    return std::move(c).value();
  }

  static std::string CollectionId(net::TaxiiClient& client, const std::string& title) {
    auto list = client.Collections();
    EXPECT_TRUE(list.ok());
    for (const auto& c : list.ok() ? *list : std::vector<net::TaxiiCollection>{}) {
      if (c.title == title) return c.id;
    }
    return "";
  }

  static void Post(const std::string& user, const std::string& title, const std::string& body) {
    auto client = Client(user);
    auto status = client.AddObjects(CollectionId(client, title), body);
    ASSERT_TRUE(status.ok()) << status.error().ToString();
    ASSERT_EQ(status->status, "complete");
    ASSERT_EQ(status->failure_count, 0) << body;
  }

  // The sightings `user` reads in `title`.
  static std::vector<stix::Object> Sightings(const std::string& user, const std::string& title) {
    auto client = Client(user);
    net::ObjectsQuery q;
    q.types = {"sighting"};
    auto page = client.GetObjects(CollectionId(client, title), q);
    EXPECT_TRUE(page.ok()) << page.error().ToString();
    return page.ok() ? page->objects : std::vector<stix::Object>{};
  }

  static inline TempDir* dir_ = nullptr;
  static inline std::string db_;
  static inline std::map<std::string, std::string> keys_;
  static inline std::string cert_b_identity_;
  static inline Hub* server_ = nullptr;
};

TEST_F(ScanHubTest, FeedPullsReadableIndicatorsThenOnlyWhatIsNew) {
  Post("alice", "regional", Indicators({1, 2, 3}, "2026-11-01T00:00:00.000Z"));
  Post("alice", "private-a", Indicators({4}, "2026-11-01T00:00:00.000Z"));

  auto bob = Client("bob");
  scan::HubFeed feed(bob, 2);  // pages of two: paging is exercised
  auto first = feed.Pull();
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_TRUE(*first);
  std::set<std::string> ids;
  for (const auto& o : feed.Indicators()) ids.insert(std::string(o.id()));
  EXPECT_EQ(ids, (std::set<std::string>{IndicatorId(1), IndicatorId(2), IndicatorId(3)}));
  const std::string regional = CollectionId(bob, "regional");
  EXPECT_EQ(feed.CollectionOf(IndicatorId(2)), regional);
  EXPECT_EQ(feed.collections().size(), 2u);  // regional and private-b

  auto again = feed.Pull();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again) << "nothing new";

  // A new indicator and a new (revoked) version of an old one.
  Post("alice", "regional", Indicators({5}, "2026-11-02T00:00:00.000Z"));
  Post("alice", "regional", Indicators({1}, "2026-11-03T00:00:00.000Z", true));
  auto third = feed.Pull();
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(*third);
  auto indicators = feed.Indicators();
  ASSERT_EQ(indicators.size(), 4u);
  for (const auto& o : indicators) {
    if (o.id() == IndicatorId(1)) {
      EXPECT_EQ(o.modified(), "2026-11-03T00:00:00.000Z");
      EXPECT_TRUE(o.json().at("revoked").as_bool());
    }
  }
}

TEST_F(ScanHubTest, WhereSightingsGo) {
  Post("alice", "regional", Indicators({10}, "2026-11-01T00:00:00.000Z"));
  auto bob = Client("bob");
  scan::HubFeed bob_feed(bob);
  ASSERT_TRUE(bob_feed.Pull().ok());
  const std::string regional = CollectionId(bob, "regional");
  const std::string private_b = CollectionId(bob, "private-b");
  // Two writable collections: no default, a named one, an unknown one.
  EXPECT_EQ(bob_feed.FallbackCollection("").value(), "");
  EXPECT_EQ(bob_feed.FallbackCollection("private-b").value(), private_b);
  EXPECT_EQ(bob_feed.FallbackCollection(private_b).value(), private_b);
  EXPECT_FALSE(bob_feed.FallbackCollection("private-a").ok());
  EXPECT_EQ(bob_feed.SightingTarget(IndicatorId(10), private_b), regional);
  EXPECT_EQ(bob_feed.SightingTarget("indicator--unknown", private_b), private_b);

  // Carol reads regional but writes nowhere.
  auto carol = Client("carol");
  scan::HubFeed carol_feed(carol);
  ASSERT_TRUE(carol_feed.Pull().ok());
  auto none = carol_feed.FallbackCollection("");
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.error().message, HasSubstr("may not write"));
  EXPECT_EQ(carol_feed.SightingTarget(IndicatorId(10), ""), "");
}

TEST_F(ScanHubTest, SightingsArriveOnceAndRefusalsAreFinal) {
  Post("alice", "regional", Indicators({20, 21}, "2026-11-01T00:00:00.000Z"));
  auto bob = Client("bob");
  scan::HubFeed feed(bob);
  ASSERT_TRUE(feed.Pull().ok());

  scan::SeenByIndicator open;
  open[IndicatorId(20)].Add(kT0, 3);
  open[IndicatorId(20)].Add(kT0 + 5'000'000);
  open[IndicatorId(21)].Add(kT0 + 1'000'000);
  uint64_t next = 1;
  auto batches = scan::SealBatches(
      open, [&](const std::string& id) { return feed.SightingTarget(id, ""); }, next,
      kT0 + 60'000'000);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].collection, CollectionId(bob, "regional"));
  scan::SightingSource source{"0f5e1c9a-3b7d-4e2f-8a6c-9d1b2e3f4a5b", cert_b_identity_,
                              stix::Tlp::kGreen};
  for (int attempt = 0; attempt < 2; ++attempt) {  // the second is a resend
    auto sent = scan::SendBatch(bob, batches[0], source);
    ASSERT_TRUE(sent.ok()) << sent.error().ToString();
    EXPECT_EQ(sent->outcome, scan::SendOutcome::kAccepted) << sent->detail;
  }
  // Carol (another organisation reading regional) sees each sighting once.
  auto seen = Sightings("carol", "regional");
  std::map<std::string, int64_t> counts;
  for (const auto& s : seen) {
    if (s.created_by_ref() != cert_b_identity_) continue;
    EXPECT_EQ(s.json().at("where_sighted_refs").as_array().at(0).as_string(), cert_b_identity_);
    counts[std::string(s.json().at("sighting_of_ref").as_string())] +=
        s.json().at("count").as_int64();
  }
  EXPECT_EQ(counts, (std::map<std::string, int64_t>{{IndicatorId(20), 4}, {IndicatorId(21), 1}}));

  // A batch for a collection the key may only read is refused for good.
  auto carol = Client("carol");
  auto refused = scan::SendBatch(carol, batches[0], source);
  ASSERT_TRUE(refused.ok()) << refused.error().ToString();
  EXPECT_EQ(refused->outcome, scan::SendOutcome::kRejected);
  // So is a batch with nowhere to go.
  scan::SealedBatch nowhere = batches[0];
  nowhere.collection.clear();
  auto homeless = scan::SendBatch(bob, nowhere, source);
  ASSERT_TRUE(homeless.ok());
  EXPECT_EQ(homeless->outcome, scan::SendOutcome::kRejected);
  EXPECT_THAT(homeless->detail, HasSubstr("--collection"));
}

TEST_F(ScanHubTest, AnUnreachableHubMeansTryAgainLater) {
  auto client = net::TaxiiClient::Create(
      "http://127.0.0.1:" + std::to_string(PortNobodyListensOn()), keys_["bob"]);
  ASSERT_TRUE(client.ok());
  scan::SealedBatch batch;
  batch.number = 1;
  batch.sealed_at = kT0;
  batch.collection = "00000000-0000-4000-8000-000000000000";
  batch.seen[IndicatorId(1)].Add(kT0);
  auto sent = scan::SendBatch(*client, batch, {"0f5e1c9a-3b7d-4e2f-8a6c-9d1b2e3f4a5b", "", {}});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().code, ErrorCode::kUnavailable);
  scan::HubFeed feed(*client);
  auto pulled = feed.Pull();
  ASSERT_FALSE(pulled.ok());
  EXPECT_EQ(pulled.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace ecrn::testing
