// The TAXII 2.1 client (src/ecrn/net) against a real `ecrn serve` on
// 127.0.0.1: discovery, collections as the key sees them, POST and status,
// paging with limit/next, incremental pulls with added_after, the errors an
// operator must be able to act on, and HTTPS with certificate verification.
#include "ecrn/net/taxii_client.hpp"

#include <chrono>
#include <cstdio>
#include <functional>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "integration/hub_process.hpp"
#include "testing/testing.hpp"
#include "testing/tls.hpp"

namespace ecrn::testing {
namespace {

using namespace std::chrono_literals;
using net::TaxiiClient;
using ::testing::HasSubstr;

constexpr char kPassword[] = "correct horse battery staple";

// `n` indicators on domains named after `tag`, as a TAXII envelope (ids
// fixed by the tag and the index).
std::string Envelope(const std::string& tag, int n) {
  const auto tag_bits = static_cast<unsigned>(std::hash<std::string>{}(tag)&0xffffffffu);
  std::string objects;
  for (int i = 0; i < n; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "indicator--%08x-0000-4000-8000-%012d", tag_bits, i);
    const std::string name = tag + std::to_string(i);
    if (!objects.empty()) objects += ",";
    objects += R"({"type":"indicator","spec_version":"2.1","id":")" + std::string(id) +
               R"(","created":"2026-11-01T00:00:00.000Z","modified":"2026-11-01T00:00:00.000Z",)"
               R"("name":")" +
               name + R"(","pattern":"[domain-name:value = ')" + name +
               R"(.example']","pattern_type":"stix","valid_from":"2026-11-01T00:00:00Z"})";
  }
  return R"({"objects":[)" + objects + "]}";
}

class TaxiiClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = dir_->File("hub.db");
    Admin({"org", "add", "--name", "CEC-A", "--kind", "election-commission", "--country", "TL"});
    Admin({"org", "add", "--name", "CERT-B", "--kind", "cert", "--country", "TL"});
    Admin({"user", "add", "--org", "CEC-A", "--username", "alice", "--role", "analyst"},
          {std::string("ECRN_PASSWORD=") + kPassword});
    Admin({"user", "add", "--org", "CERT-B", "--username", "bob", "--role", "analyst"},
          {std::string("ECRN_PASSWORD=") + kPassword});
    Admin({"channel", "add", "--name", "regional", "--default-tlp", "green"});
    Admin({"channel", "add", "--name", "private-a"});
    Admin({"channel", "grant", "--channel", "regional", "--org", "CEC-A", "--read", "--write"});
    Admin({"channel", "grant", "--channel", "regional", "--org", "CERT-B", "--read"});
    Admin({"channel", "grant", "--channel", "private-a", "--org", "CEC-A", "--read", "--write"});
    alice_ = new std::string(WithoutNewline(Admin({"apikey", "create", "--user", "alice"})));
    bob_ = new std::string(WithoutNewline(Admin({"apikey", "create", "--user", "bob"})));
    server_ = new Hub(db_);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete alice_;
    delete bob_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_NE(server_->port, 0) << "ecrn serve did not start: " << server_->process.Stderr();
  }

  static std::string Admin(std::vector<std::string> args, std::vector<std::string> env = {}) {
    return RunAdmin(db_, std::move(args), std::move(env));
  }

  static std::string Url() { return server_->Url(); }

  static TaxiiClient Client(const std::string& key) {
    auto c = TaxiiClient::Create(Url(), key);
    EXPECT_TRUE(c.ok()) << c.error().ToString();
    return std::move(c).value();
  }

  // The id of the collection titled `title` as `client` sees it.
  static std::string CollectionId(TaxiiClient& client, const std::string& title) {
    auto list = client.Collections();
    EXPECT_TRUE(list.ok()) << list.error().ToString();
    if (!list.ok()) return "";
    for (const auto& c : *list) {
      if (c.title == title) return c.id;
    }
    return "";
  }

  // Posts and waits until the status is complete; the final status.
  static net::TaxiiStatus PostAndWait(TaxiiClient& client, const std::string& collection,
                                      const std::string& envelope) {
    auto status = client.AddObjects(collection, envelope);
    EXPECT_TRUE(status.ok()) << status.error().ToString();
    if (!status.ok()) return {};
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (status->status != "complete" && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(50ms);
      auto again = client.GetStatus(status->id);
      EXPECT_TRUE(again.ok()) << again.error().ToString();
      if (!again.ok()) return {};
      status = std::move(again);
    }
    return *status;
  }

  static inline TempDir* dir_ = nullptr;
  static inline std::string db_;
  static inline std::string* alice_ = nullptr;
  static inline std::string* bob_ = nullptr;
  static inline Hub* server_ = nullptr;
};

TEST_F(TaxiiClientTest, DiscoveryAndCollectionsAsTheKeySeesThem) {
  auto alice = Client(*alice_);
  auto root = alice.ApiRoot();
  ASSERT_TRUE(root.ok()) << root.error().ToString();
  EXPECT_EQ(*root, "/taxii2/ecrn/");

  auto mine = alice.Collections();
  ASSERT_TRUE(mine.ok()) << mine.error().ToString();
  std::set<std::string> titles;
  for (const auto& c : *mine) {
    titles.insert(c.title);
    EXPECT_TRUE(c.can_read && c.can_write) << c.title;
  }
  EXPECT_EQ(titles, (std::set<std::string>{"regional", "private-a"}));

  auto bob = Client(*bob_);
  auto theirs = bob.Collections();
  ASSERT_TRUE(theirs.ok()) << theirs.error().ToString();
  ASSERT_EQ(theirs->size(), 1u);
  EXPECT_EQ(theirs->front().title, "regional");
  EXPECT_TRUE(theirs->front().can_read);
  EXPECT_FALSE(theirs->front().can_write);

  // The discovery URL works as the hub URL too.
  auto via_discovery = TaxiiClient::Create(Url() + "/taxii2/", *bob_);
  ASSERT_TRUE(via_discovery.ok());
  auto root_again = via_discovery->ApiRoot();
  ASSERT_TRUE(root_again.ok()) << root_again.error().ToString();
  EXPECT_EQ(*root_again, "/taxii2/ecrn/");
}

TEST_F(TaxiiClientTest, PlainHttpClientReadsTheSessionWithAnApiKey) {
  auto http = net::HttpClient::Create(Url());
  ASSERT_TRUE(http.ok()) << http.error().ToString();
  EXPECT_EQ(http->base_path(), "/");
  for (int i = 0; i < 3; ++i) {  // one keep-alive connection, several requests
    auto r = http->Send("GET", "/api/v1/session", {{"Authorization", "Bearer " + *bob_}});
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_THAT(std::string(r->Header("content-type").value_or("")), HasSubstr("application/json"));
    auto body = boost::json::parse(r->body).as_object();
    const auto& org = body.at("user").at("org").as_object();
    EXPECT_EQ(org.at("name"), "CERT-B");
    EXPECT_EQ(std::string(org.at("identity_id").as_string()).rfind("identity--", 0), 0u);
  }
  auto anonymous = http->Send("GET", "/api/v1/session");
  ASSERT_TRUE(anonymous.ok());
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_FALSE(http->Send("GET", "relative").ok());
  EXPECT_FALSE(http->Send("FROB NICATE", "/").ok());
}

TEST_F(TaxiiClientTest, PostPageAndPullIncrementally) {
  auto alice = Client(*alice_);
  const std::string regional = CollectionId(alice, "regional");
  ASSERT_FALSE(regional.empty());
  auto status = PostAndWait(alice, regional, Envelope("paging", 5));
  EXPECT_EQ(status.status, "complete");
  EXPECT_EQ(status.success_count, 5);
  EXPECT_EQ(status.failure_count, 0);

  // Bob walks the collection two at a time and sees the five.
  auto bob = Client(*bob_);
  net::ObjectsQuery q;
  q.types = {"indicator"};
  q.limit = 2;
  std::set<std::string> names;
  std::string last;
  int pages = 0;
  for (;;) {
    auto page = bob.GetObjects(regional, q);
    ASSERT_TRUE(page.ok()) << page.error().ToString();
    ++pages;
    for (const auto& o : page->objects) {
      EXPECT_EQ(o.type(), "indicator");
      names.insert(std::string(o.Str("name")));
    }
    if (!page->date_added_last.empty()) last = page->date_added_last;
    if (!page->more) break;
    q.next = page->next;
    ASSERT_LT(pages, 10) << "paging does not end";
  }
  EXPECT_GE(pages, 3);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(names.count("paging" + std::to_string(i))) << i;
  ASSERT_FALSE(last.empty());

  // Nothing new after the last date added; then exactly the new object.
  net::ObjectsQuery since;
  since.types = {"indicator"};
  since.added_after = last;
  auto none = bob.GetObjects(regional, since);
  ASSERT_TRUE(none.ok()) << none.error().ToString();
  EXPECT_TRUE(none->objects.empty());
  EXPECT_EQ(PostAndWait(alice, regional, Envelope("later", 1)).success_count, 1);
  auto fresh = bob.GetObjects(regional, since);
  ASSERT_TRUE(fresh.ok()) << fresh.error().ToString();
  ASSERT_EQ(fresh->objects.size(), 1u);
  EXPECT_EQ(fresh->objects.front().Str("name"), "later0");
}

TEST_F(TaxiiClientTest, ErrorsNameWhatWentWrong) {
  auto bob = Client(*bob_);
  const std::string regional = CollectionId(bob, "regional");
  ASSERT_FALSE(regional.empty());

  // Bob may read but not write.
  auto refused = bob.AddObjects(regional, Envelope("refused", 1));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied) << refused.error().ToString();

  // A collection bob cannot see is not found.
  auto alice = Client(*alice_);
  const std::string private_a = CollectionId(alice, "private-a");
  ASSERT_FALSE(private_a.empty());
  auto hidden = bob.GetObjects(private_a, {});
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error().code, ErrorCode::kNotFound) << hidden.error().ToString();

  // A wrong key.
  auto wrong = Client("ecrn_k_not-a-real-key");
  auto denied = wrong.Collections();
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code, ErrorCode::kUnauthenticated);
  EXPECT_THAT(denied.error().message, HasSubstr("check the API key"));

  // Nobody listening.
  auto gone =
      TaxiiClient::Create("http://127.0.0.1:" + std::to_string(PortNobodyListensOn()), *bob_);
  ASSERT_TRUE(gone.ok());
  auto unreachable = gone->ApiRoot();
  ASSERT_FALSE(unreachable.ok());
  EXPECT_EQ(unreachable.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(unreachable.error().message, HasSubstr("connecting"));

  // Malformed hub URLs and a missing key never reach the network.
  for (const char* url : {"ftp://127.0.0.1/", "127.0.0.1:8443", "http://user:pw@127.0.0.1/",
                          "http:///taxii2/", "http://127.0.0.1/taxii2/?x=1"}) {
    auto bad = TaxiiClient::Create(url, *bob_);
    ASSERT_FALSE(bad.ok()) << url;
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument) << url;
  }
  EXPECT_FALSE(TaxiiClient::Create(Url(), "").ok());
}

TEST(TaxiiClientTls, VerifiesTheServerCertificate) {
  TempDir dir;
  const std::string cert = dir.File("cert.pem");
  const std::string key = dir.File("key.pem");
  WriteSelfSignedCertificate(cert, key);
  const std::string db = dir.File("tls.db");
  RunAdmin(db,
           {"org", "add", "--name", "CEC-A", "--kind", "election-commission", "--country", "TL"});
  RunAdmin(db, {"user", "add", "--org", "CEC-A", "--username", "alice", "--role", "analyst"},
           {std::string("ECRN_PASSWORD=") + kPassword});
  const std::string api_key = WithoutNewline(RunAdmin(db, {"apikey", "create", "--user", "alice"}));
  Hub server(db, {"--tls-cert", cert, "--tls-key", key});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(server.line, m, std::regex(R"(https://127\.0\.0\.1:(\d+)$)")))
      << server.line << server.process.Stderr();
  const std::string url = "https://127.0.0.1:" + std::string(m[1]);

  net::ClientOptions trusted;
  trusted.ca_file = cert;
  auto good = TaxiiClient::Create(url, api_key, trusted);
  ASSERT_TRUE(good.ok()) << good.error().ToString();
  auto root = good->ApiRoot();
  ASSERT_TRUE(root.ok()) << root.error().ToString();
  EXPECT_EQ(*root, "/taxii2/ecrn/");

  // Without trusting the self-signed certificate the handshake is refused.
  auto untrusted = TaxiiClient::Create(url, api_key);
  ASSERT_TRUE(untrusted.ok());
  auto refused = untrusted->ApiRoot();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated) << refused.error().ToString();
  EXPECT_THAT(refused.error().message, HasSubstr("certificate"));

  // A missing CA file is an error before any connection.
  net::ClientOptions missing;
  missing.ca_file = dir.File("nope.pem");
  auto no_ca = TaxiiClient::Create(url, api_key, missing);
  ASSERT_FALSE(no_ca.ok());
  EXPECT_THAT(no_ca.error().message, HasSubstr("nope.pem"));
}

}  // namespace
}  // namespace ecrn::testing
