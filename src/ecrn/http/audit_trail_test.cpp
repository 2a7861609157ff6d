// The hub's audit trail, in process (the routes `ecrn serve` runs over a real
// SQLite store): every audited action appends its entry with the right
// actor, target and subject; a failed append fails the request; the audit
// API shows each role what it may see; the chain the hub writes verifies.
#include "ecrn/http/audit_trail.hpp"

#include <atomic>
#include <set>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "ecrn/audit/verify.hpp"
#include "ecrn/core/secrets.hpp"
#include "ecrn/http/auth.hpp"
#include "ecrn/http/rest.hpp"
#include "ecrn/http/router.hpp"
#include "ecrn/http/taxii.hpp"
#include "ecrn/store/forwarding_store.hpp"
#include "testing/http_client.hpp"
#include "testing/testing.hpp"

namespace ecrn::http {
namespace {

namespace json = boost::json;

constexpr Micros kSecond = 1'000'000;
constexpr Micros kT0 = 1'800'000'000LL * kSecond;
constexpr char kPassword[] = "a long enough password";
constexpr char kTaxii[] = "application/taxii+json;version=2.1";

// A store whose audit appends fail while `fail_audit` is set.
class AuditFailingStore : public store::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Result<AuditEntry> AppendAudit(const AuditRecord& record) override {
    if (fail_audit) return Error{ErrorCode::kUnavailable, "the disk is full", {}};
    return ForwardingStore::AppendAudit(record);
  }
  std::atomic<bool> fail_audit{false};
};

struct Member {
  std::string name;
  int64_t id = 0;
  int64_t org = 0;
  std::string key;
};

class HubAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    inner_ = store::OpenStore(dir_.File("hub.db")).value();
    ASSERT_TRUE(inner_->Migrate().ok());
    store_ = std::make_unique<AuditFailingStore>(*inner_);
    hub_ = AddOrg("Hub", "coordinator");
    cec_ = AddOrg("CEC", "election-commission");
    cert_ = AddOrg("CERT", "cert");
    root_ = AddMember("root", hub_, "network-admin");
    cec_admin_ = AddMember("cec-admin", cec_, "org-admin");
    alice_ = AddMember("alice", cec_, "analyst", kPassword);
    bob_ = AddMember("bob", cert_, "viewer");
    cert_admin_ = AddMember("cert-admin", cert_, "org-admin");
    store::Channel ch;
    ch.name = "shared";
    ch.default_tlp = "amber";
    channel_ = store_->AddChannel(ch).value();
    channel_uuid_ = store_->FindChannel("shared")->uuid;
    ASSERT_TRUE(store_->Grant({channel_, cec_, true, true}).ok());
    ASSERT_TRUE(store_->Grant({channel_, cert_, true, false}).ok());
    ASSERT_TRUE(store_->Grant({channel_, hub_, true, false}).ok());
    auth_ = std::make_unique<Authenticator>(*store_, clock_);
    AddTaxiiRoutes(router_, *store_, *auth_, clock_, "taxii-secret");
    AddRestRoutes(router_, *store_, *auth_, clock_, "rest-secret");
  }

  int64_t AddOrg(const std::string& name, const std::string& kind) {
    store::Organisation o{0, name, kind, "TL", "", "identity--" + UuidFor(name), kT0};
    return store_->AddOrganisation(o).value();
  }
  static std::string UuidFor(const std::string& name) {
    return std::string(8 - std::min<size_t>(8, name.size()), '0') + name.substr(0, 8) +
           "-0000-4000-8000-000000000000";
  }

  Member AddMember(const std::string& name, int64_t org, const std::string& role,
                   const std::string& password = "") {
    store::User u;
    u.org_id = org;
    u.username = name;
    u.role = role;
    u.password_hash = password.empty() ? "unused" : HashPassword(password).value();
    u.created = kT0;
    Member m{name, store_->AddUser(u).value(), org, ""};
    auto key = GenerateApiKey();
    store::ApiKey k;
    k.user_id = m.id;
    k.prefix = key.prefix;
    k.key_hash = key.hash;
    k.created = kT0;
    EXPECT_TRUE(store_->AddApiKey(k).ok());
    m.key = key.key;
    return m;
  }

  Request Req(const std::string& method, const std::string& target, const std::string& body = "",
              const std::string& type = "") {
    Request r;
    r.method = method;
    r.target = target;
    r.remote_address = "192.0.2.7";
    r.request_id = "req-" + std::to_string(++requests_);
    if (target.rfind("/taxii2/", 0) == 0) r.headers.emplace_back("Accept", kTaxii);
    if (!type.empty()) r.headers.emplace_back("Content-Type", type);
    r.body = body;
    return r;
  }

  Response Call(const Member& m, const std::string& method, const std::string& target,
                const std::string& body = "", const std::string& type = "") {
    Request r = Req(method, target, body, type);
    r.headers.emplace_back("Authorization", "Bearer " + m.key);
    return router_.Handle(r);
  }

  static std::string Indicator(int n, const std::string& name) {
    char id[64];
    std::snprintf(id, sizeof id, "indicator--%08x-2222-4000-8000-%012x", n, n);
    return R"({"type":"indicator","spec_version":"2.1","id":")" + std::string(id) +
           R"(","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z",)"
           R"("name":")" +
           name + R"(","pattern":"[domain-name:value = ')" + name +
           R"(.example']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"})";
  }
  static std::string IdOf(int n) {
    char id[64];
    std::snprintf(id, sizeof id, "indicator--%08x-2222-4000-8000-%012x", n, n);
    return id;
  }

  // Shares indicator n through REST as alice (tlp, RED recipients).
  Response Share(int n, const std::string& tlp, const std::vector<int64_t>& recipients = {}) {
    std::string list;
    for (auto r : recipients) list += (list.empty() ? "" : ",") + std::to_string(r);
    return Call(alice_, "POST", "/api/v1/objects",
                R"({"channel":)" + std::to_string(channel_) + R"(,"tlp":")" + tlp +
                    R"(","red_recipients":[)" + list + R"(],"objects":[)" +
                    Indicator(n, "ind" + std::to_string(n)) + "]}",
                "application/json");
  }

  std::vector<AuditEntry> Entries(const std::string& action) {
    store::AuditQuery q;
    q.action = action;
    return store_->ListAudit(q).value();
  }
  int64_t EntryCount() { return static_cast<int64_t>(store_->ListAudit({}).value().size()); }

  static json::object Detail(const AuditEntry& e) { return json::parse(e.detail).as_object(); }

  // Every entry the audit API gives `m`, following next_cursor.
  std::vector<json::object> AuditApi(const Member& m, const std::string& filters = "",
                                     int limit = 1000) {
    std::vector<json::object> out;
    std::string target = "/api/v1/audit?limit=" + std::to_string(limit) + filters;
    for (int pages = 0; pages < 1000; ++pages) {
      auto r = Call(m, "GET", target);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      auto v = json::parse(r.body).as_object();
      for (auto& e : v["items"].as_array()) out.push_back(e.as_object());
      if (v["next_cursor"].is_null()) break;
      target = "/api/v1/audit?limit=" + std::to_string(limit) + filters +
               "&cursor=" + std::string(v["next_cursor"].as_string());
    }
    return out;
  }

  ecrn::testing::TempDir dir_;
  std::unique_ptr<store::Store> inner_;
  std::unique_ptr<AuditFailingStore> store_;
  FixedClock clock_{kT0};
  std::unique_ptr<Authenticator> auth_;
  Router router_;
  int64_t hub_ = 0, cec_ = 0, cert_ = 0, channel_ = 0;
  std::string channel_uuid_;
  Member root_, cec_admin_, alice_, bob_, cert_admin_;
  int requests_ = 0;
};

TEST_F(HubAuditTest, LoginsFailedLoginsAndLogoutAreRecorded) {
  const std::string body = R"({"username":"alice","password":"wrong password!"})";
  EXPECT_EQ(router_.Handle(Req("POST", "/api/v1/session", body, "application/json")).status, 401);
  EXPECT_EQ(router_
                .Handle(Req("POST", "/api/v1/session", R"({"username":"mallory","password":"x"})",
                            "application/json"))
                .status,
            401);
  auto failures = Entries("login.failure");
  ASSERT_EQ(failures.size(), 2u);
  const AuditEntry& f = failures[0];
  EXPECT_EQ(f.actor_label, "anonymous");
  EXPECT_FALSE(f.actor_user_id);
  EXPECT_EQ(f.target, "user:" + std::to_string(alice_.id));
  EXPECT_EQ(f.subject_org_id, std::optional<int64_t>(cec_)) << "the account's org admins see it";
  EXPECT_EQ(f.outcome, "failure");
  EXPECT_EQ(f.remote_addr, "192.0.2.7");
  EXPECT_EQ(Detail(f)["username"], "alice");
  EXPECT_EQ(Detail(f)["reason"], "bad-credentials");
  EXPECT_EQ(Detail(f)["request_id"], "req-1");
  EXPECT_EQ(failures[1].target, "") << "no such account";
  EXPECT_FALSE(failures[1].subject_org_id);
  EXPECT_EQ(Detail(failures[1])["username"], "mallory");

  auto login =
      router_.Handle(Req("POST", "/api/v1/session",
                         R"({"username":"alice","password":")" + std::string(kPassword) + R"("})",
                         "application/json"));
  ASSERT_EQ(login.status, 200) << login.body;
  auto successes = Entries("login.success");
  ASSERT_EQ(successes.size(), 1u);
  EXPECT_EQ(successes[0].actor_user_id, std::optional<int64_t>(alice_.id));
  EXPECT_EQ(successes[0].actor_org_id, std::optional<int64_t>(cec_));
  EXPECT_EQ(successes[0].actor_label, "alice");
  EXPECT_EQ(Detail(successes[0])["via"], "session");

  const std::string set_cookie(*login.Header("Set-Cookie"));
  const std::string csrf(json::parse(login.body).at("csrf_token").as_string());
  Request out = Req("DELETE", "/api/v1/session");
  out.headers.emplace_back("Cookie", set_cookie.substr(0, set_cookie.find(';')));
  out.headers.emplace_back("X-CSRF-Token", csrf);
  EXPECT_EQ(router_.Handle(out).status, 204);
  auto logouts = Entries("logout");
  ASSERT_EQ(logouts.size(), 1u);
  EXPECT_EQ(logouts[0].actor_user_id, std::optional<int64_t>(alice_.id));
  EXPECT_EQ(logouts[0].target, "user:" + std::to_string(alice_.id));
}

TEST_F(HubAuditTest, BasicPasswordLoginsAreRecordedWhenChecked) {
  Request r = Req("GET", "/api/v1/channels");
  r.headers.emplace_back("Authorization", ecrn::testing::BasicAuth("alice", "wrong password!"));
  EXPECT_EQ(router_.Handle(r).status, 401);
  ASSERT_EQ(Entries("login.failure").size(), 1u);
  EXPECT_EQ(Detail(Entries("login.failure")[0])["via"], "basic");
  Request ok = Req("GET", "/api/v1/channels");
  ok.headers.emplace_back("Authorization", ecrn::testing::BasicAuth("alice", kPassword));
  EXPECT_EQ(router_.Handle(ok).status, 200);
  EXPECT_EQ(router_.Handle(ok).status, 200) << "remembered: not checked again";
  auto successes = Entries("login.success");
  ASSERT_EQ(successes.size(), 1u);
  EXPECT_EQ(Detail(successes[0])["via"], "basic");
  EXPECT_EQ(successes[0].actor_user_id, std::optional<int64_t>(alice_.id));
}

TEST_F(HubAuditTest, ApiKeyUseIsRecordedOncePerKeyPerWindow) {
  EXPECT_EQ(Call(alice_, "GET", "/api/v1/channels").status, 200);
  EXPECT_EQ(Call(alice_, "GET", "/api/v1/objects").status, 200);
  EXPECT_EQ(Call(bob_, "GET", "/api/v1/channels").status, 200);
  auto used = Entries("apikey.used");
  ASSERT_EQ(used.size(), 2u) << "one per key";
  EXPECT_EQ(used[0].actor_user_id, std::optional<int64_t>(alice_.id));
  EXPECT_EQ(used[0].subject_org_id, std::optional<int64_t>(cec_));
  EXPECT_EQ(used[0].target.rfind("apikey:", 0), 0u);
  EXPECT_EQ(Detail(used[0])["via"], "apikey");
  EXPECT_EQ(used[1].actor_user_id, std::optional<int64_t>(bob_.id));

  clock_.Advance(AuditTrail::kDefaultKeyUseWindow);
  EXPECT_EQ(Call(alice_, "GET", "/api/v1/channels").status, 200);
  EXPECT_EQ(Entries("apikey.used").size(), 3u) << "a new window";

  // A revoked key: refused, and the refusal recorded (without an actor).
  auto keys = store_->ListApiKeys(alice_.id).value();
  ASSERT_TRUE(store_->RevokeApiKey(keys[0].id).ok());
  EXPECT_EQ(Call(alice_, "GET", "/api/v1/channels").status, 401);
  EXPECT_EQ(Call(alice_, "GET", "/api/v1/channels").status, 401);
  auto refused = Entries("login.failure");
  ASSERT_EQ(refused.size(), 1u) << "once per window";
  EXPECT_EQ(Detail(refused[0])["reason"], "apikey-revoked");
  EXPECT_FALSE(refused[0].actor_user_id);
  EXPECT_EQ(refused[0].subject_org_id, std::optional<int64_t>(cec_));

  // An unknown key is refused without growing the log.
  const int64_t before = EntryCount();
  Member stranger{"stranger", 0, 0, GenerateApiKey().key};
  EXPECT_EQ(Call(stranger, "GET", "/api/v1/channels").status, 401);
  EXPECT_EQ(EntryCount(), before);
}

TEST_F(HubAuditTest, AdministrationIsRecorded) {
  auto org = Call(root_, "POST", "/api/v1/orgs",
                  R"({"name":"Watch","kind":"civil-society","country":"tl"})", "application/json");
  ASSERT_EQ(org.status, 201) << org.body;
  const int64_t watch = json::parse(org.body).at("id").as_int64();
  auto user = Call(cec_admin_, "POST", "/api/v1/users",
                   R"({"org":)" + std::to_string(cec_) +
                       R"(,"username":"carol","role":"viewer","password":")" + kPassword + R"("})",
                   "application/json");
  ASSERT_EQ(user.status, 201) << user.body;
  const int64_t carol = json::parse(user.body).at("id").as_int64();
  auto channel = Call(root_, "POST", "/api/v1/channels", R"({"name":"ops","default_tlp":"green"})",
                      "application/json");
  ASSERT_EQ(channel.status, 201) << channel.body;
  const int64_t ops = json::parse(channel.body).at("id").as_int64();
  auto grant =
      Call(root_, "PUT",
           "/api/v1/channels/" + std::to_string(channel_) + "/members/" + std::to_string(cert_),
           R"({"can_read":true,"can_write":true})", "application/json");
  ASSERT_EQ(grant.status, 204) << grant.body;

  auto o = Entries("org.create");
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].actor_user_id, std::optional<int64_t>(root_.id));
  EXPECT_EQ(o[0].target, "org:" + std::to_string(watch));
  EXPECT_EQ(o[0].subject_org_id, std::optional<int64_t>(watch));
  EXPECT_EQ(Detail(o[0])["country"], "TL");
  auto u = Entries("user.create");
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].actor_user_id, std::optional<int64_t>(cec_admin_.id));
  EXPECT_EQ(u[0].target, "user:" + std::to_string(carol));
  EXPECT_EQ(u[0].subject_org_id, std::optional<int64_t>(cec_));
  EXPECT_EQ(Detail(u[0])["role"], "viewer");
  EXPECT_FALSE(Detail(u[0]).contains("password"));
  auto c = Entries("channel.create");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].target, "channel:" + std::to_string(ops));
  EXPECT_EQ(Detail(c[0])["default_tlp"], "green");
  auto g = Entries("membership.grant");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].target, "channel:" + std::to_string(channel_));
  EXPECT_EQ(g[0].subject_org_id, std::optional<int64_t>(cert_));
  EXPECT_EQ(Detail(g[0])["write"], true);
  EXPECT_EQ(Detail(g[0])["before"], (json::object{{"read", true}, {"write", false}}));

  // A refused change records nothing (alice's key use is in this window already).
  EXPECT_EQ(Call(alice_, "GET", "/api/v1/channels").status, 200);
  const int64_t before = EntryCount();
  EXPECT_EQ(
      Call(alice_, "POST", "/api/v1/channels", R"({"name":"nope"})", "application/json").status,
      403);
  EXPECT_EQ(Entries("channel.create").size(), 1u);
  EXPECT_EQ(EntryCount(), before);
}

TEST_F(HubAuditTest, SubmissionsDeletionsExportsAndRedReadsAreRecorded) {
  ASSERT_EQ(Share(1, "green").status, 201);
  ASSERT_EQ(Share(2, "red", {bob_.id}).status, 201);
  auto taxii_post = Call(alice_, "POST", "/taxii2/ecrn/collections/" + channel_uuid_ + "/objects/",
                         R"({"objects":[)" + Indicator(3, "ind3") + "]}", kTaxii);
  ASSERT_EQ(taxii_post.status, 202) << taxii_post.body;

  auto submits = Entries("object.submit");
  ASSERT_EQ(submits.size(), 3u);
  EXPECT_EQ(submits[0].actor_user_id, std::optional<int64_t>(alice_.id));
  EXPECT_EQ(submits[0].target, "channel:" + std::to_string(channel_));
  EXPECT_EQ(submits[0].subject_org_id, std::optional<int64_t>(cec_));
  EXPECT_EQ(Detail(submits[0])["added"], (json::array{json::value(IdOf(1))}));
  EXPECT_FALSE(Detail(submits[0]).contains("red_ids"));
  EXPECT_EQ(Detail(submits[1])["red_ids"], (json::array{json::value(IdOf(2))}));
  EXPECT_EQ(Detail(submits[2])["via"], "taxii");
  EXPECT_EQ(Detail(submits[2])["added"], (json::array{json::value(IdOf(3))}));

  // Reading GREEN is not recorded; reading RED is, on every read path.
  EXPECT_EQ(Call(bob_, "GET", "/api/v1/objects/" + IdOf(1)).status, 200);
  EXPECT_TRUE(Entries("red.read").empty());
  EXPECT_EQ(Call(bob_, "GET", "/api/v1/objects/" + IdOf(2)).status, 200);
  const std::string coll = "/taxii2/ecrn/collections/" + channel_uuid_ + "/";
  EXPECT_EQ(Call(bob_, "GET", coll + "objects/" + IdOf(2) + "/").status, 200);
  EXPECT_EQ(Call(bob_, "GET", coll + "objects/").status, 200);
  EXPECT_EQ(Call(bob_, "GET", coll + "objects/" + IdOf(2) + "/versions/").status, 200);
  EXPECT_EQ(Call(bob_, "GET", coll + "manifest/").status, 200);
  EXPECT_EQ(Call(bob_, "GET", "/api/v1/objects?q=ind2").status, 200);
  auto reads = Entries("red.read");
  std::vector<std::string> endpoints;
  for (const auto& e : reads) {
    EXPECT_EQ(e.actor_user_id, std::optional<int64_t>(bob_.id));
    EXPECT_EQ(e.subject_org_id, std::optional<int64_t>(cec_)) << "the submitter's organisation";
    EXPECT_EQ(e.target, IdOf(2));
    EXPECT_EQ(Detail(e)["red_ids"], (json::array{json::value(IdOf(2))}));
    endpoints.emplace_back(Detail(e)["endpoint"].as_string());
  }
  EXPECT_EQ(endpoints,
            (std::vector<std::string>{"rest.detail", "taxii.object", "taxii.objects",
                                      "taxii.versions", "taxii.manifest", "rest.search"}));
  // Someone who cannot read it gets 404, and nothing is recorded.
  EXPECT_EQ(Call(cert_admin_, "GET", "/api/v1/objects/" + IdOf(2)).status, 404);
  EXPECT_EQ(Entries("red.read").size(), reads.size());

  auto exported = Call(alice_, "GET", "/api/v1/export?channel=" + std::to_string(channel_));
  ASSERT_EQ(exported.status, 200);
  auto exports = Entries("export");
  ASSERT_EQ(exports.size(), 1u);
  EXPECT_EQ(exports[0].actor_user_id, std::optional<int64_t>(alice_.id));
  EXPECT_EQ(exports[0].target, "channel:" + std::to_string(channel_));
  EXPECT_EQ(Detail(exports[0])["objects"], 3);
  EXPECT_EQ(Detail(exports[0])["red_ids"], (json::array{json::value(IdOf(2))}));

  EXPECT_EQ(Call(alice_, "DELETE", coll + "objects/" + IdOf(2) + "/").status, 200);
  auto deletes = Entries("object.delete");
  ASSERT_EQ(deletes.size(), 1u);
  EXPECT_EQ(deletes[0].target, IdOf(2));
  EXPECT_EQ(deletes[0].actor_user_id, std::optional<int64_t>(alice_.id));
  EXPECT_EQ(deletes[0].subject_org_id, std::optional<int64_t>(cec_));
  EXPECT_EQ(Detail(deletes[0])["versions"], 1);
  EXPECT_EQ(Detail(deletes[0])["red_ids"], (json::array{json::value(IdOf(2))}));

  // The chain the hub wrote verifies.
  auto v = audit::VerifyAuditLog(*store_);
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_TRUE(v->intact());
  EXPECT_EQ(v->entries, EntryCount());
  EXPECT_GT(v->entries, 10);
}

TEST_F(HubAuditTest, AFailedAppendFailsTheRequest) {
  ASSERT_EQ(Share(1, "green").status, 201);
  ASSERT_EQ(Share(2, "red", {bob_.id}).status, 201);
  // Key uses recorded in this window before the failures begin.
  EXPECT_EQ(Call(bob_, "GET", "/api/v1/channels").status, 200);
  EXPECT_EQ(Call(root_, "GET", "/api/v1/channels").status, 200);
  store_->fail_audit = true;

  // Writes: the change may be stored, but never acknowledged.
  auto submit = Share(3, "green");
  EXPECT_EQ(submit.status, 503) << submit.body;
  EXPECT_NE(submit.body.find("audit log"), std::string::npos) << submit.body;
  EXPECT_EQ(submit.body.find("disk is full"), std::string::npos) << "internal detail stays inside";
  EXPECT_EQ(Call(root_, "POST", "/api/v1/orgs",
                 R"({"name":"Watch","kind":"civil-society","country":"TL"})", "application/json")
                .status,
            503);
  const std::string coll = "/taxii2/ecrn/collections/" + channel_uuid_ + "/";
  auto taxii = Call(alice_, "POST", coll + "objects/",
                    R"({"objects":[)" + Indicator(4, "ind4") + "]}", kTaxii);
  EXPECT_EQ(taxii.status, 503) << taxii.body;
  EXPECT_EQ(Call(alice_, "DELETE", coll + "objects/" + IdOf(3) + "/").status, 503);

  // Logins: no session without its entry.
  auto login =
      router_.Handle(Req("POST", "/api/v1/session",
                         R"({"username":"alice","password":")" + std::string(kPassword) + R"("})",
                         "application/json"));
  EXPECT_EQ(login.status, 503);
  EXPECT_FALSE(login.Header("Set-Cookie"));

  // Audited reads are refused rather than served unaudited; other reads go on.
  auto red = Call(bob_, "GET", "/api/v1/objects/" + IdOf(2));
  EXPECT_EQ(red.status, 503);
  EXPECT_EQ(red.body.find("ind2"), std::string::npos);
  EXPECT_EQ(Call(bob_, "GET", coll + "objects/").status, 503) << "the page holds a RED object";
  auto exported = Call(alice_, "GET", "/api/v1/export?channel=" + std::to_string(channel_));
  EXPECT_EQ(exported.status, 503);
  EXPECT_EQ(exported.body.find("ind1"), std::string::npos);
  EXPECT_EQ(Call(bob_, "GET", "/api/v1/objects/" + IdOf(1)).status, 200);

  // An unrecorded key use refuses the request (a key not yet used in this window).
  EXPECT_EQ(Call(cert_admin_, "GET", "/api/v1/channels").status, 503);

  store_->fail_audit = false;
  EXPECT_EQ(Call(cert_admin_, "GET", "/api/v1/channels").status, 200);
  auto v = audit::VerifyAuditLog(*store_);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->intact());
}

TEST_F(HubAuditTest, TheAuditApiShowsEachRoleWhatItMayRead) {
  ASSERT_EQ(Share(1, "green").status, 201);
  ASSERT_EQ(Share(2, "red", {bob_.id}).status, 201);
  ASSERT_EQ(Share(3, "red", {cert_admin_.id}).status, 201);
  EXPECT_EQ(Call(bob_, "GET", "/api/v1/objects/" + IdOf(2)).status, 200);
  EXPECT_EQ(Call(cert_admin_, "GET", "/api/v1/objects/" + IdOf(3)).status, 200);
  EXPECT_EQ(Call(root_, "POST", "/api/v1/channels", R"({"name":"ops"})", "application/json").status,
            201);

  // Analysts and viewers may not read the log.
  EXPECT_EQ(Call(alice_, "GET", "/api/v1/audit").status, 403);
  EXPECT_EQ(Call(bob_, "GET", "/api/v1/audit").status, 403);

  // The network admin reads every entry, in seq order, page by page.
  auto all = AuditApi(root_, "", 2);
  const auto stored = store_->ListAudit({}).value();
  ASSERT_EQ(all.size(), stored.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i]["seq"], stored[i].seq);
    EXPECT_EQ(all[i]["hash"], json::value(stored[i].hash));
  }

  auto seen_by = [&](const Member& m) {
    std::string text;
    for (const auto& e : AuditApi(m)) text += json::serialize(e) + "\n";
    return text;
  };
  // An org admin: only entries involving their organisation, and none that
  // names a RED object they may not read.
  auto cec = AuditApi(cec_admin_);
  ASSERT_FALSE(cec.empty());
  for (auto& e : cec) {
    const bool involved = e["actor_org_id"] == cec_ || e["subject_org_id"] == cec_;
    EXPECT_TRUE(involved) << json::serialize(e);
  }
  const std::string cec_text = seen_by(cec_admin_);
  EXPECT_NE(cec_text.find(IdOf(1)), std::string::npos) << "their organisation's GREEN share";
  EXPECT_EQ(cec_text.find(IdOf(2)), std::string::npos) << cec_text;
  EXPECT_EQ(cec_text.find(IdOf(3)), std::string::npos) << cec_text;
  EXPECT_EQ(cec_text.find("red.read"), std::string::npos) << "not even that a RED read happened";
  EXPECT_EQ(cec_text.find("channel.create"), std::string::npos) << "the hub's own change";
  // The CERT admin is a recipient of #3: they see its reads (their own), but
  // nothing of #2 (bob's read of it involves CERT, but names #2).
  const std::string cert_text = seen_by(cert_admin_);
  EXPECT_NE(cert_text.find(IdOf(3)), std::string::npos) << cert_text;
  EXPECT_EQ(cert_text.find(IdOf(2)), std::string::npos) << cert_text;
  EXPECT_NE(seen_by(root_).find(IdOf(2)), std::string::npos);

  // Filters.
  auto reads = AuditApi(root_, "&action=red.read");
  ASSERT_EQ(reads.size(), 2u);
  auto bobs = AuditApi(root_, "&action=red.read&actor=bob");
  ASSERT_EQ(bobs.size(), 1u);
  EXPECT_EQ(bobs[0]["target"], json::value(IdOf(2)));
  EXPECT_EQ(AuditApi(root_, "&actor=" + std::to_string(bob_.id) + "&action=red.read").size(), 1u);
  EXPECT_TRUE(AuditApi(root_, "&actor=nobody-by-that-name").empty());
  EXPECT_TRUE(AuditApi(root_, "&since=2099-01-01T00:00:00Z").empty());
  EXPECT_EQ(AuditApi(root_, "&since=2000-01-01T00:00:00Z").size(),
            store_->ListAudit({}).value().size());

  // Bad input is a clear 400; a cursor cannot be moved to other filters.
  EXPECT_EQ(Call(root_, "GET", "/api/v1/audit?limit=0").status, 400);
  EXPECT_EQ(Call(root_, "GET", "/api/v1/audit?since=yesterday").status, 400);
  EXPECT_EQ(Call(root_, "GET", "/api/v1/audit?colour=red").status, 400);
  auto page = json::parse(Call(root_, "GET", "/api/v1/audit?limit=1").body).as_object();
  ASSERT_TRUE(page["next_cursor"].is_string());
  const std::string cursor(page["next_cursor"].as_string());
  EXPECT_EQ(Call(root_, "GET", "/api/v1/audit?limit=1&cursor=" + cursor).status, 200);
  EXPECT_EQ(Call(root_, "GET", "/api/v1/audit?limit=1&action=export&cursor=" + cursor).status, 400);
  EXPECT_EQ(Call(cec_admin_, "GET", "/api/v1/audit?limit=1&cursor=" + cursor).status, 400);
}

}  // namespace
}  // namespace ecrn::http
