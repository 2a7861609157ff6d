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
// The hub runs in process (the same Router `ecrn serve` runs, over a real
// SQLite store), so the ~3,000 requests take seconds; the HTTP layer itself
// is covered by taxii_test.cpp.
#include <chrono>
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
#include "ecrn/http/rest.hpp"
#include "ecrn/http/router.hpp"
#include "ecrn/http/stream.hpp"
#include "ecrn/http/taxii.hpp"
#include "ecrn/notify/object_events.hpp"
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
    for (auto& o : orgs_) {
      store::Organisation row;
      row.name = o.name;
      row.kind = o.kind;
      row.country = "TL";
      row.identity_id = "identity--" + UuidV4();
      o.identity = row.identity_id;
      o.id = store_->AddOrganisation(row).value();
      for (std::string role : {"org-admin", "analyst", "liaison", "viewer"}) {
        users_.push_back({Lower(o.name) + "-" + role, o.name, role});
      }
    }
    users_.push_back({"hub-network-admin", "Hub", "network-admin"});
    for (auto& u : users_) {
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
    }
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

}  // namespace
}  // namespace ecrn::testing
