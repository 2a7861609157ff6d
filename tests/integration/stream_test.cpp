// The live stream on SQLite (see stream_cases.hpp).
#include "integration/stream_cases.hpp"

namespace ecrn::testing::stream {
namespace {

TEST(LiveStream, RedReachesOnlyItsRecipientAndResumeReplays) {
  TempDir dir;
  Network net(dir.File("hub.db"));
  Hub hub(net.db);
  ASSERT_NE(hub.port, 0) << hub.process.Stderr();
  RedReachesOnlyItsRecipient(net, hub.port, hub.port);
}

// An open stream re-reads its caller's rights (here before every event):
// an organisation that loses read on the channel stops getting its events,
// and a revoked key ends the stream.
TEST(LiveStream, FollowsRevokedRightsAndEndsForARevokedKey) {
  TempDir dir;
  Network net(dir.File("hub.db"));
  Hub hub(net.db, {"--stream-recheck-ms", "0"});
  ASSERT_NE(hub.port, 0) << hub.process.Stderr();
  auto bob = OpenStream(hub.port, net.keys[1]);
  auto carol = OpenStream(hub.port, net.keys[2]);

  // CERT (bob's organisation) loses read on "live"; carol still reads it.
  net.Admin({"channel", "grant", "--channel", "live", "--org", "CERT"});
  const std::string while_revoked = "0c0c0c0c-0000-4000-8000-00000000000c";
  Share(hub.port, net.keys[0],
        R"({"channel":1,"objects":[)" + Indicator(while_revoked, "while-revoked") + "]}");
  std::string carol_seen;
  EXPECT_TRUE(carol->ReadUntil(while_revoked, &carol_seen)) << carol_seen;

  // Read is given back: the next object reaches bob, the earlier one never did.
  net.Admin({"channel", "grant", "--channel", "live", "--org", "CERT", "--read"});
  const std::string restored = "0d0d0d0d-0000-4000-8000-00000000000d";
  Share(hub.port, net.keys[0],
        R"({"channel":1,"objects":[)" + Indicator(restored, "restored") + "]}");
  std::string bob_seen;
  EXPECT_TRUE(bob->ReadUntil(restored, &bob_seen)) << bob_seen;
  EXPECT_EQ(bob_seen.find(while_revoked), std::string::npos) << bob_seen;

  // Carol's key is revoked: at the next event her stream ends (last chunk)
  // without it, while bob gets it.
  net.Admin({"apikey", "revoke", net.keys[2]});
  const std::string after_key = "0e0e0e0e-0000-4000-8000-00000000000e";
  Share(hub.port, net.keys[0],
        R"({"channel":1,"objects":[)" + Indicator(after_key, "after-key-revoked") + "]}");
  EXPECT_TRUE(bob->ReadUntil(after_key, &bob_seen)) << bob_seen;
  carol_seen.clear();
  EXPECT_TRUE(carol->ReadUntil("\r\n0\r\n\r\n", &carol_seen)) << carol_seen;
  EXPECT_EQ(carol_seen.find(after_key), std::string::npos) << carol_seen;
}

TEST(LiveStream, NotificationsReachOnlyTheirUserAndResume) {
  TempDir dir;
  Network net(dir.File("hub.db"));
  Hub hub(net.db);
  ASSERT_NE(hub.port, 0) << hub.process.Stderr();
  NotificationsReachOnlyTheirUser(net, hub.port, hub.port);
}

TEST(LiveStream, NeedsAuthentication) {
  TempDir dir;
  Network net(dir.File("hub.db"));
  Hub hub(net.db);
  ASSERT_NE(hub.port, 0) << hub.process.Stderr();
  HttpClient c(hub.port);
  auto r = c.Request("GET", "/api/v1/stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

}  // namespace
}  // namespace ecrn::testing::stream
