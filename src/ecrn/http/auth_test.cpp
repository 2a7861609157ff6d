#include "ecrn/http/auth.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "ecrn/core/secrets.hpp"
#include "ecrn/core/totp.hpp"
#include "ecrn/store/forwarding_store.hpp"
#include "ecrn/store/rights_watching_store.hpp"
#include "testing/testing.hpp"

namespace ecrn::http {
namespace {

constexpr Micros kSecond = 1'000'000;
constexpr Micros kT0 = 1'800'000'000LL * kSecond;
constexpr char kPassword[] = "a long enough password";

// A real SQLite store with one organisation and users, a fixed clock.
class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::OpenStore(dir_.File("auth.db")).value();
    ASSERT_TRUE(store_->Migrate().ok());
    store::Organisation org{0, "Hub", "coordinator", "TL", "", "identity--hub", kT0};
    org_ = store_->AddOrganisation(org).value();
    alice_ = AddUser("alice", "analyst");
    admin_ = AddUser("root", "network-admin");
    AuthOptions options;
    options.max_failures_per_account = 3;
    options.max_failures_per_address = 100;
    auth_ = std::make_unique<Authenticator>(*store_, clock_, options);
  }

  int64_t AddUser(const std::string& name, const std::string& role) {
    store::User u;
    u.org_id = org_;
    u.username = name;
    u.role = role;
    u.password_hash = HashPassword(kPassword).value();
    u.created = kT0;
    return store_->AddUser(u).value();
  }

  // A new API key of alice's (its id in *id); a GET that sends it as Bearer.
  Request KeyRequest(std::optional<Micros> expires = std::nullopt, int64_t* id = nullptr,
                     bool read_only = false) {
    auto key = GenerateApiKey();
    store::ApiKey row;
    row.user_id = alice_;
    row.prefix = key.prefix;
    row.key_hash = key.hash;
    row.read_only = read_only;
    row.expires = expires;
    const int64_t key_id = store_->AddApiKey(row).value();
    if (id) *id = key_id;
    Request r = Req("GET");
    r.headers.emplace_back("Authorization", "Bearer " + key.key);
    return r;
  }

  static Request Req(std::string method, std::string cookie = "", std::string csrf = "") {
    Request r;
    r.method = std::move(method);
    r.target = "/api/v1/objects";
    r.remote_address = "192.0.2.7";
    if (!cookie.empty()) r.headers.emplace_back("Cookie", "other=1; " + cookie);
    if (!csrf.empty()) r.headers.emplace_back("X-CSRF-Token", csrf);
    return r;
  }

  // "ecrn_session=<value>" from a Set-Cookie value.
  static std::string CookiePair(const std::string& set_cookie) {
    return set_cookie.substr(0, set_cookie.find(';'));
  }

  ecrn::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  FixedClock clock_{kT0};
  std::unique_ptr<Authenticator> auth_;
  int64_t org_ = 0, alice_ = 0, admin_ = 0;
};

TEST_F(AuthTest, LoginGivesAStrictHttpOnlyCookieAndCsrfGuardsWrites) {
  auto login = auth_->Login("alice", kPassword, "", Req("POST"));
  ASSERT_TRUE(login.ok()) << login.error().ToString();
  EXPECT_NE(login->cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(login->cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(login->cookie.find("Secure"), std::string::npos) << "plain HTTP";
  const std::string cookie = CookiePair(login->cookie);

  auto get = auth_->Identify(Req("GET", cookie));
  ASSERT_TRUE(get.ok() && *get);
  EXPECT_EQ((*get)->principal.user_id, alice_);
  EXPECT_EQ((*get)->method, AuthMethod::kSession);

  auto no_token = auth_->Identify(Req("POST", cookie));
  ASSERT_FALSE(no_token.ok());
  EXPECT_EQ(no_token.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(no_token.error().reason, "csrf-mismatch");
  EXPECT_FALSE(auth_->Identify(Req("POST", cookie, "wrong")).ok());
  EXPECT_TRUE(auth_->Identify(Req("POST", cookie, login->caller.csrf_token)).ok());

  // Under TLS the cookie is __Host- prefixed and Secure.
  Request tls = Req("POST");
  tls.secure = true;
  auto secure = auth_->Login("alice", kPassword, "", tls);
  ASSERT_TRUE(secure.ok());
  EXPECT_EQ(secure->cookie.rfind("__Host-ecrn_session=", 0), 0u);
  EXPECT_NE(secure->cookie.find("; Secure"), std::string::npos);
}

TEST_F(AuthTest, SessionsEndWhenIdleAtTheirAbsoluteEndAndAtLogout) {
  const std::string cookie = CookiePair(auth_->Login("alice", kPassword, "", Req("POST"))->cookie);
  for (int i = 1; i <= 30; ++i) {  // active: a request every 25 minutes
    clock_.Advance(25 * 60 * kSecond);
    auto r = auth_->Identify(Req("GET", cookie));
    if (i * 25 < 12 * 60) {
      ASSERT_TRUE(r.ok()) << i;
    } else {
      // 12 hours after login the session ends however active it is.
      ASSERT_FALSE(r.ok()) << i;
      EXPECT_EQ(r.error().reason, "session-expired");
    }
  }
  const std::string idle = CookiePair(auth_->Login("alice", kPassword, "", Req("POST"))->cookie);
  clock_.Advance(31 * 60 * kSecond);
  EXPECT_FALSE(auth_->Identify(Req("GET", idle)).ok());

  const std::string out = CookiePair(auth_->Login("alice", kPassword, "", Req("POST"))->cookie);
  EXPECT_NE(auth_->Logout(Req("DELETE", out)).find("Max-Age=0"), std::string::npos);
  EXPECT_FALSE(auth_->Identify(Req("GET", out)).ok());
}

TEST_F(AuthTest, LoginRotatesTheSession) {
  const std::string first = CookiePair(auth_->Login("alice", kPassword, "", Req("POST"))->cookie);
  auto second = auth_->Login("alice", kPassword, "", Req("POST", first));
  ASSERT_TRUE(second.ok());
  EXPECT_NE(CookiePair(second->cookie), first);
  EXPECT_FALSE(auth_->Identify(Req("GET", first)).ok()) << "the old session ended";
  EXPECT_TRUE(auth_->Identify(Req("GET", CookiePair(second->cookie))).ok());
}

TEST_F(AuthTest, FailedLoginsAreLimitedPerAccountAndLookTheSame) {
  auto unknown = auth_->Login("nobody", kPassword, "", Req("POST"));
  auto wrong = auth_->Login("alice", "not the password", "", Req("POST"));
  ASSERT_FALSE(unknown.ok());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(unknown.error().reason, "bad-credentials");
  EXPECT_EQ(wrong.error().message, unknown.error().message);
  EXPECT_FALSE(auth_->Login(std::to_string(alice_), kPassword, "", Req("POST")).ok())
      << "a numeric id is not a username";
  (void)auth_->Login("alice", "wrong again", "", Req("POST"));
  (void)auth_->Login("alice", "and again", "", Req("POST"));
  // Three failures: even the right password is refused for a while.
  auto limited = auth_->Login("alice", kPassword, "", Req("POST"));
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.error().code, ErrorCode::kTooManyRequests);
  clock_.Advance(16 * 60 * kSecond);
  EXPECT_TRUE(auth_->Login("alice", kPassword, "", Req("POST")).ok());
}

TEST_F(AuthTest, TotpIsRequiredForNetworkAdminsAndNeverAcceptedTwice) {
  auto not_enrolled = auth_->Login("root", kPassword, "", Req("POST"));
  ASSERT_FALSE(not_enrolled.ok());
  EXPECT_EQ(not_enrolled.error().reason, "totp-enrolment-required");

  const std::string secret = GenerateTotpSecret();
  ASSERT_TRUE(store_->SetTotp(admin_, Base32Encode(secret)).ok());
  auto missing = auth_->Login("root", kPassword, "", Req("POST"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().reason, "totp-required");
  const std::string code = TotpCode(secret, TotpStep(clock_.Now()));
  auto ok = auth_->Login("root", kPassword, code, Req("POST"));
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(ok->caller.principal.role, policy::Role::kNetworkAdmin);
  auto replay = auth_->Login("root", kPassword, code, Req("POST"));
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().reason, "bad-totp");
  // HTTP Basic cannot carry a second factor: such accounts use API keys.
  Request basic = Req("GET");
  // base64("root:a long enough password")
  basic.headers.emplace_back("Authorization", "Basic cm9vdDphIGxvbmcgZW5vdWdoIHBhc3N3b3Jk");
  auto refused = auth_->Identify(basic);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().reason, "api-key-required");
}

TEST_F(AuthTest, ApiKeysRespectRevocationExpiryAndScope) {
  int64_t id = 0;
  Request r = KeyRequest(kT0 + 3600 * kSecond, &id, /*read_only=*/true);
  r.method = "POST";
  auto who = auth_->Identify(r);
  ASSERT_TRUE(who.ok() && *who);
  EXPECT_TRUE((*who)->principal.read_only);
  EXPECT_EQ((*who)->method, AuthMethod::kApiKey);
  clock_.Advance(3601 * kSecond);
  EXPECT_FALSE(auth_->Identify(r).ok()) << "expired";
  clock_.Set(kT0);
  ASSERT_TRUE(store_->RevokeApiKey(id).ok());
  EXPECT_FALSE(auth_->Identify(r).ok()) << "revoked";
  Request forged = Req("GET");
  const std::string prefix = ApiKeyPrefix(r.Header("Authorization")->substr(7));
  forged.headers.emplace_back("Authorization", "Bearer " + prefix + "_" + std::string(43, 'A'));
  EXPECT_FALSE(auth_->Identify(forged).ok());
}

// Standard base64 (RFC 4648, padded), for HTTP Basic headers.
std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint8_t>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<uint8_t>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

// Counts the store reads that resolving a key or password needs.
class CountingStore final : public store::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Result<std::vector<store::ApiKey>> FindApiKeysByPrefix(std::string_view prefix) override {
    ++reads;
    return ForwardingStore::FindApiKeysByPrefix(prefix);
  }
  Result<store::User> FindUser(std::string_view name_or_id) override {
    ++reads;
    return ForwardingStore::FindUser(name_or_id);
  }
  Result<std::vector<store::Membership>> ListOrgMemberships(int64_t org_id) override {
    ++reads;
    return ForwardingStore::ListOrgMemberships(org_id);
  }
  std::atomic<int> reads{0};
};

// The principal cache: the hub's store is `hub_` (changes through it are
// seen at once); writing to `store_` directly is what another process (the
// CLI, another server) does.
class PrincipalCacheTest : public AuthTest {
 protected:
  static constexpr Micros kTtl = 2 * kSecond;

  void SetUp() override {
    AuthTest::SetUp();
    counting_ = std::make_unique<CountingStore>(*store_);
    hub_ = std::make_unique<store::RightsWatchingStore>(*counting_);
    Reopen(kTtl, 10'000);
    channel_ = store_->AddChannel({0, "regional", "", "amber", kT0}).value();
  }

  void Reopen(Micros ttl, size_t entries) {
    AuthOptions options;
    options.principal_cache_ttl = ttl;
    options.principal_cache_entries = entries;
    auth_ = std::make_unique<Authenticator>(*hub_, clock_, options);
  }

  static Request BasicRequest(const std::string& user, const std::string& password) {
    Request r = Req("GET");
    r.headers.emplace_back("Authorization", "Basic " + Base64(user + ":" + password));
    return r;
  }

  bool Accepted(const Request& r, Freshness f = Freshness::kMayBeCached) {
    auto who = auth_->Identify(r, f);
    return who.ok() && *who && (*who)->principal.user_id == alice_;
  }

  int Reads() const { return counting_->reads; }

  std::unique_ptr<CountingStore> counting_;
  std::unique_ptr<store::RightsWatchingStore> hub_;  // the hub's own writes go through it
  int64_t channel_ = 0;
};

TEST_F(PrincipalCacheTest, ARememberedKeyNeedsNoQuery) {
  Request r = KeyRequest();
  ASSERT_TRUE(Accepted(r));
  const int reads = Reads();
  EXPECT_GT(reads, 0);
  ASSERT_TRUE(Accepted(r));
  EXPECT_EQ(Reads(), reads) << "the second use came from the cache";
  auto quick = auth_->IdentifyFromCache(r);
  ASSERT_TRUE(quick);
  EXPECT_EQ(quick->method, AuthMethod::kApiKey);
  EXPECT_EQ(quick->principal.user_id, alice_);
  EXPECT_EQ(Reads(), reads);
  // kFromStore reads again.
  ASSERT_TRUE(Accepted(r, Freshness::kFromStore));
  EXPECT_GT(Reads(), reads);
}

TEST_F(PrincipalCacheTest, AWrongSecretNeverMatchesARememberedOne) {
  Request r = KeyRequest();
  ASSERT_TRUE(Accepted(r));
  // The same prefix with another secret.
  std::string header(*r.Header("Authorization"));
  header.back() = header.back() == 'A' ? 'B' : 'A';
  Request forged = Req("GET");
  forged.headers.emplace_back("Authorization", header);
  EXPECT_FALSE(auth_->IdentifyFromCache(forged));
  auto refused = auth_->Identify(forged);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
  EXPECT_TRUE(Accepted(r)) << "the right key's entry survives";
  // The right key sent with HTTP Basic under another user's name.
  const std::string right_key(
      r.Header("Authorization")->substr(std::string_view("Bearer ").size()));
  EXPECT_FALSE(auth_->Identify(BasicRequest("root", right_key)).ok());
  EXPECT_FALSE(auth_->IdentifyFromCache(BasicRequest("root", right_key)));
  EXPECT_TRUE(auth_->Identify(BasicRequest("alice", right_key)).ok());
  // A remembered password: a wrong one is refused.
  ASSERT_TRUE(Accepted(BasicRequest("alice", kPassword)));
  EXPECT_TRUE(auth_->IdentifyFromCache(BasicRequest("alice", kPassword)));
  EXPECT_FALSE(auth_->IdentifyFromCache(BasicRequest("alice", "a long enough passworD")));
  EXPECT_FALSE(auth_->Identify(BasicRequest("alice", "a long enough passworD")).ok());
}

TEST_F(PrincipalCacheTest, KeyExpiryIsExactWhileRemembered) {
  Request r = KeyRequest(kT0 + kSecond);
  ASSERT_TRUE(Accepted(r));
  clock_.Advance(kSecond);  // within the time-to-live, at the key's expiry
  EXPECT_FALSE(auth_->IdentifyFromCache(r));
  auto expired = auth_->Identify(r);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().message, "the API key has expired");
}

TEST_F(PrincipalCacheTest, ChangesThroughTheHubApplyAtOnce) {
  int64_t id = 0;
  Request r = KeyRequest(std::nullopt, &id);
  auto before = auth_->Identify(r);
  ASSERT_TRUE(before.ok() && *before);
  EXPECT_FALSE(policy::CanReadChannel((*before)->principal, channel_));
  // A membership granted through the hub is in the next request's rights,
  ASSERT_TRUE(hub_->Grant({channel_, org_, true, false}).ok());
  auto granted = auth_->IdentifyFromCache(r) ? auth_->IdentifyFromCache(r)->principal
                                             : (*auth_->Identify(r))->principal;
  EXPECT_TRUE(policy::CanReadChannel(granted, channel_));
  // and a revocation through the hub too.
  ASSERT_TRUE(hub_->Grant({channel_, org_, false, false}).ok());
  EXPECT_FALSE(policy::CanReadChannel((*auth_->Identify(r))->principal, channel_));
  ASSERT_TRUE(hub_->RevokeApiKey(id).ok());
  EXPECT_FALSE(auth_->IdentifyFromCache(r));
  EXPECT_FALSE(auth_->Identify(r).ok()) << "revoked";

  // A password changed through the hub: the old one stops working at once.
  Request basic = BasicRequest("alice", kPassword);
  ASSERT_TRUE(Accepted(basic));
  ASSERT_TRUE(hub_->SetPassword(alice_, HashPassword("another long password").value()).ok());
  EXPECT_FALSE(auth_->IdentifyFromCache(basic));
  EXPECT_FALSE(auth_->Identify(basic).ok());
  EXPECT_TRUE(Accepted(BasicRequest("alice", "another long password")));
  // A second factor enrolled through the hub: Basic passwords are refused.
  ASSERT_TRUE(hub_->SetTotp(alice_, Base32Encode(GenerateTotpSecret())).ok());
  auto refused = auth_->Identify(BasicRequest("alice", "another long password"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().reason, "api-key-required");
}

TEST_F(PrincipalCacheTest, ChangesByOtherProcessesApplyWithinTheTimeToLive) {
  int64_t id = 0;
  Request r = KeyRequest(std::nullopt, &id);
  ASSERT_TRUE(Accepted(r));
  ASSERT_TRUE(store_->Grant({channel_, org_, true, false}).ok());  // e.g. `ecrn channel grant`
  ASSERT_TRUE(store_->RevokeApiKey(id).ok());                      // e.g. `ecrn apikey revoke`
  clock_.Advance(kTtl - 1);
  EXPECT_TRUE(Accepted(r)) << "remembered for up to the time-to-live";
  EXPECT_FALSE(Accepted(r, Freshness::kFromStore)) << "kFromStore sees the revocation";
  ASSERT_TRUE(Accepted(BasicRequest("alice", kPassword)));
  ASSERT_TRUE(store_->SetPassword(alice_, HashPassword("another long password").value()).ok());
  clock_.Advance(kTtl);
  EXPECT_FALSE(auth_->IdentifyFromCache(r));
  EXPECT_FALSE(auth_->Identify(r).ok()) << "revoked, once the time-to-live has passed";
  EXPECT_FALSE(auth_->Identify(BasicRequest("alice", kPassword)).ok());
}

TEST_F(PrincipalCacheTest, KeyUseStillReachesTheAuditLog) {
  Reopen(30 * 60 * kSecond, 10'000);  // longer than the key-use window (10 minutes)
  Request r = KeyRequest();
  ASSERT_TRUE(Accepted(r));
  EXPECT_TRUE(auth_->IdentifyFromCache(r));
  auto used = [&] {
    store::AuditQuery q;
    q.action = "apikey.used";
    return store_->ListAudit(q).value().size();
  };
  EXPECT_EQ(used(), 1u);
  clock_.Advance(11 * 60 * kSecond);
  EXPECT_FALSE(auth_->IdentifyFromCache(r)) << "this use must be recorded first";
  ASSERT_TRUE(Accepted(r));
  EXPECT_EQ(used(), 2u);
  EXPECT_TRUE(auth_->IdentifyFromCache(r));
}

TEST_F(PrincipalCacheTest, OffAtZeroAndBoundedInSize) {
  Reopen(0, 10'000);
  Request r = KeyRequest();
  ASSERT_TRUE(Accepted(r));
  int reads = Reads();
  ASSERT_TRUE(Accepted(r));
  EXPECT_GT(Reads(), reads) << "ttl 0: every use reads the store";
  EXPECT_FALSE(auth_->IdentifyFromCache(r));

  Reopen(kTtl, 2);
  std::vector<Request> keys = {KeyRequest(), KeyRequest(), KeyRequest()};
  for (const auto& k : keys) ASSERT_TRUE(Accepted(k));
  int remembered = 0;
  for (const auto& k : keys) remembered += auth_->IdentifyFromCache(k) ? 1 : 0;
  EXPECT_EQ(remembered, 2);
}

TEST_F(PrincipalCacheTest, ConcurrentUseIsSafe) {
  std::vector<Request> keys;
  for (int i = 0; i < 4; ++i) keys.push_back(KeyRequest());
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const Request& r = keys[(t + i) % keys.size()];
        if (Accepted(r) && auth_->IdentifyFromCache(r)) ++accepted;
        if (i % 10 == 0) (void)hub_->Grant({channel_, org_, i % 20 == 0, false});
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_GT(accepted, 0);
  // The last change through the hub is what every remembered caller sees.
  ASSERT_TRUE(hub_->Grant({channel_, org_, true, false}).ok());
  for (const auto& r : keys) {
    EXPECT_TRUE(policy::CanReadChannel((*auth_->Identify(r))->principal, channel_));
  }
}

}  // namespace
}  // namespace ecrn::http
