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
