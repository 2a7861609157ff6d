// The TAXII 2.1 server over real HTTP: `ecrn serve` on port 0 over a SQLite
// network set up with the admin CLI, driven with a plain HTTP/1.1 client.
// Every endpoint, filter and status code TAXII 2.1 names, and the policy
// rules on each (hidden means 404; a next token cannot be forged, replayed
// by someone else or reused for another question).
#include <chrono>
#include <map>
#include <regex>
#include <set>
#include <string>

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/http_client.hpp"
#include "testing/testing.hpp"

namespace ecrn::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

constexpr char kTaxii[] = "application/taxii+json;version=2.1";
constexpr char kPassword[] = "correct horse battery staple";
constexpr char kGreen[] = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
constexpr char kAmber[] = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
constexpr char kRed[] = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";

// The network: CEC-A (alice analyst, dave viewer), CERT-B (bob analyst),
// Other (carol analyst). Channels: regional (A rw, B rw, Other r),
// private-b (B rw), drop-box (A write only).
class TaxiiServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = dir_->File("hub.db");
    Admin({"org", "add", "--name", "CEC-A", "--kind", "election-commission", "--country", "TL"});
    Admin({"org", "add", "--name", "CERT-B", "--kind", "cert", "--country", "TL"});
    Admin({"org", "add", "--name", "Other", "--kind", "civil-society", "--country", "XR"});
    for (auto [user, org, role] :
         {std::tuple{"alice", "CEC-A", "analyst"}, std::tuple{"dave", "CEC-A", "viewer"},
          std::tuple{"bob", "CERT-B", "analyst"}, std::tuple{"carol", "Other", "analyst"}}) {
      Admin({"user", "add", "--org", org, "--username", user, "--role", role},
            {std::string("ECRN_PASSWORD=") + kPassword});
    }
    Admin({"channel", "add", "--name", "regional", "--default-tlp", "green"});
    Admin({"channel", "add", "--name", "private-b"});
    Admin({"channel", "add", "--name", "drop-box"});
    Admin({"channel", "grant", "--channel", "regional", "--org", "CEC-A", "--read", "--write"});
    Admin({"channel", "grant", "--channel", "regional", "--org", "CERT-B", "--read", "--write"});
    Admin({"channel", "grant", "--channel", "regional", "--org", "Other", "--read"});
    Admin({"channel", "grant", "--channel", "private-b", "--org", "CERT-B", "--read", "--write"});
    Admin({"channel", "grant", "--channel", "drop-box", "--org", "CEC-A", "--write"});
    keys_ = new std::map<std::string, std::string>;
    for (auto user : {"alice", "bob", "carol", "dave"}) {
      (*keys_)[user] = Trim(Admin({"apikey", "create", "--user", user}));
    }
    (*keys_)["alice-ro"] = Trim(Admin({"apikey", "create", "--user", "alice", "--read-only"}));
    uuids_ = new std::map<std::string, std::string>;
    std::string list = Admin({"channel", "list"});
    std::regex row(R"((\d+)\t([^\t]+)\t([^\t]+)\t([0-9a-f-]{36})\t)");
    for (std::sregex_iterator it(list.begin(), list.end(), row), end; it != end; ++it) {
      (*uuids_)[(*it)[2]] = (*it)[4];
    }
    identities_ = new std::map<std::string, std::string>;
    std::string orgs = Admin({"org", "list"});
    std::regex org_row(R"(\d+\t([^\t]+)\t.*\t(identity--[0-9a-f-]{36}))");
    for (std::sregex_iterator it(orgs.begin(), orgs.end(), org_row), end; it != end; ++it) {
      (*identities_)[(*it)[1]] = (*it)[2];
    }
    server_ = new ChildProcess({EcrnBin(), "serve", "--db", db_, "--listen", "127.0.0.1:0"});
    std::string line = server_->ReadLine(120s).value_or("");
    std::smatch m;
    if (std::regex_search(line, m, std::regex(R"(:(\d+)$)"))) {
      port_ = static_cast<uint16_t>(std::stoi(m[1]));
    }
  }

  static void TearDownTestSuite() {
    delete server_;
    delete keys_;
    delete uuids_;
    delete identities_;
    delete dir_;
  }

  void SetUp() override {
    ASSERT_NE(port_, 0) << "ecrn serve did not start: " << server_->Stderr();
    ASSERT_EQ(uuids_->size(), 3u);
    ASSERT_EQ(identities_->size(), 3u);
  }

  static std::string Trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
  }

  static std::string Admin(std::vector<std::string> args, std::vector<std::string> env = {}) {
    args.insert(args.begin(), EcrnBin());
    args.push_back("--db");
    args.push_back(db_);
    auto r = ecrn::testing::Run(args, "", env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  static std::string Root() { return "/taxii2/ecrn/"; }
  static std::string Coll(const std::string& name) {
    return Root() + "collections/" + uuids_->at(name) + "/";
  }

  // A request as `user` (API key bearer); "" sends no credentials.
  HttpResponse Call(const std::string& user, const std::string& method, const std::string& target,
                    const std::string& body = "",
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    if (!user.empty()) headers.emplace_back("Authorization", "Bearer " + keys_->at(user));
    bool has_accept = false;
    for (const auto& h : headers) has_accept |= h.first == "Accept";
    if (!has_accept) headers.emplace_back("Accept", kTaxii);
    if (method == "POST") {
      bool has_type = false;
      for (const auto& h : headers) has_type |= h.first == "Content-Type";
      if (!has_type) headers.emplace_back("Content-Type", kTaxii);
    }
    auto r = client_.Request(method, target, headers, body);
    EXPECT_TRUE(r.has_value()) << method << " " << target;
    return r.value_or(HttpResponse{});
  }

  static json::value Parse(const HttpResponse& r) {
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    EXPECT_FALSE(ec) << r.body;
    return v;
  }

  // A TAXII error: the status, the media type and the error body fields.
  static void ExpectTaxiiError(const HttpResponse& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.Header("content-type"), kTaxii);
    auto v = Parse(r);
    ASSERT_TRUE(v.is_object()) << r.body;
    EXPECT_TRUE(v.as_object().contains("title"));
    EXPECT_EQ(v.as_object().at("http_status").as_string(), std::to_string(status));
  }

  static std::string Uuid(int n) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", n, n);
    return buf;
  }

  // An indicator: id from `n`, version `v` (modified = 2024-01-01T00:00:0v.000Z).
  static json::object Indicator(int n, int v = 0, const char* marking = kGreen,
                                const std::string& creator = "") {
    json::object o;
    o["type"] = "indicator";
    o["spec_version"] = "2.1";
    o["id"] = "indicator--" + Uuid(n);
    o["created"] = "2024-01-01T00:00:00.000Z";
    char modified[32];
    std::snprintf(modified, sizeof modified, "2024-01-01T00:00:%02d.000Z", v);
    o["modified"] = modified;
    o["name"] = "indicator " + std::to_string(n);
    o["pattern"] = "[domain-name:value = 'n" + std::to_string(n) + ".example']";
    o["pattern_type"] = "stix";
    o["valid_from"] = "2024-01-01T00:00:00Z";
    if (marking) o["object_marking_refs"] = json::array{json::value(marking)};
    if (!creator.empty()) o["created_by_ref"] = creator;
    return o;
  }

  static std::string Envelope(std::vector<json::object> objects) {
    json::array a;
    for (auto& o : objects) a.push_back(std::move(o));
    json::object env;
    env["objects"] = std::move(a);
    return json::serialize(env);
  }

  // POSTs and expects 202 with a complete status; returns the status.
  json::object Post(const std::string& user, const std::string& channel,
                    std::vector<json::object> objects) {
    auto r = Call(user, "POST", Coll(channel) + "objects/", Envelope(std::move(objects)));
    EXPECT_EQ(r.status, 202) << r.body;
    EXPECT_EQ(r.Header("content-type"), kTaxii);
    auto v = Parse(r);
    return v.is_object() ? v.as_object() : json::object{};
  }

  // The ids in an envelope's objects.
  static std::vector<std::string> Ids(const json::value& envelope) {
    std::vector<std::string> out;
    const auto* objects = envelope.as_object().if_contains("objects");
    if (!objects) return out;
    for (const auto& o : objects->as_array()) {
      out.emplace_back(o.as_object().at("id").as_string());
    }
    return out;
  }

  static inline TempDir* dir_ = nullptr;
  static inline std::string db_;
  static inline ChildProcess* server_ = nullptr;
  static inline uint16_t port_ = 0;
  static inline std::map<std::string, std::string>* keys_ = nullptr;
  static inline std::map<std::string, std::string>* uuids_ = nullptr;
  static inline std::map<std::string, std::string>* identities_ = nullptr;
  HttpClient client_{port_};
};

// --- discovery, API root, authentication, media types -------------------------

TEST_F(TaxiiServer, DiscoveryAndApiRoot) {
  auto d = Call("alice", "GET", "/taxii2/");
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.Header("content-type"), kTaxii);
  auto dv = Parse(d).as_object();
  EXPECT_EQ(dv.at("default").as_string(), Root());
  EXPECT_EQ(dv.at("api_roots").as_array().at(0).as_string(), Root());

  auto a = Call("alice", "GET", Root());
  ASSERT_EQ(a.status, 200) << a.body;
  auto av = Parse(a).as_object();
  EXPECT_EQ(av.at("versions").as_array().at(0).as_string(), kTaxii);
  EXPECT_GT(av.at("max_content_length").to_number<int64_t>(), 1'000'000);
  ExpectTaxiiError(Call("alice", "GET", "/taxii2/no-such-root/"), 404);
}

TEST_F(TaxiiServer, AuthenticationIsRequiredAndChallenged) {
  for (const auto& target : {std::string("/taxii2/"), Root(), Root() + "collections/"}) {
    auto r = Call("", "GET", target);
    ExpectTaxiiError(r, 401);
    EXPECT_THAT(r.Header("www-authenticate"), HasSubstr("Basic"));
  }
  auto bad_key =
      client_.Request("GET", "/taxii2/", {{"Authorization", "Bearer ecrn_AAAAAAAA_notarealkey"}});
  ASSERT_TRUE(bad_key);
  ExpectTaxiiError(*bad_key, 401);
  // HTTP Basic with the password, with an API key as the password, and wrong.
  auto basic = client_.Request("GET", Root(), {{"Authorization", BasicAuth("alice", kPassword)}});
  ASSERT_TRUE(basic);
  EXPECT_EQ(basic->status, 200) << basic->body;
  auto basic_key =
      client_.Request("GET", Root(), {{"Authorization", BasicAuth("bob", keys_->at("bob"))}});
  ASSERT_TRUE(basic_key);
  EXPECT_EQ(basic_key->status, 200) << basic_key->body;
  auto someone_elses_key =
      client_.Request("GET", Root(), {{"Authorization", BasicAuth("alice", keys_->at("bob"))}});
  ASSERT_TRUE(someone_elses_key);
  ExpectTaxiiError(*someone_elses_key, 401);
  auto wrong = client_.Request("GET", Root(), {{"Authorization", BasicAuth("dave", "wrong")}});
  ASSERT_TRUE(wrong);
  ExpectTaxiiError(*wrong, 401);
}

TEST_F(TaxiiServer, NotAcceptableAndUnsupportedMediaType) {
  ExpectTaxiiError(Call("alice", "GET", Root(), "", {{"Accept", "text/html"}}), 406);
  ExpectTaxiiError(
      Call("alice", "GET", Root(), "", {{"Accept", "application/taxii+json;version=2.0"}}), 406);
  EXPECT_EQ(Call("alice", "GET", Root(), "", {{"Accept", "application/taxii+json"}}).status, 200);
  EXPECT_EQ(Call("alice", "GET", Root(), "", {{"Accept", "*/*"}}).status, 200);
  ExpectTaxiiError(Call("alice", "POST", Coll("regional") + "objects/", Envelope({Indicator(900)}),
                        {{"Content-Type", "application/json"}}),
                   415);
  ExpectTaxiiError(Call("alice", "POST", Coll("regional") + "objects/", "{not json"), 400);
  ExpectTaxiiError(Call("alice", "POST", Coll("regional") + "objects/", R"({"type":"bundle"})"),
                   400);
}

TEST_F(TaxiiServer, BodyOverTheLimitIs413) {
  HttpClient raw(port_);
  ASSERT_TRUE(raw.Send("POST " + Coll("regional") +
                       "objects/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                       keys_->at("alice") + "\r\nContent-Type: " + kTaxii +
                       "\r\nContent-Length: 900000000\r\n\r\n"));
  auto r = raw.Receive();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

// --- collections ------------------------------------------------------------------

TEST_F(TaxiiServer, CollectionsListOnlyWhatTheCallerMaySee) {
  auto titles = [&](const std::string& user) {
    std::map<std::string, std::pair<bool, bool>> out;
    auto r = Call(user, "GET", Root() + "collections/");
    EXPECT_EQ(r.status, 200) << r.body;
    auto v = Parse(r).as_object();
    if (!v.contains("collections")) return out;
    for (const auto& c : v.at("collections").as_array()) {
      const auto& o = c.as_object();
      out[std::string(o.at("title").as_string())] = {o.at("can_read").as_bool(),
                                                     o.at("can_write").as_bool()};
      EXPECT_EQ(o.at("media_types").as_array().at(0).as_string(),
                "application/stix+json;version=2.1");
    }
    return out;
  };
  using RW = std::pair<bool, bool>;
  EXPECT_EQ(titles("alice"),
            (std::map<std::string, RW>{{"regional", {true, true}}, {"drop-box", {false, true}}}));
  EXPECT_EQ(titles("bob"),
            (std::map<std::string, RW>{{"regional", {true, true}}, {"private-b", {true, true}}}));
  EXPECT_EQ(titles("carol"), (std::map<std::string, RW>{{"regional", {true, false}}}));
  // A viewer and a read-only key never get can_write.
  EXPECT_EQ(titles("dave"),
            (std::map<std::string, RW>{{"regional", {true, false}}, {"drop-box", {false, false}}}));
  EXPECT_EQ(titles("alice-ro"),
            (std::map<std::string, RW>{{"regional", {true, false}}, {"drop-box", {false, false}}}));

  auto one = Call("alice", "GET", Coll("regional"));
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(Parse(one).as_object().at("id").as_string(), uuids_->at("regional"));
  // Hidden, unknown, and named by something other than its id: all 404.
  ExpectTaxiiError(Call("alice", "GET", Coll("private-b")), 404);
  ExpectTaxiiError(Call("alice", "GET", Root() + "collections/" + Uuid(4242) + "/"), 404);
  ExpectTaxiiError(Call("alice", "GET", Root() + "collections/regional/"), 404);
  ExpectTaxiiError(Call("alice", "GET", Root() + "collections/1/"), 404);
}

// --- objects: POST, status, GET with filters ---------------------------------------------

TEST_F(TaxiiServer, PostReportsEachObjectAndStatusIsTheSubmitters) {
  json::object bad = Indicator(101);
  bad.erase("pattern");
  auto st = Post("alice", "regional", {Indicator(100), bad, Indicator(100)});
  EXPECT_EQ(st.at("status").as_string(), "complete");
  EXPECT_EQ(st.at("total_count").to_number<int>(), 3);
  EXPECT_EQ(st.at("success_count").to_number<int>(), 2);
  EXPECT_EQ(st.at("failure_count").to_number<int>(), 1);
  EXPECT_EQ(st.at("pending_count").to_number<int>(), 0);
  const auto& failure = st.at("failures").as_array().at(0).as_object();
  EXPECT_EQ(failure.at("id").as_string(), "indicator--" + Uuid(101));
  EXPECT_THAT(std::string(failure.at("message").as_string()), HasSubstr("pattern"));
  const auto& successes = st.at("successes").as_array();
  EXPECT_EQ(successes.at(0).as_object().at("version").as_string(), "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(successes.at(1).as_object().at("message").as_string(), "already present");

  const std::string status_url = Root() + "status/" + std::string(st.at("id").as_string()) + "/";
  auto again = Call("alice", "GET", status_url);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(Parse(again).as_object().at("id"), st.at("id"));
  ExpectTaxiiError(Call("bob", "GET", status_url), 404);
  ExpectTaxiiError(Call("alice", "GET", Root() + "status/" + Uuid(77) + "/"), 404);
}

TEST_F(TaxiiServer, WritingNeedsWriteRightsAndAVisibleCollection) {
  ExpectTaxiiError(Call("carol", "POST", Coll("regional") + "objects/", Envelope({Indicator(110)})),
                   403);
  ExpectTaxiiError(Call("dave", "POST", Coll("regional") + "objects/", Envelope({Indicator(110)})),
                   403);
  ExpectTaxiiError(
      Call("alice-ro", "POST", Coll("regional") + "objects/", Envelope({Indicator(110)})), 403);
  ExpectTaxiiError(
      Call("alice", "POST", Coll("private-b") + "objects/", Envelope({Indicator(110)})), 404);
  // Write-only: posting works, reading is forbidden.
  auto st = Post("alice", "drop-box", {Indicator(111)});
  EXPECT_EQ(st.at("success_count").to_number<int>(), 1);
  ExpectTaxiiError(Call("alice", "GET", Coll("drop-box") + "objects/"), 403);
  ExpectTaxiiError(Call("alice", "GET", Coll("drop-box") + "manifest/"), 403);
}

TEST_F(TaxiiServer, ImpersonationAndForeignVersionsAreRejected) {
  auto st = Post("alice", "regional",
                 {Indicator(120, 0, kGreen, identities_->at("CERT-B")),
                  Indicator(121, 0, kGreen, identities_->at("CEC-A"))});
  EXPECT_EQ(st.at("success_count").to_number<int>(), 1);
  ASSERT_EQ(st.at("failures").as_array().size(), 1u);
  EXPECT_THAT(std::string(st.at("failures").as_array()[0].as_object().at("message").as_string()),
              HasSubstr("another member organisation"));
  // Bob may not version Alice's object.
  auto v = Post("bob", "regional", {Indicator(121, 5)});
  EXPECT_EQ(v.at("failure_count").to_number<int>(), 1);
  EXPECT_THAT(std::string(v.at("failures").as_array()[0].as_object().at("message").as_string()),
              HasSubstr("only the organisation that shared"));
}

TEST_F(TaxiiServer, RedGoesToNamedRecipientsOnlyAndIsInvisibleToOthers) {
  Post("alice", "regional", {Indicator(130, 0, kRed), Indicator(131, 0, kAmber)});
  const std::string red = "indicator--" + Uuid(130);
  // The submitter reads it; a colleague of the same organisation does not.
  EXPECT_EQ(Call("alice", "GET", Coll("regional") + "objects/" + red + "/").status, 200);
  for (auto user : {"dave", "bob", "carol"}) {
    ExpectTaxiiError(Call(user, "GET", Coll("regional") + "objects/" + red + "/"), 404);
    ExpectTaxiiError(Call(user, "GET", Coll("regional") + "objects/" + red + "/versions/"), 404);
    auto list = Call(user, "GET", Coll("regional") + "objects/?match[id]=" + red);
    EXPECT_EQ(list.status, 200);
    EXPECT_TRUE(Ids(Parse(list)).empty()) << user;
    auto manifest = Call(user, "GET", Coll("regional") + "manifest/?match[id]=" + red);
    EXPECT_EQ(manifest.body.find(red), std::string::npos) << user;
    ExpectTaxiiError(Call(user, "DELETE", Coll("regional") + "objects/" + red + "/"), 404);
  }
  EXPECT_EQ(Call("carol", "GET", Coll("regional") + "objects/indicator--" + Uuid(131) + "/").status,
            200);
}

TEST_F(TaxiiServer, VersionsAndVersionFilters) {
  Post("alice", "regional", {Indicator(140, 1), Indicator(140, 2), Indicator(140, 3)});
  const std::string obj = Coll("regional") + "objects/indicator--" + Uuid(140) + "/";
  auto versions = Call("carol", "GET", obj + "versions/");
  ASSERT_EQ(versions.status, 200) << versions.body;
  auto vv = Parse(versions).as_object();
  EXPECT_FALSE(vv.at("more").as_bool());
  std::vector<std::string> got;
  for (const auto& v : vv.at("versions").as_array()) got.emplace_back(v.as_string());
  EXPECT_THAT(got, ElementsAre("2024-01-01T00:00:01.000Z", "2024-01-01T00:00:02.000Z",
                               "2024-01-01T00:00:03.000Z"));
  EXPECT_FALSE(versions.Header("x-taxii-date-added-first").empty());
  EXPECT_FALSE(versions.Header("x-taxii-date-added-last").empty());

  auto modified_of = [&](const std::string& query) {
    std::vector<std::string> out;
    auto r = Call("carol", "GET", obj + query);
    EXPECT_EQ(r.status, 200) << query << " " << r.body;
    const json::value v = Parse(r);
    for (const auto& o : v.as_object().at("objects").as_array()) {
      out.emplace_back(o.as_object().at("modified").as_string());
    }
    return out;
  };
  EXPECT_THAT(modified_of(""), ElementsAre("2024-01-01T00:00:03.000Z"));
  EXPECT_THAT(modified_of("?match[version]=first"), ElementsAre("2024-01-01T00:00:01.000Z"));
  EXPECT_THAT(modified_of("?match[version]=first,last"),
              ElementsAre("2024-01-01T00:00:01.000Z", "2024-01-01T00:00:03.000Z"));
  EXPECT_EQ(modified_of("?match[version]=all").size(), 3u);
  EXPECT_THAT(modified_of("?match[version]=2024-01-01T00:00:02.000Z"),
              ElementsAre("2024-01-01T00:00:02.000Z"));
  EXPECT_THAT(modified_of("?match[spec_version]=2.1"), ElementsAre("2024-01-01T00:00:03.000Z"));
  // Filtered down to nothing, one object is as absent as a missing one.
  ExpectTaxiiError(Call("carol", "GET", obj + "?match[spec_version]=2.0"), 404);
  ExpectTaxiiError(Call("carol", "GET", obj + "?match[version]=yesterday"), 400);
  ExpectTaxiiError(Call("carol", "GET", Coll("regional") + "objects/indicator--" + Uuid(999) + "/"),
                   404);
}

TEST_F(TaxiiServer, ObjectFiltersAndManifest) {
  json::object note;
  note["type"] = "note";
  note["spec_version"] = "2.1";
  note["id"] = "note--" + Uuid(150);
  note["created"] = "2024-02-01T00:00:00.000Z";
  note["modified"] = "2024-02-01T00:00:00.000Z";
  note["content"] = "seen on the results site";
  note["object_refs"] = json::array{json::value("indicator--" + Uuid(151))};
  Post("bob", "private-b", {Indicator(151), note});
  const std::string objects = Coll("private-b") + "objects/";
  auto all = Call("bob", "GET", objects);
  ASSERT_EQ(all.status, 200);
  auto first_added = all.Header("x-taxii-date-added-first");
  EXPECT_THAT(Ids(Parse(all)), ElementsAre("indicator--" + Uuid(151), "note--" + Uuid(150)));
  EXPECT_THAT(Ids(Parse(Call("bob", "GET", objects + "?match[type]=note"))),
              ElementsAre("note--" + Uuid(150)));
  EXPECT_THAT(Ids(Parse(Call("bob", "GET", objects + "?match[type]=note,indicator"))).size(), 2u);
  EXPECT_THAT(Ids(Parse(Call("bob", "GET", objects + "?match[id]=note--" + Uuid(150)))),
              ElementsAre("note--" + Uuid(150)));
  EXPECT_THAT(Ids(Parse(Call("bob", "GET", objects + "?added_after=" + first_added))),
              ElementsAre("note--" + Uuid(150)));
  EXPECT_THAT(Ids(Parse(Call("bob", "GET", objects + "?match[spec_version]=2.1"))).size(), 2u);
  ExpectTaxiiError(Call("bob", "GET", objects + "?added_after=not-a-time"), 400);
  ExpectTaxiiError(Call("bob", "GET", objects + "?limit=0"), 400);
  ExpectTaxiiError(Call("bob", "GET", objects + "?limit=ten"), 400);
  ExpectTaxiiError(Call("bob", "GET", objects + "?match[colour]=red"), 400);

  auto manifest = Call("bob", "GET", Coll("private-b") + "manifest/");
  ASSERT_EQ(manifest.status, 200);
  auto items = Parse(manifest).as_object().at("objects").as_array();
  ASSERT_EQ(items.size(), 2u);
  const auto& m = items[1].as_object();
  EXPECT_EQ(m.at("id").as_string(), "note--" + Uuid(150));
  EXPECT_EQ(m.at("version").as_string(), "2024-02-01T00:00:00.000Z");
  EXPECT_EQ(m.at("media_type").as_string(), "application/stix+json;version=2.1");
  EXPECT_FALSE(m.at("date_added").as_string().empty());
  EXPECT_EQ(manifest.Header("x-taxii-date-added-first"), first_added);
}

TEST_F(TaxiiServer, PagingWalksEverythingOnceAndNextCannotBeForgedOrShared) {
  std::vector<json::object> batch;
  for (int i = 0; i < 25; ++i) batch.push_back(Indicator(200 + i));
  Post("bob", "private-b", batch);
  const std::string base = Coll("private-b") + "objects/?match[type]=indicator&limit=7";
  std::vector<std::string> seen;
  std::string next;
  int pages = 0;
  std::string first_next;
  while (true) {
    auto r = Call("bob", "GET", base + (next.empty() ? "" : "&next=" + next));
    ASSERT_EQ(r.status, 200) << r.body;
    auto v = Parse(r).as_object();
    for (auto& id : Ids(v)) seen.push_back(id);
    ++pages;
    if (!v.at("more").as_bool()) {
      EXPECT_FALSE(v.contains("next"));
      break;
    }
    next = std::string(v.at("next").as_string());
    if (first_next.empty()) first_next = next;
    ASSERT_LT(pages, 20);
  }
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "no object twice";
  for (int i = 0; i < 25; ++i) EXPECT_TRUE(unique.count("indicator--" + Uuid(200 + i))) << i;

  // Tampered, used by someone else, or for another question: 400.
  std::string tampered = first_next;
  tampered[0] = tampered[0] == 'A' ? 'B' : 'A';
  ExpectTaxiiError(Call("bob", "GET", base + "&next=" + tampered), 400);
  ExpectTaxiiError(Call("bob", "GET", base + "&next=garbage"), 400);
  ExpectTaxiiError(Call("bob", "GET",
                        Coll("private-b") + "objects/?match[type]=note&limit=7&next=" + first_next),
                   400);
  Post("bob", "regional", {Indicator(230)});
  ExpectTaxiiError(
      Call("carol", "GET",
           Coll("regional") + "objects/?match[type]=indicator&limit=7&next=" + first_next),
      400);
}

TEST_F(TaxiiServer, DeleteBelongsToTheSharingOrganisation) {
  Post("alice", "regional", {Indicator(160, 1), Indicator(160, 2)});
  const std::string obj = Coll("regional") + "objects/indicator--" + Uuid(160) + "/";
  ExpectTaxiiError(Call("bob", "DELETE", obj), 403);    // writer of the channel, other org
  ExpectTaxiiError(Call("carol", "DELETE", obj), 403);  // reader only
  auto one = Call("alice", "DELETE", obj + "?match[version]=2024-01-01T00:00:01.000Z");
  EXPECT_EQ(one.status, 200) << one.body;
  auto left = Parse(Call("alice", "GET", obj + "versions/")).as_object().at("versions").as_array();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].as_string(), "2024-01-01T00:00:02.000Z");
  EXPECT_EQ(Call("alice", "DELETE", obj).status, 200);
  ExpectTaxiiError(Call("alice", "GET", obj), 404);
  ExpectTaxiiError(Call("alice", "DELETE", obj), 404);
}

}  // namespace
}  // namespace ecrn::testing
