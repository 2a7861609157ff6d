#include "ecrn/http/auth.hpp"

#include <gtest/gtest.h>

#include "ecrn/core/secrets.hpp"
#include "ecrn/core/totp.hpp"
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
  auto key = GenerateApiKey();
  store::ApiKey row;
  row.user_id = alice_;
  row.prefix = key.prefix;
  row.key_hash = key.hash;
  row.read_only = true;
  row.expires = kT0 + 3600 * kSecond;
  const int64_t id = store_->AddApiKey(row).value();
  Request r = Req("POST");
  r.headers.emplace_back("Authorization", "Bearer " + key.key);
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
  forged.headers.emplace_back("Authorization", "Bearer " + key.prefix + "_" + std::string(43, 'A'));
  EXPECT_FALSE(auth_->Identify(forged).ok());
}

}  // namespace
}  // namespace ecrn::http
