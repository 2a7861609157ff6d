// The retry schedule, which HTTP statuses and SMTP replies are retried,
// Retry-After in both forms, and the in-memory queue's claim / lease /
// outcome rules that the database queue shares.
#include "ecrn/notify/delivery.hpp"

#include <gtest/gtest.h>

namespace ecrn::notify {
namespace {

constexpr Micros kSecond = 1'000'000;
constexpr Micros kT0 = 1'800'000'000 * kSecond;  // 2027-01-15T08:00:00Z

TEST(RetryPolicy, FollowsTheScheduleThenGivesUp) {
  const RetryPolicy policy;
  const SendResult failure = SendResult::Retry("HTTP 500");
  const Micros expected[] = {30 * kSecond, 120 * kSecond, 600 * kSecond, 3600 * kSecond,
                             21600 * kSecond};
  for (int attempt = 1; attempt <= 5; ++attempt) {
    auto next = policy.NextAttempt(attempt, failure, kT0);
    ASSERT_TRUE(next.has_value()) << attempt;
    EXPECT_EQ(*next - kT0, expected[attempt - 1]) << attempt;
  }
  EXPECT_FALSE(policy.NextAttempt(6, failure, kT0).has_value());
}

TEST(RetryPolicy, LastDelayRepeatsWhenMoreAttemptsAreAllowed) {
  RetryPolicy policy;
  policy.backoff = {10 * kSecond, 20 * kSecond};
  policy.max_attempts = 5;
  EXPECT_EQ(*policy.NextAttempt(4, SendResult::Retry("x"), kT0), kT0 + 20 * kSecond);
  EXPECT_FALSE(policy.NextAttempt(5, SendResult::Retry("x"), kT0).has_value());
}

TEST(RetryPolicy, PermanentAndDeliveredAreNeverRetried) {
  const RetryPolicy policy;
  EXPECT_FALSE(policy.NextAttempt(1, SendResult::Permanent("HTTP 410"), kT0).has_value());
  EXPECT_FALSE(policy.NextAttempt(1, SendResult::Delivered(), kT0).has_value());
}

TEST(RetryPolicy, RetryAfterIsHonouredButCapped) {
  const RetryPolicy policy;
  // Longer than the schedule's 30 s: the receiver's wish wins.
  EXPECT_EQ(*policy.NextAttempt(1, SendResult::Retry("429", 900 * kSecond), kT0),
            kT0 + 900 * kSecond);
  // Shorter than the schedule: the schedule wins.
  EXPECT_EQ(*policy.NextAttempt(3, SendResult::Retry("429", 5 * kSecond), kT0),
            kT0 + 600 * kSecond);
  // A receiver cannot park a delivery for a year.
  EXPECT_EQ(*policy.NextAttempt(1, SendResult::Retry("429", 365 * 86400 * kSecond), kT0),
            kT0 + policy.max_retry_after);
}

TEST(ClassifyHttpStatus, SortsStatusesIntoDeliveredRetryableAndPermanent) {
  for (int status : {200, 201, 202, 204}) {
    EXPECT_EQ(ClassifyHttpStatus(status, std::nullopt, kT0).status, SendStatus::kDelivered)
        << status;
  }
  for (int status : {408, 429, 500, 502, 503, 504}) {
    EXPECT_EQ(ClassifyHttpStatus(status, std::nullopt, kT0).status, SendStatus::kRetryable)
        << status;
  }
  for (int status : {301, 302, 400, 401, 403, 404, 410, 413, 422}) {
    const SendResult r = ClassifyHttpStatus(status, std::nullopt, kT0);
    EXPECT_EQ(r.status, SendStatus::kPermanent) << status;
    EXPECT_NE(r.error.find(std::to_string(status)), std::string::npos) << r.error;
  }
}

TEST(ClassifyHttpStatus, ReadsRetryAfterOnlyFor429And503) {
  EXPECT_EQ(ClassifyHttpStatus(429, "120", kT0).retry_after, 120 * kSecond);
  EXPECT_EQ(ClassifyHttpStatus(503, "7", kT0).retry_after, 7 * kSecond);
  EXPECT_FALSE(ClassifyHttpStatus(500, "120", kT0).retry_after.has_value());
  EXPECT_FALSE(ClassifyHttpStatus(429, "soon", kT0).retry_after.has_value());
}

TEST(ParseRetryAfter, DeltaSecondsAndHttpDates) {
  EXPECT_EQ(ParseRetryAfter("0", kT0), 0);
  EXPECT_EQ(ParseRetryAfter(" 3600 ", kT0), 3600 * kSecond);
  // kT0 is Fri, 15 Jan 2027 08:00:00 GMT.
  EXPECT_EQ(ParseRetryAfter("Fri, 15 Jan 2027 08:02:30 GMT", kT0), 150 * kSecond);
  // A date in the past means "now".
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", kT0), 0);
  for (const char* bad :
       {"", "-5", "1.5", "Fri, 15 Jan 2027 08:02:30 UTC", "Fri, 15 Jxx 2027 08:02:30 GMT",
        "Fri, 32 Jan 2027 08:02:30 GMT", "tomorrow"}) {
    EXPECT_FALSE(ParseRetryAfter(bad, kT0).has_value()) << bad;
  }
}

TEST(ClassifySmtpReply, FourIsTransientFiveIsPermanent) {
  EXPECT_EQ(ClassifySmtpReply(250, "").status, SendStatus::kDelivered);
  EXPECT_EQ(ClassifySmtpReply(421, "busy").status, SendStatus::kRetryable);
  EXPECT_EQ(ClassifySmtpReply(451, "later").status, SendStatus::kRetryable);
  EXPECT_EQ(ClassifySmtpReply(550, "no such user").status, SendStatus::kPermanent);
  EXPECT_EQ(ClassifySmtpReply(554, "rejected").error, "rejected");
}

TEST(ValidateEventId, AcceptsHeaderSafeTokensOnly) {
  EXPECT_TRUE(ValidateEventId("incident--5f0c:created.1").ok());
  for (const std::string& bad : {std::string(), std::string("a b"), std::string("a\r\nb"),
                                 std::string("é"), std::string(201, 'a')}) {
    EXPECT_FALSE(ValidateEventId(bad).ok()) << bad;
  }
}

Delivery Webhook(std::string event_id, Micros due) {
  Delivery d;
  d.channel = std::string(kChannelWebhook);
  d.target = "https://soar.example/hook";
  d.event_kind = "incident.created";
  d.body = "{}";
  d.event_id = std::move(event_id);
  d.next_attempt = due;
  return d;
}

TEST(MemoryDeliveryQueue, ClaimsDueDeliveriesOldestFirstAndCountsTheAttempt) {
  MemoryDeliveryQueue queue;
  const int64_t later = queue.Enqueue(Webhook("later", kT0 + 60 * kSecond));
  const int64_t second = queue.Enqueue(Webhook("second", kT0 - 5 * kSecond));
  const int64_t first = queue.Enqueue(Webhook("first", kT0 - 10 * kSecond));
  auto claimed = queue.Claim(kT0, 10, 300 * kSecond);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 2u);
  EXPECT_EQ((*claimed)[0].id, first);
  EXPECT_EQ((*claimed)[1].id, second);
  EXPECT_EQ((*claimed)[0].attempts, 1);
  EXPECT_EQ(queue.Get(later)->delivery.attempts, 0);
}

TEST(MemoryDeliveryQueue, AClaimedDeliveryIsNotClaimedAgainUntilItsLeaseEnds) {
  MemoryDeliveryQueue queue;
  const int64_t id = queue.Enqueue(Webhook("e1", kT0));
  ASSERT_EQ(queue.Claim(kT0, 10, 300 * kSecond)->size(), 1u);
  EXPECT_TRUE(queue.Claim(kT0 + 299 * kSecond, 10, 300 * kSecond)->empty());
  // The claimer died: after the lease another may take it, as attempt 2.
  auto again = queue.Claim(kT0 + 300 * kSecond, 10, 300 * kSecond);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].id, id);
  EXPECT_EQ((*again)[0].attempts, 2);
}

TEST(MemoryDeliveryQueue, OutcomesNeedAClaimAndEndOrRescheduleTheDelivery) {
  MemoryDeliveryQueue queue;
  const int64_t done = queue.Enqueue(Webhook("done", kT0));
  const int64_t retry = queue.Enqueue(Webhook("retry", kT0));
  const int64_t gone = queue.Enqueue(Webhook("gone", kT0));
  EXPECT_EQ(queue.Succeeded(done, kT0).error().code, ErrorCode::kConflict);  // not claimed
  EXPECT_EQ(queue.Succeeded(999, kT0).error().code, ErrorCode::kNotFound);
  ASSERT_EQ(queue.Claim(kT0, 10, 300 * kSecond)->size(), 3u);

  ASSERT_TRUE(queue.Succeeded(done, kT0 + kSecond).ok());
  ASSERT_TRUE(queue.Failed(retry, "HTTP 500", kT0 + 30 * kSecond, kT0 + kSecond).ok());
  ASSERT_TRUE(queue.Failed(gone, "HTTP 410", std::nullopt, kT0 + kSecond).ok());
  EXPECT_EQ(queue.Get(done)->state, MemoryDeliveryQueue::State::kDelivered);
  EXPECT_EQ(queue.Get(gone)->state, MemoryDeliveryQueue::State::kGivenUp);
  EXPECT_EQ(queue.Get(gone)->delivery.last_error, "HTTP 410");
  EXPECT_EQ(queue.Get(retry)->state, MemoryDeliveryQueue::State::kPending);
  EXPECT_EQ(queue.Get(retry)->delivery.last_error, "HTTP 500");
  // A finished delivery cannot be finished again.
  EXPECT_FALSE(queue.Succeeded(done, kT0 + kSecond).ok());

  // Only the rescheduled one comes back, and only when due.
  EXPECT_TRUE(queue.Claim(kT0 + 29 * kSecond, 10, 300 * kSecond)->empty());
  auto again = queue.Claim(kT0 + 30 * kSecond, 10, 300 * kSecond);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].id, retry);
  EXPECT_EQ((*again)[0].last_error, "HTTP 500");
}

TEST(MemoryDeliveryQueue, ClaimHonoursTheLimit) {
  MemoryDeliveryQueue queue;
  for (int i = 0; i < 5; ++i) queue.Enqueue(Webhook("e" + std::to_string(i), kT0));
  EXPECT_EQ(queue.Claim(kT0, 3, kSecond)->size(), 3u);
  EXPECT_EQ(queue.Claim(kT0, 3, kSecond)->size(), 2u);
}

}  // namespace
}  // namespace ecrn::notify
