// The live stream on PostgreSQL with two `ecrn serve` processes on one
// database: an object shared through one arrives on the other's stream
// (LISTEN/NOTIFY), RED only to its recipient (see stream_cases.hpp).
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
}

}  // namespace
}  // namespace ecrn::testing::stream
