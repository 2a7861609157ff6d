// Reporting-clock warnings from a real `ecrn serve` (notify/clock_warnings):
// with a rule whose deadline is one minute after detection, a case reported
// late is overdue at once; the owner's analyst is told in-app and on the
// live stream, and the organisation's webhook is called, signed; a server
// started on the database afterwards finds the warning claimed and sends
// nothing again.
#include <csignal>
#include <thread>

#include "ecrn/notify/webhook.hpp"
#include "integration/stream_cases.hpp"
#include "testing/http_receiver.hpp"

namespace ecrn::testing::stream {
namespace {

// The requests `receiver` got with X-ECRN-Event `event`.
std::vector<ReceivedRequest> Received(const HttpReceiver& receiver, const std::string& event) {
  std::vector<ReceivedRequest> out;
  for (auto& r : receiver.requests()) {
    if (r.Header("x-ecrn-event") == event) out.push_back(std::move(r));
  }
  return out;
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(ClockWarnings, AnOverdueClockIsToldOnceInAppOnTheStreamAndByWebhook) {
  TempDir dir;
  Network net(dir.File("hub.db"));
  net.Admin({"org", "add", "--name", "Hub", "--kind", "coordinator", "--country", "TL"});
  const std::vector<std::string> password = {std::string("ECRN_PASSWORD=") + kPassword};
  net.Admin({"user", "add", "--org", "Hub", "--username", "root", "--role", "network-admin"},
            password);
  net.Admin({"user", "add", "--org", "CEC", "--username", "cec-admin", "--role", "org-admin"},
            password);
  const std::string root = Network::Trim(net.Admin({"apikey", "create", "--user", "root"}));
  const std::string cec_admin =
      Network::Trim(net.Admin({"apikey", "create", "--user", "cec-admin"}));
  const std::string& alice = net.keys[0];
  const std::vector<std::string> flags = {"--clock-interval-ms", "200"};
  auto hub = std::make_unique<Hub>(net.db, flags);
  ASSERT_NE(hub->port, 0) << hub->process.Stderr();

  auto rule = Call(hub->port, root, "PUT", "/api/v1/clock-rules",
                   R"({"name":"Tiny","country":"TL","category":"","clocks":[{"token":)"
                   R"("early-warning","label":"Tiny early warning","within":"PT1M",)"
                   R"("anchor":"detected"}]})");
  ASSERT_EQ(rule.status, 200) << rule.body;
  HttpReceiver receiver;
  auto hook = Call(
      hub->port, cec_admin, "POST", "/api/v1/webhooks",
      R"({"url":")" + receiver.Url("/clock") + R"(","events":["clock.due-soon","clock.overdue"]})");
  ASSERT_EQ(hook.status, 201) << hook.body;
  const std::string secret = Find(hook.body, R"re("secret":"([^"]+)")re");
  auto stream = OpenStream(hub->port, alice);

  // Detected five minutes ago: the one-minute clock is overdue when reported.
  auto report =
      Call(hub->port, alice, "POST", "/api/v1/incidents", IncidentReport("Late report", 5));
  ASSERT_EQ(report.status, 201) << report.body;
  const std::string case_id = Find(report.body, R"re("stix_id":"(incident--[0-9a-f-]+)")re");
  EXPECT_NE(report.body.find(R"("clock_rule":"Tiny")"), std::string::npos) << report.body;

  std::string seen;
  ASSERT_TRUE(stream->ReadUntil("Overdue: Tiny early warning", &seen))
      << seen << hub->process.Stderr();
  EXPECT_NE(seen.find(R"("kind":"clock.overdue","subject":")" + case_id), std::string::npos)
      << seen;
  EXPECT_NE(seen.find(R"("threshold":"overdue")"), std::string::npos) << seen;

  // The dispatcher calls the webhook (it polls its queue every 2 s).
  std::vector<ReceivedRequest> calls;
  for (int i = 0; i < 600 && calls.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    calls = Received(receiver, "clock.overdue");
  }
  ASSERT_EQ(calls.size(), 1u) << hub->process.Stderr();
  EXPECT_NE(calls[0].body.find(case_id), std::string::npos) << calls[0].body;
  EXPECT_NE(calls[0].body.find(R"("clock":"early-warning")"), std::string::npos) << calls[0].body;
  EXPECT_TRUE(notify::VerifyWebhookSignature(secret, calls[0].Header("x-ecrn-timestamp"),
                                             calls[0].body, calls[0].Header("x-ecrn-signature"),
                                             SystemClock().Now())
                  .ok());

  // The server stops cleanly; a new one on the database reads every open
  // case on its first pass, finds the warning claimed, and sends nothing.
  hub->process.Signal(SIGTERM);
  EXPECT_EQ(hub->process.Wait(std::chrono::seconds(60)), std::optional<int>(0))
      << hub->process.Stderr();
  hub.reset();
  Hub again(net.db, flags);
  ASSERT_NE(again.port, 0) << again.process.Stderr();
  const std::string first_pass = "read every open case (1), sent 0 warnings";
  for (int i = 0; i < 600 && again.process.Stderr().find(first_pass) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_NE(again.process.Stderr().find(first_pass), std::string::npos) << again.process.Stderr();

  auto inbox = Call(again.port, alice, "GET", "/api/v1/notifications");
  ASSERT_EQ(inbox.status, 200) << inbox.body;
  EXPECT_EQ(Count(inbox.body, R"("kind":"clock.overdue")"), 1u) << inbox.body;
  EXPECT_EQ(Count(inbox.body, R"("kind":"clock.due-soon")"), 0u) << "one warning per clock";
  EXPECT_EQ(Received(receiver, "clock.overdue").size(), 1u);
}

}  // namespace
}  // namespace ecrn::testing::stream
