// The leak matrix: organisations x roles x TLP levels x every read path.
// A network of five organisations (every role in each) shares objects at
// every TLP level (and unmarked, under a channel default of AMBER and of
// RED); the expected visibility of each object to each user is computed in
// this file from the sharing rules of DESIGN.md — independently of
// `policy` — and every cell is asserted on every read path of the hub:
// TAXII objects, manifest, versions and get-by-id; REST search, detail,
// correlations, sighting counts and export. A RED object's id must appear in
// no response at all to a non-recipient.
//
// The hub runs in process (the same Router `ecrn serve` runs, over a real
// SQLite store), so the ~3,000 requests take seconds; the HTTP layer itself
// is covered by taxii_test.cpp.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "ecrn/core/secrets.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/core/uuid.hpp"
#include "ecrn/http/auth.hpp"
#include "ecrn/http/rest.hpp"
#include "ecrn/http/router.hpp"
#include "ecrn/http/taxii.hpp"
#include "ecrn/store/store.hpp"
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
         {{"Hub", {true, false}},
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

    auth_ = std::make_unique<http::Authenticator>(*store_, clock_);
    http::AddTaxiiRoutes(router_, *store_, *auth_, clock_, "taxii-secret");
    http::AddRestRoutes(router_, *store_, *auth_, clock_, "rest-secret");

    // Every TLP level, unmarked under two defaults, RED to a named
    // recipient in another organisation, a write-only channel, and sightings
    // of the anchor object at two levels.
    objects_ = {
        {Id(1), "leak-clear", "shared", "clear"},
        {Id(2), "leak-green", "shared", "green"},
        {Id(3), "leak-amber", "shared", "amber"},
        {Id(4), "leak-amber-strict", "shared", "amber+strict"},
        {Id(5), "leak-red", "shared", "red", {"cert-viewer"}},
        {Id(6), "leak-unmarked", "shared", ""},
        {Id(7), "leak-red-default", "redroom", ""},
        {Id(8), "leak-cert", "cert-only", "green", {}, "cert-analyst"},
        {Id(9), "leak-drop", "drop", "green", {}, "watch-analyst"},
        {"sighting--" + Uuid(10),
         "",
         "shared",
         "green",
         {},
         "cec-analyst",
         R"("sighting_of_ref":")" + Id(1) + R"(","count":2)",
         "sighting"},
        {"sighting--" + Uuid(11),
         "",
         "shared",
         "red",
         {},
         "cec-analyst",
         R"("sighting_of_ref":")" + Id(1) + R"(","count":5)",
         "sighting"},
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
    http::Request r;
    r.method = method;
    r.target = target;
    r.headers.emplace_back("Authorization", "Bearer " + u.key);
    if (target.rfind("/taxii2/", 0) == 0) r.headers.emplace_back("Accept", kTaxiiType);
    if (!type.empty()) r.headers.emplace_back("Content-Type", type);
    r.body = body;
    return router_.Handle(r);
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
  std::unique_ptr<http::Authenticator> auth_;
  http::Router router_;
  std::vector<Org> orgs_;
  std::vector<User> users_;
  std::vector<Channel> channels_;
  std::vector<Shared> objects_;
};

TEST_F(LeakMatrix, EveryUserEveryObjectEveryReadPath) {
  int cells = 0, visible_cells = 0;
  for (const auto& u : users_) {
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

    // Sighting counts of the anchor: only the sightings the user may read.
    const Shared& anchor = objects_[0];
    if (Expected(u, anchor)) {
      int64_t expected = 0;
      for (const auto& o : objects_) {
        if (o.type != "sighting" || !Expected(u, o)) continue;
        expected += o.extra.find("\"count\":5") != std::string::npos ? 5 : 2;
      }
      auto v = Parse(Call(u, "GET", "/api/v1/objects/" + anchor.id));
      EXPECT_EQ(v.as_object().at("sightings").as_object().at("count").as_int64(), expected)
          << u.name;
    }
  }
  // The matrix is not vacuous: both kinds of cells occur, in volume.
  EXPECT_EQ(cells, static_cast<int>(users_.size() * objects_.size()));
  EXPECT_GT(visible_cells, 40);
  EXPECT_GT(cells - visible_cells, 100);
}

}  // namespace
}  // namespace ecrn::testing
