// The live stream on PostgreSQL with two `ecrn serve` processes on one
// database: an object shared through one arrives on the other's stream
// (LISTEN/NOTIFY), RED only to its recipient (see stream_cases.hpp); both
// servers and the CLI extend one audit chain, which verifies.
#include "integration/stream_cases.hpp"

namespace ecrn::testing::stream {
namespace {

TEST(LiveStreamPg, TwoServersOneDatabase) {
  Network net(FreshPgDatabase());
  Hub writer(net.db);
  Hub reader(net.db);
  ASSERT_NE(writer.port, 0) << writer.process.Stderr();
  ASSERT_NE(reader.port, 0) << reader.process.Stderr();
  RedReachesOnlyItsRecipient(net, writer.port, reader.port);

  // The writer recorded the submissions, the reader bob's RED deliveries.
  auto reads = net.Admin({"audit", "list", "--action", "red.read"});
  EXPECT_NE(reads.find("\"endpoint\":\"stream\""), std::string::npos) << reads;
  EXPECT_NE(net.Admin({"audit", "list", "--action", "object.submit"}).find("alice"),
            std::string::npos);
  auto verify = ecrn::testing::Run({EcrnBin(), "audit", "verify", "--db", net.db});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

// A notification added through one server reaches its user's stream on the other.
TEST(LiveStreamPg, NotificationsCrossServers) {
  Network net(FreshPgDatabase());
  Hub writer(net.db);
  Hub reader(net.db);
  ASSERT_NE(writer.port, 0) << writer.process.Stderr();
  ASSERT_NE(reader.port, 0) << reader.process.Stderr();
  NotificationsReachOnlyTheirUser(net, writer.port, reader.port);
}

}  // namespace
}  // namespace ecrn::testing::stream
