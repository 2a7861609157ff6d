// The audit log as `ecrn serve` writes it, over real HTTP: logins, failed
// logins, key use, submissions and RED reads (detail and live stream) are
// recorded with the client's address and the request id the server sent
// back; GET /api/v1/audit serves them to the network admin only; and
// `ecrn audit verify` accepts the chain the CLI and the hub wrote together.
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "integration/stream_cases.hpp"

namespace ecrn::testing::stream {
namespace {

namespace json = boost::json;

// Every entry GET /api/v1/audit gives the key's user (status on failure).
int AuditEntries(uint16_t port, const std::string& key, std::vector<json::object>* out,
                 const std::string& filters = "") {
  HttpClient c(port);
  std::string target = "/api/v1/audit?limit=1000" + filters;
  for (int page = 0; page < 1000; ++page) {
    auto r = c.Request("GET", target, {{"Authorization", "Bearer " + key}});
    if (!r) return 0;
    if (r->status != 200) return r->status;
    auto v = json::parse(r->body).as_object();
    for (auto& e : v["items"].as_array()) out->push_back(e.as_object());
    if (v["next_cursor"].is_null()) break;
    target = "/api/v1/audit?limit=1000" + filters +
             "&cursor=" + std::string(v["next_cursor"].as_string());
  }
  return 200;
}

TEST(HubAudit, TheHubRecordsWhatCallersDoAndTheChainVerifies) {
  TempDir dir;
  Network net(dir.File("hub.db"));
  net.Admin({"org", "add", "--name", "Hub", "--kind", "coordinator", "--country", "TL"});
  net.Admin({"user", "add", "--org", "Hub", "--username", "root", "--role", "network-admin"},
            {std::string("ECRN_PASSWORD=") + kPassword});
  const std::string root_key = Network::Trim(net.Admin({"apikey", "create", "--user", "root"}));
  Hub hub(net.db);
  ASSERT_NE(hub.port, 0) << hub.process.Stderr();

  HttpClient c(hub.port);
  auto failed = c.Request("POST", "/api/v1/session", {{"Content-Type", "application/json"}},
                          R"({"username":"alice","password":"not the password"})");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 401);
  const std::string failed_request_id = failed->Header("x-request-id");
  EXPECT_FALSE(failed_request_id.empty());
  auto login = c.Request("POST", "/api/v1/session", {{"Content-Type", "application/json"}},
                         R"({"username":"alice","password":")" + std::string(kPassword) + R"("})");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 200) << login->body;

  // RED to bob: shared, then read by bob in detail and on his live stream.
  auto bob_stream = OpenStream(hub.port, net.keys[1]);
  const std::string red_id = "indicator--0c0c0c0c-0000-4000-8000-00000000000c";
  Share(hub.port, net.keys[0],
        R"({"channel":1,"tlp":"red","red_recipients":[)" + UserId(net, "bob") + R"(],"objects":[)" +
            Indicator("0c0c0c0c-0000-4000-8000-00000000000c", "red-audit") + "]}");
  std::string seen;
  EXPECT_TRUE(bob_stream->ReadUntil(red_id, &seen)) << seen;
  auto detail =
      c.Request("GET", "/api/v1/objects/" + red_id, {{"Authorization", "Bearer " + net.keys[1]}});
  ASSERT_TRUE(detail);
  EXPECT_EQ(detail->status, 200) << detail->body;

  // Only administrators read the log.
  std::vector<json::object> none;
  EXPECT_EQ(AuditEntries(hub.port, net.keys[0], &none), 403);
  EXPECT_TRUE(none.empty());

  std::vector<json::object> entries;
  ASSERT_EQ(AuditEntries(hub.port, root_key, &entries), 200);
  auto find = [&](const std::string& action, const std::string& actor) -> const json::object* {
    for (const auto& e : entries) {
      if (e.at("action") == action.c_str() && e.at("actor") == actor.c_str()) return &e;
    }
    return nullptr;
  };
  const json::object* failure = find("login.failure", "anonymous");
  ASSERT_TRUE(failure) << json::serialize(json::value_from(entries));
  EXPECT_EQ(failure->at("remote_addr"), "127.0.0.1");
  EXPECT_EQ(failure->at("detail").at("username"), "alice");
  EXPECT_EQ(failure->at("detail").at("request_id"), failed_request_id.c_str());
  EXPECT_TRUE(find("login.success", "alice"));
  EXPECT_TRUE(find("apikey.used", "alice"));
  const json::object* submit = find("object.submit", "alice");
  ASSERT_TRUE(submit);
  EXPECT_EQ(submit->at("detail").at("red_ids").at(0), red_id.c_str());
  int stream_reads = 0, detail_reads = 0;
  for (const auto& e : entries) {
    if (e.at("action") != "red.read" || e.at("actor") != "bob") continue;
    EXPECT_EQ(e.at("target"), red_id.c_str());
    const auto& endpoint = e.at("detail").at("endpoint");
    stream_reads += endpoint == "stream" ? 1 : 0;
    detail_reads += endpoint == "rest.detail" ? 1 : 0;
  }
  EXPECT_EQ(stream_reads, 1);
  EXPECT_EQ(detail_reads, 1);
  // The CLI's own changes are in the same log.
  bool cli_entry = false;
  for (const auto& e : entries) {
    cli_entry |= e.at("action") == "user.create" &&
                 std::string(e.at("actor").as_string()).rfind("cli", 0) == 0;
  }
  EXPECT_TRUE(cli_entry);

  // One chain, written by the CLI and the running hub together.
  auto verify = ecrn::testing::Run({EcrnBin(), "audit", "verify", "--db", net.db});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("intact: " + std::to_string(entries.size())), std::string::npos)
      << verify.out;
  auto list =
      ecrn::testing::Run({EcrnBin(), "audit", "list", "--db", net.db, "--action", "red.read"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find(red_id), std::string::npos) << list.out;
}

}  // namespace
}  // namespace ecrn::testing::stream
