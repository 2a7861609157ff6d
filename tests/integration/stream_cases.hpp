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

// Opens a stream as the key's user; returns the client (stream headers read).
inline std::unique_ptr<HttpClient> OpenStream(uint16_t port, const std::string& key,
                                              const std::string& last_event_id = "") {
  auto c = std::make_unique<HttpClient>(port);
  std::string req = "GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                    key + "\r\nAccept: text/event-stream\r\n";
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

}  // namespace ecrn::testing::stream
