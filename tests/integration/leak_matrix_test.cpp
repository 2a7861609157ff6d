// The leak matrix: organisations x roles x TLP levels x every read path.
// A network of five organisations (every role in each) shares objects at
// every TLP level (and unmarked, under a channel default of AMBER and of
// RED); the expected visibility of each object to each user is computed in
// this file from the sharing rules of DESIGN.md — independently of
// `policy` — and every cell is asserted on every read path of the hub:
// TAXII objects, manifest, versions and get-by-id; REST search, detail,
// correlations, sighting counts and export; the live stream (replayed from
// Last-Event-ID and delivered live); and the audit log, which records the
// matrix's own submissions and RED reads. A RED object's id must appear in
// no response at all to a non-recipient.
//
// Incident cases (IncidentLeakMatrix): three cases of two owners, each with
// its participants, evidence, comments, a package and notifications, asked
// for by every user on every route of the Incidents tag of openapi.json (a
// route without a row fails the test): a caller whose organisation takes no
// part gets what a case that does not exist gets, and their lists, filters,
// packages and notifications never name it.
//
// The hub runs in process (the same Router `ecrn serve` runs, over a real
// SQLite store), so the ~3,000 requests take seconds; the HTTP layer itself
// is covered by taxii_test.cpp.
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "ecrn/core/secrets.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/core/uuid.hpp"
#include "ecrn/http/auth.hpp"
#include "ecrn/http/openapi.hpp"
#include "ecrn/http/rest.hpp"
#include "ecrn/http/router.hpp"
#include "ecrn/http/stream.hpp"
#include "ecrn/http/taxii.hpp"
#include "ecrn/notify/object_events.hpp"
#include "ecrn/stix/tlp.hpp"
#include "ecrn/store/rights_watching_store.hpp"
#include "ecrn/store/store.hpp"
#include "integration/sighting_alerts_cases.hpp"
#include "testing/testing.hpp"

namespace ecrn::testing {
namespace {

namespace json = boost::json;

constexpr char kTaxiiType[] = "application/taxii+json;version=2.1";

struct Org {
  std::string name;
  std::string kind;
  int64_t id = 0;
  std::string identity;
};

struct User {
  std::string name;
  std::string org;
  std::string role;
  int64_t id = 0;
  std::string key;
};

struct Channel {
  std::string name;
  std::string default_tlp;
  std::map<std::string, std::pair<bool, bool>> members;  // org -> read, write
  int64_t id = 0;
  std::string uuid;
};

// One shared object and who should see it.
struct Shared {
  std::string id;
  std::string name;
  std::string channel;
  std::string tlp;                      // "" = unmarked (the channel default applies)
  std::vector<std::string> recipients;  // named RED recipients besides the submitter
  std::string submitter = "cec-analyst";
  std::string extra;  // extra JSON properties
  std::string type = "indicator";
};

class LeakMatrix : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::OpenStore(dir_.File("hub.db")).value();
    ASSERT_TRUE(store_->Migrate().ok());
    orgs_ = {{"Hub", "coordinator"},
             {"CEC", "election-commission"},
             {"CERT", "cert"},
             {"Watch", "civil-society"},
             {"Police", "law-enforcement"}};
    for (auto& o : orgs_) AddOrgUsers(o);
    AddUser({"hub-network-admin", "Hub", "network-admin"});
    channels_ = {
        {"shared",
         "amber",
         {{"Hub", {true, true}},
          {"CEC", {true, true}},
          {"CERT", {true, true}},
          {"Watch", {true, false}}}},
        {"redroom", "red", {{"CEC", {true, true}}, {"CERT", {true, false}}}},
        {"cert-only", "green", {{"CERT", {true, true}}}},
        {"drop", "amber", {{"Watch", {false, true}}, {"CEC", {true, true}}}},
    };
    for (auto& c : channels_) {
      store::Channel row;
      row.name = c.name;
      row.default_tlp = c.default_tlp;
      c.id = store_->AddChannel(row).value();
      c.uuid = store_->FindChannel(c.name)->uuid;
      for (const auto& [org, rw] : c.members) {
        ASSERT_TRUE(store_->Grant({c.id, OrgNamed(org).id, rw.first, rw.second}).ok());
      }
    }

    // As `ecrn serve` wires it: with the principal cache, so every read
    // below after a user's first is made with a remembered principal.
    hub_store_ = std::make_unique<store::RightsWatchingStore>(*store_);
    http::AuthOptions auth_options;
    auth_options.principal_cache_ttl = 10LL * 60 * 1'000'000;
    auth_ = std::make_unique<http::Authenticator>(*hub_store_, clock_, auth_options);
    http::AddTaxiiRoutes(router_, *hub_store_, *auth_, clock_, "taxii-secret");
    http::AddRestRoutes(router_, *hub_store_, *auth_, clock_, "rest-secret");

    // Every TLP level, unmarked under two defaults, RED to a named
    // recipient in another organisation, a write-only channel, and sightings
    // of the anchor object by three organisations at several levels and in
    // two channels (seen now, so they count for the 24-hour alert).
    objects_ = {
        {Id(1), "leak-clear", "shared", "clear"},
        {Id(2), "leak-green", "shared", "green"},
        {Id(3), "leak-amber", "shared", "amber"},
        {Id(4), "leak-amber-strict", "shared", "amber+strict"},
        {Id(5), "leak-red", "shared", "red", {"cert-viewer"}},
        {Id(12), "leak-red-admin", "shared", "red", {"cert-org-admin"}},
        {Id(6), "leak-unmarked", "shared", ""},
        {Id(7), "leak-red-default", "redroom", ""},
        {Id(8), "leak-cert", "cert-only", "green", {}, "cert-analyst"},
        {Id(9), "leak-drop", "drop", "green", {}, "watch-analyst"},
        Sighting(10, "shared", "green", "cec-analyst", 2),
        Sighting(11, "shared", "red", "cec-analyst", 5),
        Sighting(13, "cert-only", "green", "cert-analyst", 3),
        Sighting(14, "shared", "red", "hub-analyst", 4, {"cert-viewer"}),
    };
    for (const auto& o : objects_) Publish(o);
  }

  // Stores organisation `o` (its id and identity filled in) with one user of
  // each organisation role.
  void AddOrgUsers(Org& o) {
    store::Organisation row;
    row.name = o.name;
    row.kind = o.kind;
    row.country = "TL";
    row.identity_id = "identity--" + UuidV4();
    o.identity = row.identity_id;
    o.id = store_->AddOrganisation(row).value();
    for (std::string role : {"org-admin", "analyst", "liaison", "viewer"}) {
      AddUser({Lower(o.name) + "-" + role, o.name, role});
    }
  }
  // Stores user `u` with an API key and adds it to users_.
  void AddUser(User u) {
    store::User row;
    row.org_id = OrgNamed(u.org).id;
    row.username = u.name;
    row.role = u.role;
    row.password_hash = "unused";
    u.id = store_->AddUser(row).value();
    auto key = GenerateApiKey();
    store::ApiKey k;
    k.user_id = u.id;
    k.prefix = key.prefix;
    k.key_hash = key.hash;
    ASSERT_TRUE(store_->AddApiKey(k).ok());
    u.key = key.key;
    users_.push_back(std::move(u));
  }

  static std::string Lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  static std::string Uuid(int n) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-1111-4000-8000-%012x", n, n);
    return buf;
  }
  static std::string Id(int n) { return "indicator--" + Uuid(n); }

  // A sighting of the anchor (Id(1)) by `submitter`'s organisation, seen
  // `count` times until now.
  Shared Sighting(int n, std::string channel, std::string tlp, std::string submitter, int count,
                  std::vector<std::string> recipients = {}) const {
    Shared s{"sighting--" + Uuid(n), "", std::move(channel), std::move(tlp), std::move(recipients),
             std::move(submitter)};
    s.type = "sighting";
    s.extra = R"("sighting_of_ref":")" + Id(1) + R"(","count":)" + std::to_string(count) +
              R"(,"last_seen":")" + FormatTimestamp(SystemClock().Now(), 3) + "\"";
    return s;
  }
  static int64_t CountOf(const Shared& sighting) {
    std::smatch m;
    std::regex_search(sighting.extra, m, std::regex(R"("count":(\d+))"));
    return m.size() > 1 ? std::stoll(m[1]) : 1;
  }
  // The organisations whose sightings of `anchor` user `u` may read: the
  // sighting counts for the organisation that shared it.
  std::set<std::string> SightingOrgsFor(const User& u, const std::string& anchor,
                                        const std::vector<Shared>& objects) const {
    std::set<std::string> orgs;
    for (const auto& o : objects) {
      if (o.type == "sighting" && o.extra.find(anchor) != std::string::npos && Expected(u, o)) {
        orgs.insert(UserNamed(o.submitter).org);
      }
    }
    return orgs;
  }
  static std::set<std::string> NamesIn(const json::value& orgs) {
    std::set<std::string> out;
    for (const auto& o : orgs.as_array()) out.emplace(o.as_object().at("name").as_string());
    return out;
  }

  const Org& OrgNamed(const std::string& name) const {
    for (const auto& o : orgs_) {
      if (o.name == name) return o;
    }
    throw std::runtime_error("no org " + name);
  }
  const User& UserNamed(const std::string& name) const {
    for (const auto& u : users_) {
      if (u.name == name) return u;
    }
    throw std::runtime_error("no user " + name);
  }
  const Channel& ChannelNamed(const std::string& name) const {
    for (const auto& c : channels_) {
      if (c.name == name) return c;
    }
    throw std::runtime_error("no channel " + name);
  }

  // The rules of DESIGN.md, written out here on their own: readers of the
  // channel see CLEAR..AMBER+STRICT; RED only the submitter and the named
  // recipients (who must read the channel too); unmarked = channel default.
  bool Expected(const User& u, const Shared& o) const {
    const Channel& c = ChannelNamed(o.channel);
    auto m = c.members.find(u.org);
    if (m == c.members.end() || !m->second.first) return false;
    const std::string level = o.tlp.empty() ? c.default_tlp : o.tlp;
    if (level != "red") return true;
    if (u.name == o.submitter) return true;
    for (const auto& r : o.recipients) {
      if (r == u.name) return true;
    }
    return false;
  }

  http::Response Call(const User& u, const std::string& method, const std::string& target,
                      const std::string& body = "", const std::string& type = "") {
    return router_.Handle(Req(u, method, target, body, type));
  }

  static http::Request Req(const User& u, const std::string& method, const std::string& target,
                           const std::string& body = "", const std::string& type = "") {
    http::Request r;
    r.method = method;
    r.target = target;
    r.headers.emplace_back("Authorization", "Bearer " + u.key);
    if (target.rfind("/taxii2/", 0) == 0) r.headers.emplace_back("Accept", kTaxiiType);
    if (!type.empty()) r.headers.emplace_back("Content-Type", type);
    r.body = body;
    return r;
  }

  void Publish(const Shared& o) {
    std::string json =
        R"({"type":")" + o.type + R"(","spec_version":"2.1","id":")" + o.id +
        R"(","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z")";
    if (o.type == "indicator") {
      // Each names its own domain and the shared one (for correlations).
      json += R"(,"name":")" + o.name + R"(","pattern":"[domain-name:value = ')" + o.name +
              R"(.example'] OR [domain-name:value = 'shared.example']","pattern_type":"stix",)"
              R"("valid_from":"2024-01-01T00:00:00Z")";
    }
    if (!o.extra.empty()) json += "," + o.extra;
    json += "}";
    std::string recipients;
    for (const auto& r : o.recipients) {
      recipients += (recipients.empty() ? "" : ",") + std::to_string(UserNamed(r).id);
    }
    std::string body = R"({"channel":)" + std::to_string(ChannelNamed(o.channel).id) +
                       (o.tlp.empty() ? "" : R"(,"tlp":")" + o.tlp + "\"") +
                       R"(,"red_recipients":[)" + recipients + R"(],"objects":[)" + json + "]}";
    auto r = Call(UserNamed(o.submitter), "POST", "/api/v1/objects", body, "application/json");
    ASSERT_EQ(r.status, 201) << o.id << " " << r.body;
    ASSERT_NE(r.body.find("\"added\""), std::string::npos) << r.body;
  }

  static json::value Parse(const http::Response& r) {
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    return ec ? json::value() : v;
  }

  static std::set<std::string> IdsIn(const json::value& v, std::string_view list_key,
                                     std::string_view id_key = "id") {
    std::set<std::string> out;
    if (!v.is_object()) return out;
    const auto* list = v.as_object().if_contains(list_key);
    if (!list || !list->is_array()) return out;
    for (const auto& e : list->as_array()) {
      if (e.is_object() && e.as_object().contains(id_key)) {
        out.emplace(e.as_object().at(id_key).as_string());
      }
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  SystemClock clock_;
  std::unique_ptr<store::RightsWatchingStore> hub_store_;
  std::unique_ptr<http::Authenticator> auth_;
  http::Router router_;
  std::vector<Org> orgs_;
  std::vector<User> users_;
  std::vector<Channel> channels_;
  std::vector<Shared> objects_;
};

TEST_F(LeakMatrix, EveryUserEveryObjectEveryReadPath) {
  int cells = 0, visible_cells = 0;
  int alerted_users = 0, unalerted_readers = 0;
  for (const auto& u : users_) {
    // Discovery and the API root: the answer given on the I/O thread (from
    // the principal cache) is the worker pool's answer.
    for (const std::string target : {"/taxii2/", "/taxii2/ecrn/"}) {
      http::Response full = Call(u, "GET", target);
      ASSERT_EQ(full.status, 200) << u.name << " " << target;
      auto quick = router_.TryQuick(Req(u, "GET", target));
      ASSERT_TRUE(quick) << u.name << " " << target;
      EXPECT_EQ(quick->status, full.status);
      EXPECT_EQ(quick->body, full.body);
      EXPECT_EQ(quick->Header("Content-Type"), full.Header("Content-Type"));
    }
    // What this user's collection-wide reads return, per channel.
    std::map<std::string, std::string> objects_body, manifest_body, export_body;
    std::map<std::string, int> objects_status;
    for (const auto& c : channels_) {
      const std::string coll = "/taxii2/ecrn/collections/" + c.uuid + "/";
      auto list = Call(u, "GET", coll + "objects/?limit=1000");
      objects_status[c.name] = list.status;
      objects_body[c.name] = list.body;
      manifest_body[c.name] = Call(u, "GET", coll + "manifest/").body;
      export_body[c.name] = Call(u, "GET", "/api/v1/export?channel=" + std::to_string(c.id)).body;
    }
    const std::string search_all = Call(u, "GET", "/api/v1/objects?limit=1000").body;

    for (const auto& o : objects_) {
      SCOPED_TRACE(u.name + " / " + o.id + " (" + o.channel + ", tlp '" + o.tlp + "')");
      const bool want = Expected(u, o);
      const Channel& c = ChannelNamed(o.channel);
      const std::string coll = "/taxii2/ecrn/collections/" + c.uuid + "/";
      ++cells;
      visible_cells += want ? 1 : 0;

      // TAXII: get by id, versions, objects list, manifest.
      auto by_id = Call(u, "GET", coll + "objects/" + o.id + "/");
      auto versions = Call(u, "GET", coll + "objects/" + o.id + "/versions/");
      if (want) {
        EXPECT_EQ(by_id.status, 200) << by_id.body;
        EXPECT_EQ(versions.status, 200) << versions.body;
        EXPECT_EQ(objects_status[o.channel], 200);
        EXPECT_NE(objects_body[o.channel].find(o.id), std::string::npos);
        EXPECT_NE(manifest_body[o.channel].find(o.id), std::string::npos);
      } else {
        // Hidden means 404 (403 only where the collection itself is visible
        // but not readable, which says nothing about the object).
        EXPECT_TRUE(by_id.status == 404 || by_id.status == 403) << by_id.status;
        EXPECT_TRUE(versions.status == 404 || versions.status == 403) << versions.status;
        EXPECT_EQ(by_id.body.find(o.id), std::string::npos);
        EXPECT_EQ(objects_body[o.channel].find(o.id), std::string::npos);
        EXPECT_EQ(manifest_body[o.channel].find(o.id), std::string::npos);
      }

      // REST: search (all, by name, by TLP, by observable), detail, export.
      auto by_name = Call(u, "GET", "/api/v1/objects?q=" + (o.name.empty() ? o.id : o.name));
      auto detail = Call(u, "GET", "/api/v1/objects/" + o.id);
      const bool in_search = IdsIn(Parse(by_name), "items").count(o.id) > 0;
      if (want) {
        EXPECT_NE(search_all.find(o.id), std::string::npos);
        if (!o.name.empty()) {
          EXPECT_TRUE(in_search) << by_name.body;
        }
        EXPECT_EQ(detail.status, 200) << detail.body;
        EXPECT_NE(export_body[o.channel].find(o.id), std::string::npos);
      } else {
        EXPECT_EQ(search_all.find(o.id), std::string::npos);
        EXPECT_FALSE(in_search);
        EXPECT_EQ(detail.status, 404) << detail.body;
        EXPECT_EQ(detail.body.find(o.id), std::string::npos);
        EXPECT_EQ(export_body[o.channel].find(o.id), std::string::npos);
      }
      // A TLP facet never reveals a hidden object either.
      const std::string level = o.tlp.empty() ? c.default_tlp : o.tlp;
      const std::string level_param = level == "amber+strict" ? "amber%2Bstrict" : level;
      auto by_tlp = Call(u, "GET", "/api/v1/objects?limit=1000&tlp=" + level_param);
      EXPECT_EQ(IdsIn(Parse(by_tlp), "items").count(o.id) > 0, want) << by_tlp.body;
      if (!o.name.empty()) {
        auto by_value = Call(u, "GET", "/api/v1/objects?observable=" + o.name + ".example");
        EXPECT_EQ(IdsIn(Parse(by_value), "items").count(o.id) > 0, want) << by_value.body;
      }

      // Correlations ("shared.example also appears in ...") list exactly the
      // other indicators this user may read.
      if (want && o.type == "indicator") {
        std::set<std::string> expected_others;
        for (const auto& other : objects_) {
          if (other.type == "indicator" && other.id != o.id && Expected(u, other)) {
            expected_others.insert(other.id);
          }
        }
        std::set<std::string> got;
        auto v = Parse(detail);
        for (const auto& corr : v.as_object().at("correlations").as_array()) {
          if (corr.as_object().at("value").as_string() != "shared.example") continue;
          got = IdsIn(corr, "objects");
        }
        EXPECT_EQ(got, expected_others);
      }
    }

    // Sighting counts, organisations and alerts about the anchor: only from
    // the sightings the user may read; an organisation whose sightings the
    // user may not read is named nowhere.
    const Shared& anchor = objects_[0];
    const std::set<std::string> orgs = SightingOrgsFor(u, anchor.id, objects_);
    auto alerts = Call(u, "GET", "/api/v1/alerts");
    ASSERT_EQ(alerts.status, 200) << alerts.body;
    const auto alert_items = Parse(alerts).as_object().at("items").as_array();
    if (Expected(u, anchor)) {
      int64_t expected = 0, readable = 0;
      for (const auto& o : objects_) {
        if (o.type != "sighting" || !Expected(u, o)) continue;
        expected += CountOf(o);
        ++readable;
      }
      auto v = Parse(Call(u, "GET", "/api/v1/objects/" + anchor.id));
      const auto& agg = v.as_object().at("sightings").as_object();
      EXPECT_EQ(agg.at("count").as_int64(), expected) << u.name;
      EXPECT_EQ(agg.at("sightings").as_int64(), readable) << u.name;
      EXPECT_EQ(NamesIn(agg.at("organisations")), orgs) << u.name;
      EXPECT_EQ(agg.at("organisations_last_24h").as_int64(), static_cast<int64_t>(orgs.size()));
      for (const auto& org : orgs_) {
        if (orgs.count(org.name)) continue;
        EXPECT_EQ(json::serialize(agg).find(org.identity), std::string::npos)
            << u.name << " learns of " << org.name;
      }
      if (orgs.size() >= 2) {
        ASSERT_EQ(alert_items.size(), 1u) << u.name << " " << alerts.body;
        EXPECT_EQ(alert_items[0].at("object").at("id").as_string(), anchor.id);
        EXPECT_EQ(NamesIn(alert_items[0].at("organisations")), orgs) << u.name;
        ++alerted_users;
      } else {
        EXPECT_TRUE(alert_items.empty()) << u.name << " " << alerts.body;
        ++unalerted_readers;
      }
    } else {
      EXPECT_TRUE(alert_items.empty()) << u.name << " " << alerts.body;
    }
    for (const auto& org : orgs_) {
      if (orgs.count(org.name) && Expected(u, anchor)) continue;
      EXPECT_EQ(alerts.body.find(org.identity), std::string::npos)
          << u.name << " learns of " << org.name;
    }
    for (const auto& o : objects_) {
      if (!Expected(u, o)) {
        EXPECT_EQ(alerts.body.find(o.id), std::string::npos) << u.name;
      }
    }
  }
  // The matrix is not vacuous: both kinds of cells occur, in volume.
  EXPECT_EQ(cells, static_cast<int>(users_.size() * objects_.size()));
  EXPECT_GT(visible_cells, 40);
  EXPECT_GT(cells - visible_cells, 100);
  // Readers of the anchor with and without the multi-organisation alert.
  EXPECT_GT(alerted_users, 3);
  EXPECT_GT(unalerted_readers, 3);
}

// A stream writer that keeps what it is given (the server's part in-process).
class CollectingWriter : public http::StreamWriter {
 public:
  bool Write(std::string chunk) override {
    std::lock_guard lock(mu_);
    text_ += chunk;
    return open_;
  }
  void Close() override {
    std::lock_guard lock(mu_);
    open_ = false;
  }
  bool IsOpen() const override {
    std::lock_guard lock(mu_);
    return open_;
  }
  std::string Text() const {
    std::lock_guard lock(mu_);
    return text_;
  }

 private:
  mutable std::mutex mu_;
  std::string text_;
  bool open_ = true;
};

// The ids of the "object" events in SSE text.
std::set<std::string> StreamIds(const std::string& text) {
  std::set<std::string> out;
  size_t pos = 0;
  while ((pos = text.find("\ndata: ", pos)) != std::string::npos) {
    pos += 7;
    const size_t end = text.find('\n', pos);
    boost::system::error_code ec;
    auto v = json::parse(text.substr(pos, end - pos), ec);
    if (!ec && v.is_object() && v.as_object().contains("id")) {
      out.emplace(v.as_object().at("id").as_string());
    }
  }
  return out;
}

TEST_F(LeakMatrix, LiveStreamReplayAndDeliveryFollowThePolicy) {
  notify::ObjectEvents events(*store_);
  http::AddStreamRoute(router_, *store_, *auth_, events);

  // Replay from the beginning (Last-Event-ID 0): what was shared before.
  std::map<std::string, std::shared_ptr<CollectingWriter>> live;
  for (const auto& u : users_) {
    http::Request r;
    r.method = "GET";
    r.target = "/api/v1/stream";
    r.headers.emplace_back("Authorization", "Bearer " + u.key);
    r.headers.emplace_back("Last-Event-ID", "0");
    http::Response resp = router_.Handle(r);
    ASSERT_EQ(resp.status, 200) << u.name << " " << resp.body;
    ASSERT_TRUE(resp.stream) << u.name;
    std::set<std::string> expected;
    for (const auto& o : objects_) {
      if (Expected(u, o)) expected.insert(o.id);
      if (!Expected(u, o)) {
        EXPECT_EQ(resp.body.find(o.id), std::string::npos) << u.name << " replay: " << o.id;
      }
    }
    EXPECT_EQ(StreamIds(resp.body), expected) << u.name << " replay";
    auto writer = std::make_shared<CollectingWriter>();
    resp.stream(writer);
    live[u.name] = writer;
  }

  // Live. The bus starts following the database on its own thread: CLEAR
  // warm-up objects until the network admin receives one show it does.
  const auto& admin = live.at("hub-network-admin");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto wait_for = [&](const std::string& id, std::chrono::milliseconds at_most) {
    const auto until = std::min(deadline, std::chrono::steady_clock::now() + at_most);
    while (admin->Text().find(id) == std::string::npos &&
           std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return admin->Text().find(id) != std::string::npos;
  };
  std::set<std::string> warm_up;
  for (int i = 0; std::chrono::steady_clock::now() < deadline; ++i) {
    const Shared w{"indicator--" + Uuid(200 + i), "leak-warm-up", "shared", "clear"};
    warm_up.insert(w.id);
    Publish(w);
    if (wait_for(w.id, std::chrono::seconds(2))) break;
  }
  // Then the same sharing again under new ids, and a CLEAR sentinel. The bus
  // hands each version to every subscriber in turn, so once the admin has
  // the sentinel everyone has been handed everything before it.
  std::vector<Shared> again;
  const std::string again_anchor = "indicator--" + Uuid(1).replace(8, 6, "-2222-");
  for (auto o : objects_) {
    o.id.replace(o.id.find("-1111-"), 6, "-2222-");
    if (auto at = o.extra.find(Id(1)); at != std::string::npos) {
      o.extra.replace(at, Id(1).size(), again_anchor);
    }
    again.push_back(o);
    Publish(o);
  }
  const Shared sentinel{"indicator--" + Uuid(99), "leak-sentinel", "shared", "clear"};
  Publish(sentinel);
  ASSERT_TRUE(wait_for(sentinel.id, std::chrono::seconds(60))) << "the sentinel never arrived";
  int delivered = 0, alerts = 0;
  for (const auto& u : users_) {
    const std::string text = live.at(u.name)->Text();
    std::set<std::string> expected;
    for (const auto& o : again) {
      if (Expected(u, o)) expected.insert(o.id);
      if (!Expected(u, o)) {
        EXPECT_EQ(text.find(o.id), std::string::npos) << u.name << " live: " << o.id;
      }
    }
    if (Expected(u, sentinel)) expected.insert(sentinel.id);
    std::set<std::string> got = StreamIds(text);
    for (const auto& w : warm_up) {
      if (!Expected(u, sentinel)) {
        EXPECT_FALSE(got.count(w)) << u.name << " cannot read the warm-up's channel";
      }
      got.erase(w);
    }
    EXPECT_EQ(got, expected) << u.name << " live";
    delivered += static_cast<int>(expected.size());

    // Alerts about the new anchor. The organisations the user may read
    // sightings of (the rule written out here on its own): two or more
    // make at least one alert, fewer none; the alerts a stream sends grow
    // in N (none repeats) and end at that number, since N counts every
    // readable sighting stored when the arrival is handed out (the bus may
    // hand out a sighting after later ones are stored); an alert never
    // names an organisation or counts a sighting the user may not read.
    std::set<std::string> orgs;
    for (const auto& o : again) {
      if (o.type == "sighting" && Expected(u, o) && Expected(u, again.front())) {
        orgs.insert(UserNamed(o.submitter).org);
      }
    }
    int64_t count = 0;
    for (const auto& o : again) {
      if (o.type == "sighting" && Expected(u, o)) count += CountOf(o);
    }
    std::vector<int64_t> got_alerts;
    json::object last;
    for (const auto& a : sightings::AlertEvents(text)) {
      EXPECT_EQ(a.at("object").at("id").as_string(), again_anchor) << u.name;
      const int64_t n = a.at("organisation_count").as_int64();
      EXPECT_GE(n, 2);
      if (!got_alerts.empty()) {
        EXPECT_GT(n, got_alerts.back()) << u.name << " repeats an alert";
      }
      got_alerts.push_back(n);
      EXPECT_EQ(NamesIn(a.at("organisations")).size(), static_cast<size_t>(n));
      for (const auto& name : NamesIn(a.at("organisations"))) {
        EXPECT_TRUE(orgs.count(name)) << u.name << " learns of " << name;
      }
      last = a;
    }
    if (orgs.size() >= 2) {
      ASSERT_FALSE(got_alerts.empty()) << u.name << " got no alert";
      EXPECT_EQ(NamesIn(last.at("organisations")), orgs) << u.name;
      EXPECT_LE(last.at("count").as_int64(), count) << u.name;
      alerts += 1;
    } else {
      EXPECT_TRUE(got_alerts.empty()) << u.name << " got an alert for " << orgs.size();
    }
  }
  EXPECT_GT(delivered, 40);
  EXPECT_GT(alerts, 3);
}

TEST_F(LeakMatrix, AuditLogShowsEachUserOnlyWhatTheirRoleMayRead) {
  // Reads that the log records (RED reads by their recipients), by everyone.
  for (const auto& u : users_) {
    for (const auto& c : channels_) {
      Call(u, "GET", "/taxii2/ecrn/collections/" + c.uuid + "/objects/");
    }
    for (const auto& o : objects_) Call(u, "GET", "/api/v1/objects/" + o.id);
  }
  // The rules, written out here: network admins read everything; org admins
  // the entries whose actor or subject organisation is theirs, unless the
  // entry names a RED object (anywhere in it) that they may not read; no one
  // else reads the log.
  auto may_see = [&](const User& u, const AuditEntry& e) {
    if (u.role == "network-admin") return true;
    if (u.role != "org-admin") return false;
    const int64_t org = OrgNamed(u.org).id;
    if (e.actor_org_id != org && e.subject_org_id != org) return false;
    for (const auto& o : objects_) {
      const std::string level = o.tlp.empty() ? ChannelNamed(o.channel).default_tlp : o.tlp;
      const bool named =
          e.target.find(o.id) != std::string::npos || e.detail.find(o.id) != std::string::npos;
      if (named && level == "red" && !Expected(u, o)) return false;
    }
    return true;
  };
  int shown = 0, hidden = 0;
  for (const auto& u : users_) {
    SCOPED_TRACE(u.name);
    // Entries up to here are what the answer must match (the request itself
    // may add this user's key use).
    const auto stored = store_->ListAudit({}).value();
    ASSERT_FALSE(stored.empty());
    const int64_t bound = stored.back().seq;
    std::string target = "/api/v1/audit?limit=50";
    std::vector<int64_t> got;
    std::string text;
    int status = 0;
    for (int page = 0; page < 10'000; ++page) {
      auto r = Call(u, "GET", target);
      status = r.status;
      if (r.status != 200) break;
      text += r.body;
      auto v = Parse(r).as_object();
      for (const auto& e : v.at("items").as_array()) {
        const int64_t seq = e.as_object().at("seq").as_int64();
        if (seq <= bound) got.push_back(seq);
      }
      if (v.at("next_cursor").is_null()) break;
      target = "/api/v1/audit?limit=50&cursor=" + std::string(v.at("next_cursor").as_string());
    }
    std::vector<int64_t> want;
    for (const auto& e : stored) {
      if (may_see(u, e)) {
        want.push_back(e.seq);
        ++shown;
      } else {
        ++hidden;
      }
    }
    if (u.role != "network-admin" && u.role != "org-admin") {
      EXPECT_EQ(status, 403);
      continue;
    }
    EXPECT_EQ(status, 200);
    EXPECT_EQ(got, want);
    if (u.role == "network-admin") continue;  // reads every entry, RED ids included
    for (const auto& o : objects_) {
      const std::string level = o.tlp.empty() ? ChannelNamed(o.channel).default_tlp : o.tlp;
      if (level == "red" && !Expected(u, o)) {
        EXPECT_EQ(text.find(o.id), std::string::npos) << o.id;
      }
    }
  }
  // Not vacuous: RED reads were recorded, and entries were both shown and
  // withheld.
  store::AuditQuery q;
  q.action = "red.read";
  EXPECT_GE(store_->ListAudit(q).value().size(), 4u);
  EXPECT_GT(shown, 20);
  EXPECT_GT(hidden, 100);
}

// --- incidents ---------------------------------------------------------------------
//
// Cases are not shared through channels: a case belongs to the organisation
// that reported it and is seen only by it and the organisations it invited
// (docs/incidents.md). Who may do what, written out here on its own, from
// that page's table, independently of `policy`.

// One incident case of the matrix.
struct MatrixCase {
  std::string title;
  std::string owner;  // organisation; reported by its analyst
  std::string tlp;
  std::string category;
  std::string severity;
  std::vector<std::pair<std::string, std::string>> participants;  // organisation, role
  std::string recipient;  // of its crime-report package ("": none)
  bool acknowledge = false;
  std::vector<std::string> links;  // intel objects linked to it
  bool share = false;              // publish its first link and ask for assistance in "shared"
  // Filled in as it is built.
  std::string stix_id;
  std::string num;
  std::string status = "reported";
  std::vector<std::string> evidence;  // uuids
  std::string package;                // uuid
  std::string bundle;                 // its STIX export
};

// A route of the Incidents tag and what it must show each user; a route the
// matrix cannot probe says why instead.
struct IncidentRoute {
  std::string method;
  std::string path;  // the template, as in openapi.json
  std::function<void(const User&)> check;
  std::string not_probed;  // why, when there is no check
};

constexpr char kMissingCase[] = "incident--00000000-0000-4000-8000-000000000000";
constexpr char kMissingUuid[] = "00000000-0000-4000-8000-000000000000";

class IncidentLeakMatrix : public LeakMatrix {
 protected:
  // Taking part: users of the owner and of the invited organisations, every
  // role; the case's TLP does not narrow this (it governs passing on).
  bool Reads(const User& u, const MatrixCase& k) const {
    if (u.org == k.owner) return true;
    for (const auto& [org, role] : k.participants) {
      if (org == u.org) return true;
    }
    return false;
  }
  static bool Acts(const User& u) {
    return u.role == "analyst" || u.role == "liaison" || u.role == "org-admin" ||
           u.role == "network-admin";
  }
  // Evidence download, comments, uploads: any role but viewer, of a reader.
  bool Contributes(const User& u, const MatrixCase& k) const { return Reads(u, k) && Acts(u); }
  // A package: the recipient's liaisons and org admins, the owner's analysts
  // and org admins.
  bool ReadsPackage(const User& u, const MatrixCase& k) const {
    if (k.package.empty() || !Reads(u, k)) return false;
    if (u.org == k.recipient) return u.role == "liaison" || u.role == "org-admin";
    return u.org == k.owner && (u.role == "analyst" || u.role == "org-admin");
  }
  // The notifications (kind, case) a user must have, and no others: a report
  // tells the owner's analysts and org admins; an invitation the invited
  // organisation's analysts, liaisons and org admins; a package its
  // recipient's liaisons and org admins, and its acknowledgement the owner's
  // analysts and org admins.
  std::set<std::pair<std::string, std::string>> NotificationsFor(const User& u) const {
    std::set<std::pair<std::string, std::string>> out;
    const bool manager = u.role == "analyst" || u.role == "org-admin";
    for (const auto& k : cases_) {
      if (u.org == k.owner && manager) out.emplace("incident.reported", k.stix_id);
      for (const auto& [org, role] : k.participants) {
        if (org == u.org && (manager || u.role == "liaison")) {
          out.emplace("incident.invited", k.stix_id);
        }
      }
      if (!k.package.empty() && u.org == k.recipient &&
          (u.role == "liaison" || u.role == "org-admin")) {
        out.emplace("package.received", k.stix_id);
      }
      if (k.acknowledge && u.org == k.owner && manager) {
        out.emplace("package.acknowledged", k.stix_id);
      }
    }
    return out;
  }

  http::Response As(const std::string& user, const std::string& method, const std::string& target,
                    const std::string& body = "", const std::string& type = "application/json") {
    return Call(UserNamed(user), method, target, body, body.empty() ? "" : type);
  }

  static json::object Report(const MatrixCase& k, int hours_ago) {
    json::object o;
    o["title"] = k.title;
    o["description"] = "What happened to " + k.title;
    o["detected"] = FormatTimestamp(SystemClock().Now() - hours_ago * 3600LL * 1'000'000, 3);
    o["category"] = k.category;
    o["election_targets"] = json::array{"results-publication"};
    o["phase"] = "results";
    o["severity"] = k.severity;
    o["tlp"] = k.tlp;
    o["impacts"] = json::object{{"availability", "high"}};
    return o;
  }

  // Reports, invites, adds evidence (from the owner and from a participant),
  // a comment, a package and its acknowledgement, as the case says.
  void Build(MatrixCase& k, int hours_ago) {
    const std::string analyst = Lower(k.owner) + "-analyst";
    auto r = As(analyst, "POST", "/api/v1/incidents", json::serialize(Report(k, hours_ago)));
    ASSERT_EQ(r.status, 201) << r.body;
    k.stix_id = std::string(Parse(r).at("stix_id").as_string());
    k.num = std::to_string(Parse(r).at("id").as_int64());
    const std::string base = "/api/v1/incidents/" + k.stix_id;
    for (const auto& [org, role] : k.participants) {
      r = As(analyst, "POST", base + "/participants",
             json::serialize(json::object{{"org", org}, {"role", role}}));
      ASSERT_EQ(r.status, 200) << r.body;
    }
    std::vector<std::string> uploaders{analyst};
    if (!k.participants.empty()) uploaders.push_back(Lower(k.participants[0].first) + "-liaison");
    for (const auto& who : uploaders) {
      r = As(who, "POST", base + "/evidence?file_name=" + who + ".log&reason=seized",
             "evidence of " + k.title + " from " + who, "text/plain");
      ASSERT_EQ(r.status, 201) << r.body;
      k.evidence.emplace_back(Parse(r).at("id").as_string());
      r = As(who, "POST", base + "/comments",
             json::serialize(json::object{{"text", "note by " + who}}));
      ASSERT_EQ(r.status, 201) << r.body;
    }
    r = As(analyst, "POST", base + "/changes",
           json::serialize(
               json::object{{"change", json::object{{"type", "assign"}, {"assignee", analyst}}}}));
    ASSERT_EQ(r.status, 200) << r.body;
    for (const auto& object : k.links) {
      r = As(analyst, "POST", base + "/changes",
             json::serialize(json::object{
                 {"change",
                  json::object{{"type", "link"}, {"object_id", object}, {"kind", "indicator"}}}}));
      ASSERT_EQ(r.status, 200) << r.body;
    }
    if (k.share) {
      // A sanitised copy of a linked indicator and a request for
      // assistance, into a channel the owner writes.
      const int64_t channel = ChannelNamed("shared").id;
      r = As(analyst, "POST", base + "/publish",
             json::serialize(
                 json::object{{"channel", channel},
                              {"indicators", json::array{json::object{{"id", k.links[0]}}}}}));
      ASSERT_EQ(r.status, 201) << r.body;
      r = As(analyst, "POST", base + "/assistance",
             json::serialize(json::object{{"channel", channel},
                                          {"summary", "Our results site is under a DDoS."},
                                          {"needs", "Upstream filtering contacts."}}));
      ASSERT_EQ(r.status, 201) << r.body;
    }
    if (k.status != "reported") {
      r = As(analyst, "POST", base + "/changes",
             json::serialize(
                 json::object{{"change", json::object{{"type", "status"}, {"status", k.status}}}}));
      ASSERT_EQ(r.status, 200) << r.body;
    }
    if (!k.recipient.empty()) {
      r = As(analyst, "POST", base + "/packages",
             json::serialize(json::object{{"recipient", k.recipient}}));
      ASSERT_EQ(r.status, 201) << r.body;
      k.package = std::string(Parse(r).at("id").as_string());
      if (k.acknowledge) {
        r = As(Lower(k.recipient) + "-liaison", "POST",
               "/api/v1/packages/" + k.package + "/acknowledge");
        ASSERT_EQ(r.status, 200) << r.body;
      }
    }
    r = As(analyst, "GET", base + "/stix");
    ASSERT_EQ(r.status, 200) << r.body;
    k.bundle = r.body;
  }

  // Nothing of a case `u` takes no part in appears in `text`: not its ids,
  // title, evidence or package.
  void ExpectNothingHidden(const User& u, const std::string& text, const std::string& where) {
    for (const auto& k : cases_) {
      if (Reads(u, k)) continue;
      for (const auto& secret : Secrets(k)) {
        EXPECT_EQ(text.find(secret), std::string::npos)
            << u.name << " learns '" << secret << "' of " << k.title << " from " << where;
      }
    }
  }
  static std::vector<std::string> Secrets(const MatrixCase& k) {
    std::vector<std::string> out{k.stix_id, k.title};
    out.insert(out.end(), k.evidence.begin(), k.evidence.end());
    if (!k.package.empty()) out.push_back(k.package);
    return out;
  }

  // `hidden` answers exactly as `missing` (a thing that does not exist):
  // `status` (404 unless the caller may not use the route at all) with the
  // same body.
  void ExpectSameAsMissing(const User& u, const std::string& method, const std::string& hidden,
                           const std::string& missing, const std::string& body = "",
                           const std::string& type = "application/json", int status = 404) {
    auto h = Call(u, method, hidden, body, body.empty() ? "" : type);
    auto m = Call(u, method, missing, body, body.empty() ? "" : type);
    EXPECT_EQ(h.status, status) << u.name << " " << method << " " << hidden << " " << h.body;
    EXPECT_EQ(h.status, m.status) << u.name << " " << method << " " << hidden;
    EXPECT_EQ(h.body, m.body) << u.name << " " << method << " " << hidden;
    ++hidden_cells_;
  }

  // A read of case `k` by `u`: 200 for a reader (checked by `ok`), else the
  // answer for a case that does not exist. `suffix` follows the case id.
  void ExpectCaseRead(const User& u, const MatrixCase& k, const std::string& suffix,
                      const std::function<void(const http::Response&)>& ok) {
    for (const std::string& id : {k.stix_id, k.num}) {
      const std::string target = "/api/v1/incidents/" + id + suffix;
      if (Reads(u, k)) {
        auto r = Call(u, "GET", target);
        EXPECT_EQ(r.status, 200) << u.name << " " << target << " " << r.body;
        ExpectNothingHidden(u, r.body, target);
        if (r.status == 200) ok(r);
        ++visible_cells_;
      } else {
        ExpectSameAsMissing(
            u, "GET", target,
            "/api/v1/incidents/" + std::string(id == k.num ? "999999" : kMissingCase) + suffix);
      }
    }
  }

  // A write to case `k` by a user who takes no part: the answer for a case
  // that does not exist (and so nothing is changed).
  void ExpectCaseWriteHidden(const User& u, const std::string& method, const std::string& suffix,
                             const std::string& body,
                             const std::string& type = "application/json") {
    for (const auto& k : cases_) {
      if (Reads(u, k)) continue;
      ExpectSameAsMissing(u, method, "/api/v1/incidents/" + k.stix_id + suffix,
                          std::string("/api/v1/incidents/") + kMissingCase + suffix, body, type);
    }
  }

  std::set<std::string> ReadableCases(const User& u) const {
    std::set<std::string> out;
    for (const auto& k : cases_) {
      if (Reads(u, k)) out.insert(k.stix_id);
    }
    return out;
  }

  // Every item's `key` in a list answer.
  static std::set<std::string> Items(const http::Response& r, std::string_view key) {
    return IdsIn(Parse(r), "items", key);
  }

  // The incident list with `query`: only cases the user reads, each one
  // that matches `match`.
  void ExpectList(const User& u, const std::string& query,
                  const std::function<bool(const MatrixCase&)>& match) {
    auto r = Call(u, "GET", "/api/v1/incidents?limit=500" + query);
    ASSERT_EQ(r.status, 200) << u.name << " " << query << " " << r.body;
    std::set<std::string> want;
    for (const auto& k : cases_) {
      if (Reads(u, k) && match(k)) want.insert(k.stix_id);
    }
    EXPECT_EQ(Items(r, "stix_id"), want) << u.name << " " << query;
    ExpectNothingHidden(u, r.body, "the list " + query);
  }

  std::vector<IncidentRoute> Rows();

  std::vector<MatrixCase> cases_;
  std::map<std::string, std::vector<int64_t>> webhooks_;  // org -> its webhook ids
  std::map<std::string, std::string> same_for_all_;       // target -> the first answer
  int visible_cells_ = 0;
  int hidden_cells_ = 0;
};

std::vector<IncidentRoute> IncidentLeakMatrix::Rows() {
  auto any_case = [](const std::string& suffix) { return "/api/v1/incidents/{id}" + suffix; };
  std::vector<IncidentRoute> rows;
  auto add = [&](std::string method, std::string path, std::function<void(const User&)> check) {
    rows.push_back({std::move(method), std::move(path), std::move(check), ""});
  };
  auto skip = [&](std::string method, std::string path, std::string why) {
    rows.push_back({std::move(method), std::move(path), nullptr, std::move(why)});
  };

  // Answers that hold no case data at all: the same for every caller.
  auto same = [this](const std::string& target) {
    return [this, target](const User& u) {
      auto r = Call(u, "GET", target);
      EXPECT_EQ(r.status, 200) << u.name << " " << target << " " << r.body;
      auto it = same_for_all_.emplace(target, r.body).first;
      EXPECT_EQ(r.body, it->second) << u.name << " " << target;
      for (const auto& k : cases_) {
        for (const auto& secret : Secrets(k)) {
          EXPECT_EQ(r.body.find(secret), std::string::npos) << target << " names " << secret;
        }
      }
    };
  };
  add("GET", "/api/v1/incident-vocabulary", same("/api/v1/incident-vocabulary"));
  add("GET", "/api/v1/packages/key", same("/api/v1/packages/key"));
  add("GET", "/api/v1/clock-rules", same("/api/v1/clock-rules"));

  // The list, its filters and its pages.
  add("GET", "/api/v1/incidents", [this](const User& u) {
    ExpectList(u, "", [](const MatrixCase&) { return true; });
    for (const auto& k : cases_) {
      // A word of its title only it has.
      ExpectList(u, "&q=" + k.title.substr(k.title.rfind(' ') + 1),
                 [&](const MatrixCase& x) { return &x == &k; });
      ExpectList(u, "&status=" + k.status,
                 [&](const MatrixCase& x) { return x.status == k.status; });
      ExpectList(u, "&severity=" + k.severity,
                 [&](const MatrixCase& x) { return x.severity == k.severity; });
      ExpectList(u, "&category=" + k.category,
                 [&](const MatrixCase& x) { return x.category == k.category; });
    }
    // Detected 30 hours ago and more: the 24-hour early warning is overdue.
    ExpectList(u, "&overdue=true",
               [](const MatrixCase& x) { return x.title.find("overdue") != std::string::npos; });
    // Each case is assigned to its owner's analyst.
    ExpectList(u, "&mine=true", [&](const MatrixCase& x) {
      return u.name == Lower(x.owner) + "-analyst" && Reads(u, x);
    });
    // Page by page, from after every case's id: still only what u reads.
    std::set<std::string> paged;
    std::string after;
    for (int page = 0; page < 20; ++page) {
      auto r = Call(u, "GET", "/api/v1/incidents?limit=1" + after);
      ASSERT_EQ(r.status, 200) << r.body;
      for (const auto& id : Items(r, "stix_id")) paged.insert(id);
      ExpectNothingHidden(u, r.body, "a page");
      const auto next = Parse(r).at("next_after");
      if (next.is_null()) break;
      after = "&after=" + std::to_string(next.as_int64());
    }
    EXPECT_EQ(paged, ReadableCases(u)) << u.name;
    for (const auto& k : cases_) {
      auto r = Call(u, "GET",
                    "/api/v1/incidents?limit=500&after=" + std::to_string(std::stoll(k.num) - 1));
      ASSERT_EQ(r.status, 200);
      ExpectNothingHidden(u, r.body, "after " + k.num);
    }
  });

  // The case, its logs, evidence and export.
  add("GET", any_case(""), [this](const User& u) {
    for (const auto& k : cases_) {
      ExpectCaseRead(u, k, "", [&](const http::Response& r) {
        auto v = Parse(r);
        EXPECT_EQ(v.at("stix_id").as_string(), k.stix_id);
        EXPECT_EQ(v.at("tlp").as_string(), k.tlp);
        std::string part = "owner";
        for (const auto& [org, role] : k.participants) {
          if (org == u.org) part = role;
        }
        EXPECT_EQ(v.at("my_part").as_string(), part) << u.name;
      });
    }
  });
  for (const std::string log : {"/timeline", "/custody"}) {
    add("GET", any_case(log), [this, log](const User& u) {
      for (const auto& k : cases_) {
        ExpectCaseRead(u, k, log, [&](const http::Response& r) {
          EXPECT_FALSE(Parse(r).at("items").as_array().empty()) << u.name << " " << log;
        });
      }
    });
  }
  add("GET", any_case("/evidence"), [this](const User& u) {
    for (const auto& k : cases_) {
      ExpectCaseRead(u, k, "/evidence", [&](const http::Response& r) {
        EXPECT_EQ(Items(r, "id"), std::set<std::string>(k.evidence.begin(), k.evidence.end()));
      });
    }
  });
  add("GET", any_case("/evidence/{evidence_id}"), [this](const User& u) {
    for (const auto& k : cases_) {
      for (const auto& e : k.evidence) {
        const std::string target = "/api/v1/incidents/" + k.stix_id + "/evidence/" + e;
        if (!Reads(u, k)) {
          ExpectSameAsMissing(u, "GET", target,
                              std::string("/api/v1/incidents/") + kMissingCase + "/evidence/" + e);
          continue;
        }
        auto r = Call(u, "GET", target + "?reason=matrix");
        // Viewers read the case but may not take its evidence.
        EXPECT_EQ(r.status, Contributes(u, k) ? 200 : 403) << u.name << " " << target;
        if (r.status == 200) {
          EXPECT_NE(r.body.find("evidence of " + k.title), std::string::npos);
          EXPECT_EQ(r.Header("X-Content-SHA256").value_or(""), Sha256Hex(r.body));
        }
        ++visible_cells_;
      }
      // Evidence of another case, asked for through this one: no such file
      // (a viewer is refused before any file is looked at).
      if (!Reads(u, k)) continue;
      for (const auto& other : cases_) {
        if (&other == &k) continue;
        for (const auto& e : other.evidence) {
          ExpectSameAsMissing(u, "GET", "/api/v1/incidents/" + k.stix_id + "/evidence/" + e,
                              "/api/v1/incidents/" + k.stix_id + "/evidence/" + kMissingUuid, "",
                              "", Contributes(u, k) ? 404 : 403);
        }
      }
    }
  });
  add("GET", any_case("/stix"), [this](const User& u) {
    for (const auto& k : cases_) {
      // The case's TLP travels with the export: the incident and each
      // relationship to a linked object carry its marking, and only it.
      ExpectCaseRead(u, k, "/stix", [&](const http::Response& r) {
        const json::array marking{json::value(stix::TlpMarkingId(*stix::TlpFromName(k.tlp)))};
        size_t marked = 0;
        const json::value body = Parse(r);
        for (const auto& o : body.at("objects").as_array()) {
          const std::string type(o.at("type").as_string());
          if (type != "incident" && type != "relationship") continue;
          EXPECT_EQ(o.at("object_marking_refs").as_array(), marking) << u.name << " " << type;
          ++marked;
        }
        EXPECT_EQ(marked, 1 + k.links.size()) << u.name << " " << r.body;
      });
    }
  });

  // Packages.
  add("GET", "/api/v1/packages", [this](const User& u) {
    for (const std::string query : {"", "?acknowledged=false", "?acknowledged=true"}) {
      auto r = Call(u, "GET", "/api/v1/packages" + query);
      ASSERT_EQ(r.status, 200) << r.body;
      std::set<std::string> want;
      for (const auto& k : cases_) {
        const bool state = query.empty() || (query == "?acknowledged=true") == k.acknowledge;
        if (ReadsPackage(u, k) && u.org == k.recipient && state) want.insert(k.package);
      }
      EXPECT_EQ(Items(r, "id"), want) << u.name << " " << query;
      ExpectNothingHidden(u, r.body, "packages" + query);
    }
    for (const auto& k : cases_) {
      const std::string target = "/api/v1/packages?incident=" + k.stix_id;
      if (!Reads(u, k)) {
        ExpectSameAsMissing(u, "GET", target,
                            std::string("/api/v1/packages?incident=") + kMissingCase);
        continue;
      }
      auto r = Call(u, "GET", target);
      ASSERT_EQ(r.status, 200) << r.body;
      std::set<std::string> want;
      if (ReadsPackage(u, k)) want.insert(k.package);
      EXPECT_EQ(Items(r, "id"), want) << u.name << " " << target;
      ++visible_cells_;
    }
  });
  add("GET", "/api/v1/packages/{package_id}", [this](const User& u) {
    for (const auto& k : cases_) {
      if (k.package.empty()) continue;
      const std::string target = "/api/v1/packages/" + k.package;
      if (!ReadsPackage(u, k)) {
        ExpectSameAsMissing(u, "GET", target, std::string("/api/v1/packages/") + kMissingUuid);
        continue;
      }
      auto r = Call(u, "GET", target);
      EXPECT_EQ(r.status, 200) << u.name << " " << target;
      EXPECT_EQ(r.Header("X-Content-SHA256").value_or(""), Sha256Hex(r.body));
      ++visible_cells_;
    }
  });
  add("POST", "/api/v1/packages/{package_id}/acknowledge", [this](const User& u) {
    for (const auto& k : cases_) {
      if (k.package.empty() || ReadsPackage(u, k)) continue;
      ExpectSameAsMissing(u, "POST", "/api/v1/packages/" + k.package + "/acknowledge",
                          std::string("/api/v1/packages/") + kMissingUuid + "/acknowledge");
    }
  });

  // Notifications: exactly one's own, about cases one takes part in; no one
  // else's can be marked read.
  add("GET", "/api/v1/notifications", [this](const User& u) {
    for (const std::string query : {"", "&unread=true"}) {
      auto r = Call(u, "GET", "/api/v1/notifications?limit=500" + query);
      ASSERT_EQ(r.status, 200) << r.body;
      std::set<std::pair<std::string, std::string>> got;
      const json::value body = Parse(r);
      for (const auto& n : body.at("items").as_array()) {
        got.emplace(n.at("kind").as_string(), n.at("subject").as_string());
      }
      EXPECT_EQ(got, NotificationsFor(u)) << u.name << " " << r.body;
      ExpectNothingHidden(u, r.body, "notifications" + query);
    }
  });
  add("POST", "/api/v1/notifications/{notification_id}/read", [this](const User& u) {
    for (const auto& other : users_) {
      if (other.id == u.id) continue;
      const auto theirs = store_->Incidents().ListNotifications(other.id, false, {}, 500).value();
      for (const auto& n : theirs) {
        ExpectSameAsMissing(u, "POST", "/api/v1/notifications/" + std::to_string(n.id) + "/read",
                            "/api/v1/notifications/999999999/read");
      }
    }
  });

  // Webhooks: an org admin lists their own organisation's only; no one
  // removes another's.
  add("GET", "/api/v1/webhooks", [this](const User& u) {
    auto r = Call(u, "GET", "/api/v1/webhooks");
    if (u.role != "org-admin" && u.role != "network-admin") {
      EXPECT_EQ(r.status, 403) << u.name;
      return;
    }
    ASSERT_EQ(r.status, 200) << r.body;
    std::set<int64_t> got, want(webhooks_[u.org].begin(), webhooks_[u.org].end());
    const json::value body = Parse(r);
    for (const auto& h : body.at("items").as_array()) got.insert(h.at("id").as_int64());
    EXPECT_EQ(got, want) << u.name;
  });
  add("DELETE", "/api/v1/webhooks/{webhook_id}", [this](const User& u) {
    for (const auto& [org, ids] : webhooks_) {
      if (org == u.org) continue;
      for (int64_t id : ids) {
        ExpectSameAsMissing(u, "DELETE", "/api/v1/webhooks/" + std::to_string(id),
                            "/api/v1/webhooks/999999999");
      }
    }
  });

  // Writes to a case: to one who takes no part, the same 404 as for a case
  // that does not exist, whatever the body (and so nothing changes).
  add("POST", any_case("/changes"), [this](const User& u) {
    ExpectCaseWriteHidden(u, "POST", "/changes", R"({"change":{"type":"acknowledge"}})");
    ExpectCaseWriteHidden(u, "POST", "/changes",
                          R"({"change":{"type":"status","status":"closed"}})");
  });
  add("POST", any_case("/comments"), [this](const User& u) {
    ExpectCaseWriteHidden(u, "POST", "/comments", R"({"text":"probe"})");
  });
  add("POST", any_case("/participants"), [this](const User& u) {
    ExpectCaseWriteHidden(u, "POST", "/participants",
                          json::serialize(json::object{{"org", u.org}, {"role", "police"}}));
  });
  add("DELETE", any_case("/participants/{org_id}"), [this](const User& u) {
    for (const auto& o : orgs_) {
      ExpectCaseWriteHidden(u, "DELETE", "/participants/" + std::to_string(o.id), "");
    }
  });
  add("POST", any_case("/evidence"), [this](const User& u) {
    ExpectCaseWriteHidden(u, "POST", "/evidence?file_name=probe.txt", "probe", "text/plain");
  });
  add("POST", any_case("/packages"), [this](const User& u) {
    for (const auto& o : orgs_) {
      ExpectCaseWriteHidden(u, "POST", "/packages",
                            json::serialize(json::object{{"recipient", o.name}}));
    }
  });
  // Importing a case's STIX export: the answer is the same whether or not
  // the caller may read the case (an id on the hub is taken either way).
  add("POST", "/api/v1/incidents/import", [this](const User& u) {
    for (const auto& k : cases_) {
      auto r = Call(u, "POST", "/api/v1/incidents/import", k.bundle, "application/stix+json");
      const User& owner = UserNamed(Lower(k.owner) + "-analyst");
      auto o = Call(owner, "POST", "/api/v1/incidents/import", k.bundle, "application/stix+json");
      EXPECT_EQ(r.status, Acts(u) ? 409 : 403) << u.name << " " << r.body;
      if (Acts(u)) {
        EXPECT_EQ(r.body, o.body) << u.name;
      }
      ExpectNothingHidden(u, r.body, "import");
    }
  });
  // Sharing from a case: refused like any write to one who takes no part;
  // and what it sent into the channel names no case, for anyone.
  auto shared_channel = [this] { return ChannelNamed("shared").id; };
  auto nothing_of_cases_in_intel = [this](const User& u) {
    // The whole objects, as exported (a search lists only their summaries).
    auto r = Call(u, "GET", "/api/v1/export?channel=" + std::to_string(ChannelNamed("shared").id));
    const bool reads = ChannelNamed("shared").members.count(u.org) > 0;
    ASSERT_EQ(r.status, reads ? 200 : 404) << u.name << " " << r.body;
    if (reads) {
      EXPECT_NE(r.body.find("request-for-assistance"), std::string::npos) << u.name;
    }
    for (const auto& k : cases_) {
      for (const auto& secret : Secrets(k)) {
        EXPECT_EQ(r.body.find(secret), std::string::npos) << u.name << " finds " << secret;
      }
    }
  };
  add("POST", any_case("/publish"), [=, this](const User& u) {
    ExpectCaseWriteHidden(
        u, "POST", "/publish",
        json::serialize(json::object{{"channel", shared_channel()},
                                     {"indicators", json::array{json::object{{"id", Id(1)}}}}}));
    nothing_of_cases_in_intel(u);
  });
  add("POST", any_case("/assistance"), [=, this](const User& u) {
    ExpectCaseWriteHidden(
        u, "POST", "/assistance",
        json::serialize(
            json::object{{"channel", shared_channel()}, {"summary", "probe"}, {"needs", "probe"}}));
    nothing_of_cases_in_intel(u);
  });
  skip("POST", "/api/v1/incidents", "files a new case of the caller's own organisation");
  skip("POST", "/api/v1/webhooks", "registers a webhook of the caller's own organisation");
  skip("PUT", "/api/v1/clock-rules", "network configuration; holds no case");
  skip("DELETE", "/api/v1/clock-rules/{rule_id}", "network configuration; holds no case");
  return rows;
}

TEST_F(IncidentLeakMatrix, EveryUserSeesOnlyTheCasesTheirOrganisationTakesPartIn) {
  // A prosecutor's office, invited to case B only (the police to case A only).
  orgs_.push_back({"Prosecutor", "law-enforcement"});
  AddOrgUsers(orgs_.back());
  // The network's clock rule for Testland (everyone reads the rules).
  auto vocab = Parse(As("hub-network-admin", "GET", "/api/v1/incident-vocabulary"));
  json::object rule = vocab.at("default_clock_rule").as_object();
  rule["name"] = "Testland election law";
  rule["country"] = "TL";
  ASSERT_EQ(As("hub-network-admin", "PUT", "/api/v1/clock-rules", json::serialize(rule)).status,
            200);
  // Webhooks of the two law-enforcement organisations.
  for (const std::string org : {"Police", "Prosecutor"}) {
    auto r = As(Lower(org) + "-org-admin", "POST", "/api/v1/webhooks",
                json::serialize(json::object{{"url", "https://" + Lower(org) + ".example/hook"}}));
    ASSERT_EQ(r.status, 201) << r.body;
    webhooks_[org].push_back(Parse(r).at("id").as_int64());
  }

  // Cases of three owners at three TLP levels: A (the commission's, the
  // police and the CERT invited, a package to the police, acknowledged), B
  // (the watchdog's, the CERT and the prosecutor invited, a package to the
  // prosecutor, waiting) and C (the commission's, no one invited).
  cases_ = {
      {"Matrix A: overdue results site DDoS",
       "CEC",
       "red",
       "availability",
       "high",
       {{"Police", "police"}, {"CERT", "national-cert"}},
       "Police",
       true},
      {"Matrix B: forged voter letters",
       "Watch",
       "amber+strict",
       "fraud",
       "critical",
       {{"CERT", "national-cert"}, {"Prosecutor", "prosecutor"}},
       "Prosecutor",
       false},
      {"Matrix C: staff phishing", "CEC", "green", "fraud", "medium", {}, "", false},
  };
  cases_[1].status = "triaged";
  cases_[0].links = {Id(1), Id(3)};  // shared intel the owner reads
  cases_[0].share = true;
  cases_[1].links = {Id(2)};
  Build(cases_[0], 30);
  Build(cases_[1], 2);
  Build(cases_[2], 1);

  // Every Incidents route of openapi.json has a row, and every row a route.
  auto doc = json::parse(http::OpenApiDocument()).as_object();
  std::set<std::pair<std::string, std::string>> documented, covered;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      if (!op.is_object() || !op.as_object().contains("tags")) continue;
      for (const auto& tag : op.at("tags").as_array()) {
        if (tag.as_string() != "Incidents") continue;
        std::string m(method);
        for (auto& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        documented.emplace(m, std::string(path));
      }
    }
  }
  const auto rows = Rows();
  const auto routes = router_.Routes();
  for (const auto& row : rows) {
    covered.emplace(row.method, row.path);
    EXPECT_NE(std::find(routes.begin(), routes.end(), std::make_pair(row.method, row.path)),
              routes.end())
        << row.method << " " << row.path << " is not a route";
    EXPECT_TRUE(row.check || !row.not_probed.empty()) << row.path;
  }
  EXPECT_EQ(covered, documented) << "every Incidents route of openapi.json needs a row here";
  EXPECT_GT(documented.size(), 20u);

  for (const auto& u : users_) {
    for (const auto& row : rows) {
      if (!row.check) continue;
      SCOPED_TRACE(u.name + ": " + row.method + " " + row.path);
      row.check(u);
    }
  }
  // Not vacuous: the network admin and a whole organisation see nothing;
  // a participant of one case sees its own and not the other; both kinds of
  // cells occur in volume.
  EXPECT_TRUE(ReadableCases(UserNamed("hub-network-admin")).empty());
  EXPECT_EQ(ReadableCases(UserNamed("watch-viewer")), std::set<std::string>{cases_[1].stix_id});
  EXPECT_EQ(ReadableCases(UserNamed("police-liaison")), std::set<std::string>{cases_[0].stix_id});
  EXPECT_EQ(ReadableCases(UserNamed("cert-viewer")).size(), 2u);
  EXPECT_GT(visible_cells_, 300);
  EXPECT_GT(hidden_cells_, 1000);
  // The probes changed nothing: no case gained a participant, a comment or
  // a package, and every notification is still unread but those read by
  // their own users (none here).
  for (const auto& k : cases_) {
    auto row = store_->Incidents().GetIncident(k.stix_id).value();
    EXPECT_EQ(row.participants.size(), k.participants.size()) << k.title;
    EXPECT_EQ(row.status, k.status) << k.title;
  }
  for (const auto& u : users_) {
    EXPECT_EQ(store_->Incidents().ListNotifications(u.id, true, {}, 500).value().size(),
              NotificationsFor(u).size())
        << u.name;
  }
}

}  // namespace
}  // namespace ecrn::testing
