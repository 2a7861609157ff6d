// Sightings over real HTTP, shared by the SQLite test (one server) and the
// PostgreSQL one (sightings posted to one server, read on another): member
// sensors post STIX sightings over TAXII; readers of the indicator get the
// multi-organisation alert on the live stream and in GET /api/v1/alerts, and
// the aggregate in the object detail, each computed over the sightings they
// may read. A reader who cannot read one organisation's sighting sees a
// smaller N and never that organisation. Tests only.
#pragma once

#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "ecrn/core/time.hpp"
#include "ecrn/stix/tlp.hpp"
#include "integration/stream_cases.hpp"
#include "testing/http_client.hpp"
#include "testing/testing.hpp"

namespace ecrn::testing::sightings {

namespace json = boost::json;
using stream::OpenStream;

inline constexpr char kTaxii[] = "application/taxii+json;version=2.1";
inline constexpr char kIndicator[] = "indicator--5e5e5e5e-0000-4000-8000-000000000001";

// CEC (alice), CERT (bob), Watch (wendy): analysts whose sensors report;
// Press (carol): a viewer. "intel" (default GREEN) is read by all four and
// written by the three analysts' organisations; "cec-watch" is CEC's and
// Watch's only, so carol and bob never read what is shared there.
struct Network {
  explicit Network(std::string db_uri) : db(std::move(db_uri)) {
    for (auto [org, kind] : {std::pair{"CEC", "election-commission"}, std::pair{"CERT", "cert"},
                             std::pair{"Watch", "civil-society"}, std::pair{"Press", "industry"}}) {
      Admin({"org", "add", "--name", org, "--kind", kind, "--country", "TL"});
    }
    for (auto [user, org, role] :
         {std::tuple{"alice", "CEC", "analyst"}, std::tuple{"bob", "CERT", "analyst"},
          std::tuple{"wendy", "Watch", "analyst"}, std::tuple{"carol", "Press", "viewer"}}) {
      Admin({"user", "add", "--org", org, "--username", user, "--role", role},
            {std::string("ECRN_PASSWORD=") + stream::kPassword});
      keys[user] = stream::Network::Trim(Admin({"apikey", "create", "--user", user}));
    }
    Admin({"channel", "add", "--name", "intel", "--default-tlp", "green"});
    Admin({"channel", "add", "--name", "cec-watch"});
    for (const char* org : {"CEC", "CERT", "Watch"}) {
      Admin({"channel", "grant", "--channel", "intel", "--org", org, "--read", "--write"});
    }
    Admin({"channel", "grant", "--channel", "intel", "--org", "Press", "--read"});
    for (const char* org : {"CEC", "Watch"}) {
      Admin({"channel", "grant", "--channel", "cec-watch", "--org", org, "--read", "--write"});
    }
    std::string list = Admin({"channel", "list"});
    std::regex row(R"((\d+)\t([^\t]+)\t([^\t]+)\t([0-9a-f-]{36})\t)");
    for (std::sregex_iterator it(list.begin(), list.end(), row), end; it != end; ++it) {
      uuids[(*it)[2]] = (*it)[4];
    }
    std::string orgs = Admin({"org", "list"});
    std::regex org_row(R"(\d+\t([^\t]+)\t.*\t(identity--[0-9a-f-]{36}))");
    for (std::sregex_iterator it(orgs.begin(), orgs.end(), org_row), end; it != end; ++it) {
      identities[(*it)[1]] = (*it)[2];
    }
    EXPECT_EQ(uuids.size(), 2u) << list;
    EXPECT_EQ(identities.size(), 4u) << orgs;
  }
  std::string Admin(std::vector<std::string> args, std::vector<std::string> env = {}) {
    return RunAdmin(db, std::move(args), std::move(env));
  }
  std::string db;
  std::map<std::string, std::string> keys;        // user -> API key
  std::map<std::string, std::string> uuids;       // channel -> TAXII collection id
  std::map<std::string, std::string> identities;  // organisation -> identity id
};

inline json::value Parse(const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  return ec ? json::value() : v;
}

// POSTs STIX objects over TAXII into `channel` as `user`; expects 202 with
// every object stored.
inline void TaxiiPost(Network& net, uint16_t port, const std::string& user,
                      const std::string& channel, const std::vector<std::string>& objects) {
  std::string env = R"({"objects":[)";
  for (size_t i = 0; i < objects.size(); ++i) env += (i ? "," : "") + objects[i];
  env += "]}";
  HttpClient c(port);
  auto r = c.Request("POST", "/taxii2/ecrn/collections/" + net.uuids.at(channel) + "/objects/",
                     {{"Authorization", "Bearer " + net.keys.at(user)},
                      {"Accept", kTaxii},
                      {"Content-Type", kTaxii}},
                     env);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->status, 202) << r->body;
  auto v = Parse(r->body);
  ASSERT_TRUE(v.is_object()) << r->body;
  EXPECT_EQ(v.as_object().at("success_count").as_int64(), static_cast<int64_t>(objects.size()))
      << r->body;
}

// A sighting as the sensor sends it: by `org`, seen `count` times until now,
// TLP:AMBER.
inline std::string Sighting(Network& net, const std::string& org, int n, int count) {
  char id[64];
  std::snprintf(id, sizeof id, "sighting--5e5e5e5e-0000-4000-8000-%012d", n);
  const std::string now = FormatTimestamp(SystemClock().Now(), 3);
  const std::string first = FormatTimestamp(SystemClock().Now() - 3'600'000'000LL, 3);
  const std::string identity = net.identities.at(org);
  return std::string(R"({"type":"sighting","spec_version":"2.1","id":")") + id +
         R"(","created":")" + now + R"(","modified":")" + now + R"(","created_by_ref":")" +
         identity + R"(","sighting_of_ref":")" + kIndicator + R"(","count":)" +
         std::to_string(count) + R"(,"first_seen":")" + first + R"(","last_seen":")" + now +
         R"(","where_sighted_refs":[")" + identity + R"("],"object_marking_refs":[")" +
         std::string(stix::TlpMarkingId(stix::Tlp::kAmber)) + R"("]})";
}

inline json::object Get(Network& net, uint16_t port, const std::string& user,
                        const std::string& target) {
  HttpClient c(port);
  auto r = c.Request("GET", target, {{"Authorization", "Bearer " + net.keys.at(user)}});
  EXPECT_TRUE(r.has_value());
  if (!r) return {};
  EXPECT_EQ(r->status, 200) << target << " " << r->body;
  auto v = Parse(r->body);
  return v.is_object() ? v.as_object() : json::object{};
}

inline std::vector<std::string> OrgNames(const json::value& orgs) {
  std::vector<std::string> out;
  for (const auto& o : orgs.as_array()) {
    out.emplace_back(o.as_object().at("name").as_string());
  }
  return out;
}

// The "alert" events in SSE text, in order.
inline std::vector<json::object> AlertEvents(const std::string& text) {
  std::vector<json::object> out;
  size_t pos = 0;
  while ((pos = text.find("event: alert\ndata: ", pos)) != std::string::npos) {
    pos += 19;
    const size_t end = text.find('\n', pos);
    auto v = Parse(text.substr(pos, end - pos));
    EXPECT_TRUE(v.is_object()) << text.substr(pos, end - pos);
    if (v.is_object()) out.push_back(v.as_object());
  }
  return out;
}

// The end of an alert event for N organisations (organisation_count is the
// data's last member; an event is written whole).
inline std::string EndOfAlert(int n) {
  return "\"organisation_count\":" + std::to_string(n) + "}\n\n";
}

// The whole scenario: sightings are posted through `writer_port`, streams
// and reads go to `reader_port`.
inline void TwoOrganisationsRaiseTheAlertForTheirReadersOnly(Network& net, uint16_t writer_port,
                                                             uint16_t reader_port) {
  // CEC shares the indicator in "intel": everyone reads it.
  TaxiiPost(
      net, writer_port, "alice", "intel",
      {R"({"type":"indicator","spec_version":"2.1","id":")" + std::string(kIndicator) +
       R"(","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)"
       R"("name":"results-site phishing","pattern":"[domain-name:value = 'cec-results.example']",)"
       R"("pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"})"});
  auto alice = OpenStream(reader_port, net.keys.at("alice"));
  auto carol = OpenStream(reader_port, net.keys.at("carol"));

  // CEC's sensor in "intel", then Watch's in "cec-watch" (carol cannot read it).
  TaxiiPost(net, writer_port, "alice", "intel", {Sighting(net, "CEC", 1, 4)});
  TaxiiPost(net, writer_port, "wendy", "cec-watch", {Sighting(net, "Watch", 2, 9)});
  const std::string watch_identity = net.identities.at("Watch");

  // Alice reads both: seen by 2 organisations, on her stream and in the list.
  std::string alice_seen;
  ASSERT_TRUE(alice->ReadUntil(EndOfAlert(2), &alice_seen)) << alice_seen;
  auto alerts = AlertEvents(alice_seen);
  ASSERT_EQ(alerts.size(), 1u) << alice_seen;
  EXPECT_EQ(alerts[0].at("object").at("id").as_string(), kIndicator);
  EXPECT_EQ(alerts[0].at("object").at("name").as_string(), "results-site phishing");
  EXPECT_EQ(alerts[0].at("organisation_count").as_int64(), 2);
  EXPECT_EQ(OrgNames(alerts[0].at("organisations")), (std::vector<std::string>{"CEC", "Watch"}));
  EXPECT_EQ(alerts[0].at("count").as_int64(), 13);
  auto listed = Get(net, reader_port, "alice", "/api/v1/alerts");
  ASSERT_EQ(listed.at("items").as_array().size(), 1u) << json::serialize(listed);
  EXPECT_EQ(listed.at("items").at(0).at("organisation_count").as_int64(), 2);

  // Carol reads the indicator and CEC's sighting only: N = 1, no alert, and
  // nothing of Watch in the detail either.
  auto carol_alerts = Get(net, reader_port, "carol", "/api/v1/alerts");
  EXPECT_TRUE(carol_alerts.at("items").as_array().empty()) << json::serialize(carol_alerts);
  auto detail = Get(net, reader_port, "carol", std::string("/api/v1/objects/") + kIndicator);
  const auto& agg = detail.at("sightings").as_object();
  EXPECT_EQ(agg.at("count").as_int64(), 4);
  EXPECT_EQ(agg.at("sightings").as_int64(), 1);
  EXPECT_EQ(OrgNames(agg.at("organisations")), (std::vector<std::string>{"CEC"}));
  EXPECT_EQ(agg.at("organisations_last_24h").as_int64(), 1);
  EXPECT_EQ(json::serialize(detail).find(watch_identity), std::string::npos);
  auto alice_detail = Get(net, reader_port, "alice", std::string("/api/v1/objects/") + kIndicator);
  EXPECT_EQ(alice_detail.at("sightings").at("count").as_int64(), 13);
  EXPECT_EQ(OrgNames(alice_detail.at("sightings").at("organisations")),
            (std::vector<std::string>{"CEC", "Watch"}));

  // CEC's sensor again (another sighting) raises nothing; then CERT's in
  // "intel": carol's first alert (2: CEC and CERT, never Watch), alice's
  // second (3). The sentinel is the CERT alert: anything sent to carol about
  // the earlier sightings would have arrived before it.
  TaxiiPost(net, writer_port, "alice", "intel", {Sighting(net, "CEC", 3, 1)});
  TaxiiPost(net, writer_port, "bob", "intel", {Sighting(net, "CERT", 4, 2)});
  std::string carol_seen;
  ASSERT_TRUE(carol->ReadUntil(EndOfAlert(2), &carol_seen)) << carol_seen;
  auto carol_events = AlertEvents(carol_seen);
  ASSERT_EQ(carol_events.size(), 1u) << carol_seen;
  EXPECT_EQ(carol_events[0].at("organisation_count").as_int64(), 2);
  EXPECT_EQ(OrgNames(carol_events[0].at("organisations")),
            (std::vector<std::string>{"CEC", "CERT"}));
  EXPECT_EQ(carol_seen.find(watch_identity), std::string::npos) << carol_seen;
  EXPECT_EQ(carol_seen.find("sighting--5e5e5e5e-0000-4000-8000-000000000002"), std::string::npos);
  // The sighting events carol got are the three in "intel".
  for (int n : {1, 3, 4}) {
    char id[64];
    std::snprintf(id, sizeof id, "sighting--5e5e5e5e-0000-4000-8000-%012d", n);
    EXPECT_NE(carol_seen.find(id), std::string::npos) << id;
  }

  ASSERT_TRUE(alice->ReadUntil(EndOfAlert(3), &alice_seen)) << alice_seen;
  alerts = AlertEvents(alice_seen);
  ASSERT_EQ(alerts.size(), 2u) << alice_seen;  // CEC's second sighting raised none
  EXPECT_EQ(OrgNames(alerts[1].at("organisations")),
            (std::vector<std::string>{"CEC", "CERT", "Watch"}));

  carol_alerts = Get(net, reader_port, "carol", "/api/v1/alerts");
  ASSERT_EQ(carol_alerts.at("items").as_array().size(), 1u) << json::serialize(carol_alerts);
  EXPECT_EQ(OrgNames(carol_alerts.at("items").at(0).at("organisations")),
            (std::vector<std::string>{"CEC", "CERT"}));
  EXPECT_EQ(json::serialize(carol_alerts).find(watch_identity), std::string::npos);
  listed = Get(net, reader_port, "alice", "/api/v1/alerts");
  ASSERT_EQ(listed.at("items").as_array().size(), 1u);
  EXPECT_EQ(listed.at("items").at(0).at("organisation_count").as_int64(), 3);
  EXPECT_EQ(listed.at("items").at(0).at("count").as_int64(), 4 + 9 + 1 + 2);
}

}  // namespace ecrn::testing::sightings
