// The live stream (GET /api/v1/stream) over real HTTP, shared by the SQLite
// test and the PostgreSQL one (which also runs two servers on one
// database): RED reaches only its recipients, others never see it, and
// Last-Event-ID replays what was missed. Tests only.
#pragma once

#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ecrn/core/time.hpp"
#include "integration/hub_process.hpp"
#include "testing/http_client.hpp"
#include "testing/testing.hpp"

namespace ecrn::testing::stream {

using namespace std::chrono_literals;

inline constexpr char kPassword[] = "correct horse battery staple";

// A network on `db`: CEC (alice analyst), CERT (bob viewer), Other (carol
// viewer); channel "live" read by all three, written by CEC.
struct Network {
  explicit Network(std::string db_uri) : db(std::move(db_uri)) {
    Admin({"org", "add", "--name", "CEC", "--kind", "election-commission", "--country", "TL"});
    Admin({"org", "add", "--name", "CERT", "--kind", "cert", "--country", "TL"});
    Admin({"org", "add", "--name", "Other", "--kind", "civil-society", "--country", "XR"});
    for (auto [user, org, role] :
         {std::tuple{"alice", "CEC", "analyst"}, std::tuple{"bob", "CERT", "viewer"},
          std::tuple{"carol", "Other", "viewer"}}) {
      Admin({"user", "add", "--org", org, "--username", user, "--role", role},
            {std::string("ECRN_PASSWORD=") + kPassword});
      keys.push_back(Trim(Admin({"apikey", "create", "--user", user})));
    }
    Admin({"channel", "add", "--name", "live", "--default-tlp", "green"});
    Admin({"channel", "grant", "--channel", "live", "--org", "CEC", "--read", "--write"});
    Admin({"channel", "grant", "--channel", "live", "--org", "CERT", "--read"});
    Admin({"channel", "grant", "--channel", "live", "--org", "Other", "--read"});
  }
  static std::string Trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
  }
  std::string Admin(std::vector<std::string> args, std::vector<std::string> env = {}) {
    return RunAdmin(db, std::move(args), std::move(env));
  }
  std::string db;
  std::vector<std::string> keys;  // alice, bob, carol
};

// Opens a stream as the key's user (`query`: "?..." or ""); returns the
// client (stream headers read).
inline std::unique_ptr<HttpClient> OpenStream(uint16_t port, const std::string& key,
                                              const std::string& last_event_id = "",
                                              const std::string& query = "") {
  auto c = std::make_unique<HttpClient>(port);
  std::string req = "GET /api/v1/stream" + query +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key +
                    "\r\nAccept: text/event-stream\r\n";
  if (!last_event_id.empty()) req += "Last-Event-ID: " + last_event_id + "\r\n";
  EXPECT_TRUE(c->Send(req + "\r\n"));
  std::string seen;
  EXPECT_TRUE(c->ReadUntil(": ecrn live", &seen)) << seen;
  EXPECT_NE(seen.find("text/event-stream"), std::string::npos) << seen;
  return c;
}

inline std::string Indicator(const std::string& n, const std::string& name) {
  return R"({"type":"indicator","spec_version":"2.1","id":"indicator--)" + n +
         R"(","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z",)"
         R"("name":")" +
         name + R"(","pattern":"[domain-name:value = ')" + name +
         R"(.example']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"})";
}

// Posts one indicator as alice through REST; returns the HTTP status.
inline int Share(uint16_t port, const std::string& alice_key, const std::string& body) {
  HttpClient c(port);
  auto r = c.Request(
      "POST", "/api/v1/objects",
      {{"Authorization", "Bearer " + alice_key}, {"Content-Type", "application/json"}}, body);
  EXPECT_TRUE(r.has_value());
  if (r) {
    EXPECT_EQ(r->status, 201) << r->body;
  }
  return r ? r->status : 0;
}

inline std::string UserId(Network& net, const std::string& name) {
  std::string list = net.Admin({"user", "list"});
  std::smatch m;
  EXPECT_TRUE(std::regex_search(list, m, std::regex("(\\d+)\\t" + name + "\\t"))) << list;
  return m.size() > 1 ? std::string(m[1]) : "0";
}

// RED to bob reaches bob's stream (on `reader_port`) and never carol's; a
// later GREEN object reaches both, so carol's stream demonstrably works and
// the RED event, sent first, would have arrived before it.
inline void RedReachesOnlyItsRecipient(Network& net, uint16_t writer_port, uint16_t reader_port) {
  auto bob = OpenStream(reader_port, net.keys[1]);
  auto carol = OpenStream(reader_port, net.keys[2]);
  const std::string red_id = "0a0a0a0a-0000-4000-8000-00000000000a";
  const std::string green_id = "0b0b0b0b-0000-4000-8000-00000000000b";
  Share(writer_port, net.keys[0],
        R"({"channel":1,"tlp":"red","red_recipients":[)" + UserId(net, "bob") + R"(],"objects":[)" +
            Indicator(red_id, "red-secret") + "]}");
  Share(writer_port, net.keys[0],
        R"({"channel":1,"tlp":"green","objects":[)" + Indicator(green_id, "green-news") + "]}");
  std::string bob_seen, carol_seen;
  EXPECT_TRUE(bob->ReadUntil(green_id, &bob_seen)) << bob_seen;
  EXPECT_NE(bob_seen.find(red_id), std::string::npos) << bob_seen;
  EXPECT_LT(bob_seen.find(red_id), bob_seen.find(green_id));
  EXPECT_NE(bob_seen.find("event: object"), std::string::npos);
  EXPECT_TRUE(carol->ReadUntil(green_id, &carol_seen)) << carol_seen;
  EXPECT_EQ(carol_seen.find(red_id), std::string::npos) << carol_seen;
  EXPECT_EQ(carol_seen.find("red-secret"), std::string::npos) << carol_seen;

  // Resume: from the id before the RED event, bob gets both again, carol
  // only the GREEN one.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(bob_seen, m, std::regex(R"(id: (\d+)\n)")));
  const std::string first_id = std::to_string(std::stoll(m[1]) - 1);
  auto bob_again = OpenStream(reader_port, net.keys[1], first_id);
  std::string replay;
  EXPECT_TRUE(bob_again->ReadUntil(green_id, &replay)) << replay;
  EXPECT_NE(replay.find(red_id), std::string::npos) << replay;
  auto carol_again = OpenStream(reader_port, net.keys[2], first_id);
  EXPECT_TRUE(carol_again->ReadUntil(green_id, &replay)) << replay;
  EXPECT_EQ(replay.find(red_id), std::string::npos) << replay;
}

// A REST call as the key's user; the response (status 0 when it failed).
inline HttpResponse Call(uint16_t port, const std::string& key, const std::string& method,
                         const std::string& target, const std::string& body = "") {
  HttpClient c(port);
  std::vector<std::pair<std::string, std::string>> headers = {{"Authorization", "Bearer " + key}};
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  auto r = c.Request(method, target, headers, body);
  EXPECT_TRUE(r.has_value()) << method << " " << target;
  return r.value_or(HttpResponse{});
}

// A valid incident report titled `title`, detected `minutes_ago` minutes ago.
inline std::string IncidentReport(const std::string& title, int minutes_ago = 60) {
  const std::string detected =
      FormatTimestamp(SystemClock().Now() - int64_t{minutes_ago} * 60'000'000, 3);
  return R"({"title":")" + title +
         R"(","description":"The results website stopped answering; traffic is 40x normal.",)"
         R"("detected":")" +
         detected +
         R"(","category":"availability","election_targets":["results-publication"],)"
         R"("phase":"results","severity":"high","tlp":"amber",)"
         R"("impacts":{"availability":"high","public_trust":"medium"}})";
}

// The first match of `pattern`'s group 1 in `text`, or "".
inline std::string Find(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? std::string(m[1]) : std::string();
}

// In-app notifications reach the streams (on `reader_port`) of the user
// they are addressed to and no other: alice's report tells alice, not
// dave; the invitation tells dave, not alice. Each check waits for a later
// notification of the same user, which the feed hands out after the one
// that must not arrive. `?notifications_after=` replays the user's own.
inline void NotificationsReachOnlyTheirUser(Network& net, uint16_t writer_port,
                                            uint16_t reader_port) {
  net.Admin({"user", "add", "--org", "Other", "--username", "dave", "--role", "analyst"},
            {std::string("ECRN_PASSWORD=") + kPassword});
  const std::string dave_key = Network::Trim(net.Admin({"apikey", "create", "--user", "dave"}));
  const std::string& alice_key = net.keys[0];
  auto alice = OpenStream(reader_port, alice_key);
  auto dave = OpenStream(reader_port, dave_key);

  auto first =
      Call(writer_port, alice_key, "POST", "/api/v1/incidents", IncidentReport("First outage"));
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string case_id = Find(first.body, R"re("stix_id":"(incident--[0-9a-f-]+)")re");
  std::string alice_seen;
  ASSERT_TRUE(alice->ReadUntil("New incident: First outage", &alice_seen)) << alice_seen;
  EXPECT_NE(alice_seen.find("event: notification\ndata: {\"id\":"), std::string::npos)
      << alice_seen;
  EXPECT_NE(alice_seen.find(R"("kind":"incident.reported","subject":")" + case_id),
            std::string::npos)
      << alice_seen;
  const std::string first_id = Find(alice_seen, R"re("id":(\d+),"kind":"incident.reported")re");
  ASSERT_FALSE(first_id.empty()) << alice_seen;

  auto invited =
      Call(writer_port, alice_key, "POST", "/api/v1/incidents/" + case_id + "/participants",
           R"({"org":"Other","role":"peer-commission"})");
  ASSERT_EQ(invited.status, 200) << invited.body;
  std::string dave_seen;
  ASSERT_TRUE(dave->ReadUntil("incident.invited", &dave_seen)) << dave_seen;
  EXPECT_EQ(dave_seen.find("incident.reported"), std::string::npos) << dave_seen;

  auto second =
      Call(writer_port, alice_key, "POST", "/api/v1/incidents", IncidentReport("Second outage"));
  ASSERT_EQ(second.status, 201) << second.body;
  ASSERT_TRUE(alice->ReadUntil("New incident: Second outage", &alice_seen)) << alice_seen;
  EXPECT_EQ(alice_seen.find("incident.invited"), std::string::npos) << alice_seen;

  // Resume: after the first, alice's stream replays the second only; dave's
  // from the start replays his invitation only.
  auto alice_again = OpenStream(reader_port, alice_key, "", "?notifications_after=" + first_id);
  std::string replay;
  EXPECT_TRUE(alice_again->ReadUntil("New incident: Second outage", &replay)) << replay;
  EXPECT_EQ(replay.find("First outage"), std::string::npos) << replay;
  auto dave_again = OpenStream(reader_port, dave_key, "", "?notifications_after=0");
  EXPECT_TRUE(dave_again->ReadUntil("incident.invited", &replay)) << replay;
  EXPECT_EQ(replay.find("incident.reported"), std::string::npos) << replay;

  EXPECT_EQ(Call(reader_port, alice_key, "GET", "/api/v1/stream?notifications_after=x").status,
            400);
}

}  // namespace ecrn::testing::stream
