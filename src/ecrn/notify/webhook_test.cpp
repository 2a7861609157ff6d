// Webhooks: the signature scheme of docs/notifications.md (a vector computed
// with `openssl dgst -sha256 -hmac`, tampering, the replay window), URL
// rules, and WebhookSender end to end against a loopback HTTP receiver that
// verifies what arrives as an integrator would.
#include "ecrn/notify/webhook.hpp"

#include <chrono>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/http_receiver.hpp"

namespace ecrn::notify {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testing::HttpReceiver;
using testing::ScriptedResponse;

constexpr Micros kSecond = 1'000'000;
constexpr Micros kT0 = Micros{1'800'000'000} * kSecond;
const std::string kSecret = "whsec_3b1f0e6d2c";
const std::string kBody = R"({"type":"incident.created","incident":{"title":"DDoS"}})";
// printf '%s' '1800000000.<kBody>' | openssl dgst -sha256 -hmac 'whsec_3b1f0e6d2c'
const std::string kSignature =
    "sha256=ffa027d19a3a2b616250fa58a1103d1c5c7b65c3de44cd4a3cd01424711d30de";

TEST(WebhookSignature, IsHexHmacSha256OverTimestampDotBody) {
  EXPECT_EQ(WebhookSignature(kSecret, "1800000000", kBody), kSignature);
}

TEST(VerifyWebhookSignature, AcceptsTheSenderSignatureWithinTheWindow) {
  EXPECT_TRUE(VerifyWebhookSignature(kSecret, "1800000000", kBody, kSignature, kT0).ok());
  EXPECT_TRUE(
      VerifyWebhookSignature(kSecret, "1800000000", kBody, kSignature, kT0 + 300 * kSecond).ok());
  EXPECT_TRUE(
      VerifyWebhookSignature(kSecret, "1800000000", kBody, kSignature, kT0 - 300 * kSecond).ok());
}

TEST(VerifyWebhookSignature, RefusesTamperingReplayAndMalformedInput) {
  auto refusal = [](std::string_view secret, std::string_view ts, std::string_view body,
                    std::string_view header, Micros now) {
    auto r = VerifyWebhookSignature(secret, ts, body, header, now);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.error().message;
  };
  // Any change to the body, the timestamp, the secret or the signature.
  std::string body = kBody;
  body[body.size() - 3] = 'X';
  EXPECT_THAT(refusal(kSecret, "1800000000", body, kSignature, kT0), HasSubstr("signature"));
  EXPECT_THAT(refusal(kSecret, "1800000001", kBody, kSignature, kT0), HasSubstr("signature"));
  EXPECT_THAT(refusal("another secret", "1800000000", kBody, kSignature, kT0),
              HasSubstr("signature"));
  std::string flipped = kSignature;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_THAT(refusal(kSecret, "1800000000", kBody, flipped, kT0), HasSubstr("signature"));
  EXPECT_THAT(refusal(kSecret, "1800000000", kBody, kSignature.substr(7), kT0),
              HasSubstr("signature"));
  EXPECT_THAT(refusal(kSecret, "1800000000", kBody, "", kT0), HasSubstr("signature"));
  // A captured request replayed later, or stamped in the future.
  EXPECT_THAT(refusal(kSecret, "1800000000", kBody, kSignature, kT0 + 301 * kSecond),
              HasSubstr("window"));
  EXPECT_THAT(refusal(kSecret, "1800000000", kBody, kSignature, kT0 - 301 * kSecond),
              HasSubstr("window"));
  for (const char* ts : {"", "-1", "18e8", "1800000000.5", "99999999999999"}) {
    EXPECT_THAT(refusal(kSecret, ts, kBody, kSignature, kT0), HasSubstr("Unix seconds")) << ts;
  }
  auto r = VerifyWebhookSignature(kSecret, "1800000000", body, kSignature, kT0);
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
}

TEST(WebhookUrl, OnlyHttpAndHttpsWithoutUserInfo) {
  EXPECT_TRUE(ValidateWebhookUrl("https://chat.example/hooks/T0/B1/abc?x=1").ok());
  EXPECT_TRUE(ValidateWebhookUrl("http://127.0.0.1:8080/hook").ok());
  for (const char* bad :
       {"ftp://chat.example/hook", "file:///etc/passwd", "https://u:p@chat.example/",
        "chat.example/hook", "https:///nohost", ""}) {
    EXPECT_FALSE(ValidateWebhookUrl(bad).ok()) << bad;
  }
  // Logs get the origin only: chat webhook paths hold tokens.
  EXPECT_EQ(WebhookOrigin("https://chat.example:8443/hooks/T0/B1/secret-token"),
            "https://chat.example:8443");
}

// A clock the test moves (WebhookSender reads it on the calling thread).
class WebhookSenderTest : public ::testing::Test {
 protected:
  WebhookSender Sender() {
    return WebhookSender(
        [this](const Delivery& d) -> Result<std::string> {
          if (d.webhook_id != 42) return Error::NotFound("no such webhook");
          return secret_;
        },
        clock_, WebhookOptions{{}, 10s});
  }
  Delivery Hook(const std::string& url) const {
    Delivery d;
    d.id = 1;
    d.channel = std::string(kChannelWebhook);
    d.target = url;
    d.webhook_id = 42;
    d.event_kind = "incident.created";
    d.event_id = "incident--0b6f:created";
    d.body = kBody;
    d.attempts = 1;
    return d;
  }

  FixedClock clock_{kT0};
  std::string secret_ = kSecret;
  HttpReceiver receiver_;
};

TEST_F(WebhookSenderTest, PostsSignedJsonThatTheReceiverCanVerify) {
  const SendResult r = Sender().Send(Hook(receiver_.Url("/hooks/soar?tenant=cec")));
  ASSERT_EQ(r.status, SendStatus::kDelivered) << r.error;
  auto requests = receiver_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& q = requests[0];
  EXPECT_EQ(q.method, "POST");
  EXPECT_EQ(q.target, "/hooks/soar?tenant=cec");
  EXPECT_EQ(q.body, kBody);
  EXPECT_EQ(q.Header("content-type"), "application/json");
  EXPECT_EQ(q.Header("x-ecrn-event"), "incident.created");
  EXPECT_EQ(q.Header("x-ecrn-delivery"), "incident--0b6f:created");
  EXPECT_EQ(q.Header("x-ecrn-timestamp"), "1800000000");
  EXPECT_EQ(q.Header("x-ecrn-signature"), kSignature);
  // What an integrator's receiver does, a little later on its own clock.
  EXPECT_TRUE(VerifyWebhookSignature(kSecret, q.Header("x-ecrn-timestamp"), q.body,
                                     q.Header("x-ecrn-signature"), kT0 + 2 * kSecond)
                  .ok());
}

TEST_F(WebhookSenderTest, ServerErrorsAreRetriedGoneIsPermanent) {
  receiver_.Script({{500, {}, "oops"}, {200, {}, "ok"}, {410, {}, "gone"}});
  WebhookSender sender = Sender();
  SendResult r = sender.Send(Hook(receiver_.Url("/h")));
  EXPECT_EQ(r.status, SendStatus::kRetryable);
  EXPECT_THAT(r.error, HasSubstr("HTTP 500"));
  EXPECT_EQ(sender.Send(Hook(receiver_.Url("/h"))).status, SendStatus::kDelivered);
  r = sender.Send(Hook(receiver_.Url("/h")));
  EXPECT_EQ(r.status, SendStatus::kPermanent);
  EXPECT_THAT(r.error, HasSubstr("HTTP 410"));
  // The same delivery id on every attempt, so the receiver can deduplicate.
  auto requests = receiver_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].Header("x-ecrn-delivery"), requests[1].Header("x-ecrn-delivery"));
}

TEST_F(WebhookSenderTest, RetryAfterIsReported) {
  receiver_.Script({{429, {{"Retry-After", "120"}}, ""}});
  const SendResult r = Sender().Send(Hook(receiver_.Url("/h")));
  EXPECT_EQ(r.status, SendStatus::kRetryable);
  EXPECT_EQ(r.retry_after, 120 * kSecond);
}

TEST_F(WebhookSenderTest, RedirectsAreNotFollowed) {
  receiver_.Script({{302, {{"Location", "http://169.254.169.254/latest/meta-data"}}, ""}});
  const SendResult r = Sender().Send(Hook(receiver_.Url("/h")));
  EXPECT_EQ(r.status, SendStatus::kPermanent);
  EXPECT_THAT(r.error, HasSubstr("redirects are not followed"));
  EXPECT_EQ(receiver_.requests().size(), 1u);
}

TEST_F(WebhookSenderTest, BadDeliveriesArePermanentWithoutARequest) {
  WebhookSender sender = Sender();
  Delivery d = Hook("ftp://127.0.0.1/h");
  EXPECT_EQ(sender.Send(d).status, SendStatus::kPermanent);
  d = Hook(receiver_.Url("/h"));
  d.event_kind = "incident.created\r\nX-Injected: 1";
  EXPECT_EQ(sender.Send(d).status, SendStatus::kPermanent);
  d = Hook(receiver_.Url("/h"));
  d.event_id = "id\r\nX-Injected: 1";
  EXPECT_EQ(sender.Send(d).status, SendStatus::kPermanent);
  d = Hook(receiver_.Url("/h"));
  d.webhook_id = 7;  // removed since it was queued
  const SendResult r = sender.Send(d);
  EXPECT_EQ(r.status, SendStatus::kPermanent);
  EXPECT_THAT(r.error, HasSubstr("no secret"));
  d = Hook(receiver_.Url("/h"));
  d.channel = "email";
  EXPECT_EQ(sender.Send(d).status, SendStatus::kPermanent);
  EXPECT_TRUE(receiver_.requests().empty());
}

TEST_F(WebhookSenderTest, AnUnreachableReceiverIsRetried) {
  std::string url;
  {
    HttpReceiver gone;
    url = gone.Url("/h");
  }
  const SendResult r = Sender().Send(Hook(url));
  EXPECT_EQ(r.status, SendStatus::kRetryable);
  EXPECT_THAT(r.error, HasSubstr("http://127.0.0.1:"));
}

}  // namespace
}  // namespace ecrn::notify
