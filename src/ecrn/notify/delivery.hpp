// Outgoing notifications (e-mail, webhooks) as values: a `Delivery`, the
// queue they wait in (`DeliveryQueue`, implemented on the database by the
// store and in memory for tests), what a sender reports (`SendResult`), and
// when to try again (`RetryPolicy`, HTTP status and SMTP reply classes).
// Values and pure functions are thread-compatible; MemoryDeliveryQueue is
// thread-safe, and so must every DeliveryQueue be.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"

namespace ecrn::notify {

inline constexpr std::string_view kChannelEmail = "email";
inline constexpr std::string_view kChannelWebhook = "webhook";

// One message to send to one recipient.
struct Delivery {
  int64_t id = 0;
  std::string channel;  // kChannelEmail or kChannelWebhook
  std::string target;   // an e-mail address, or a webhook's http(s) URL
  std::string subject;  // e-mail: the Subject (UTF-8); webhook: unused
  // What happened, a token such as "incident.created" (1 to 100 of A-Z a-z
  // 0-9 . _ -): a webhook's X-ECRN-Event.
  std::string event_kind;
  std::string body;  // e-mail: UTF-8 text; webhook: the JSON document posted
  // Stable over retries: the idempotency key receivers deduplicate on
  // (X-ECRN-Delivery, and the e-mail's Message-ID). Letters, digits, '.', '_',
  // ':', '-' only.
  std::string event_id;
  // The webhook registration the target belongs to (its secret signs the
  // body); 0 for e-mail.
  int64_t webhook_id = 0;
  // Attempts started so far, this one included once claimed (1 on the first).
  int attempts = 0;
  Micros next_attempt = 0;  // not sent before this
  std::string last_error;   // why the previous attempt failed ("" if none)
};

// OK for an event id of 1 to 200 characters of A-Z a-z 0-9 . _ : - (safe in
// mail and HTTP headers); kInvalidArgument otherwise.
Result<void> ValidateEventId(std::string_view event_id);

// Where deliveries wait (store::IncidentStore's delivery queue maps onto it:
// Claim = ClaimDeliveries(now, limit, now + lease), Succeeded =
// CompleteDelivery(id, true, "", nullopt), Failed = CompleteDelivery(id,
// false, error, next_attempt)). Every implementation is thread-safe and, on a shared
// database, safe for several servers at once: a claimed delivery is held by
// its claimer until the lease ends, so no two workers send it concurrently.
// Delivery is at least once: a sender that succeeds but cannot record it
// (crash, database down) sends again after the lease, with the same event_id.
class DeliveryQueue {
 public:
  virtual ~DeliveryQueue() = default;

  // Takes up to `limit` pending deliveries with next_attempt <= now that no
  // live lease holds, oldest next_attempt first; each gets attempts + 1 and a
  // lease until now + lease. Returns copies; fails with kUnavailable when the
  // queue cannot be read.
  virtual Result<std::vector<Delivery>> Claim(Micros now, int limit, Micros lease) = 0;
  // The delivery arrived: it is done and never claimed again.
  virtual Result<void> Succeeded(int64_t id, Micros now) = 0;
  // The attempt failed with `error` (for operators; no secrets). With
  // `next_attempt` the delivery is pending again from then; with nullopt it
  // is given up (kept, with the error, for operators).
  virtual Result<void> Failed(int64_t id, std::string_view error,
                              std::optional<Micros> next_attempt, Micros now) = 0;
};

// What one attempt came to.
enum class SendStatus {
  kDelivered,  // accepted by the receiver
  kRetryable,  // try again later (outage, time-out, 5xx, 408/429, SMTP 4yz)
  kPermanent,  // never try again (4xx, SMTP 5yz, a delivery that cannot be sent)
};

struct SendResult {
  SendStatus status = SendStatus::kDelivered;
  // Why it failed, for the queue and the log: no secrets, no message bodies.
  std::string error;
  // How long the receiver asked us to wait (Retry-After), if it did.
  std::optional<Micros> retry_after;

  static SendResult Delivered() { return {}; }
  static SendResult Retry(std::string error, std::optional<Micros> retry_after = std::nullopt) {
    return {SendStatus::kRetryable, std::move(error), retry_after};
  }
  static SendResult Permanent(std::string error) {
    return {SendStatus::kPermanent, std::move(error), std::nullopt};
  }
};

// The outcome of an HTTP response status: 2xx delivered; 408, 429 and 5xx
// retryable; every other status (1xx, 3xx: redirects are not followed, 4xx)
// permanent. For 429 and 503 `retry_after` (the header's value, if any:
// delta-seconds or an IMF-fixdate HTTP date) becomes SendResult::retry_after,
// counted from `now`; an unreadable value is ignored.
SendResult ClassifyHttpStatus(int status, std::optional<std::string_view> retry_after, Micros now);

// The outcome of a final SMTP reply code: 2yz delivered, 4yz retryable,
// anything else permanent.
SendResult ClassifySmtpReply(int code, std::string error);

// Parses a Retry-After value: delta-seconds ("120") or an IMF-fixdate
// ("Sun, 06 Nov 1994 08:49:37 GMT"), as a delay from `now` (never negative).
// nullopt when it is neither.
std::optional<Micros> ParseRetryAfter(std::string_view value, Micros now);

// When to try again. The schedule is deterministic (no jitter): the delay
// after the n-th failed attempt is backoff[n-1] (the last entry repeats), at
// least what Retry-After asked for, at most max_retry_after. After
// max_attempts attempts, or on a permanent failure, the delivery is given up.
struct RetryPolicy {
  std::vector<Micros> backoff = {30'000'000, 120'000'000, 600'000'000, 3'600'000'000,
                                 21'600'000'000};
  int max_attempts = 6;
  Micros max_retry_after = 86'400'000'000;  // a day

  // The next attempt after attempt number `attempt` (1-based) ended with
  // `result` at `now`, or nullopt to give up (also for kDelivered).
  std::optional<Micros> NextAttempt(int attempt, const SendResult& result, Micros now) const;
};

// A thread-safe in-memory DeliveryQueue for tests and single-process tools.
class MemoryDeliveryQueue final : public DeliveryQueue {
 public:
  enum class State { kPending, kDelivered, kGivenUp };
  struct Entry {
    Delivery delivery;
    State state = State::kPending;
    Micros lease_until = 0;  // 0: not held
    Micros finished = 0;     // when delivered or given up
  };

  // Adds a pending delivery (its id is assigned here and returned).
  int64_t Enqueue(Delivery delivery);
  // A copy of the entry, or nullopt for an unknown id.
  std::optional<Entry> Get(int64_t id) const;

  Result<std::vector<Delivery>> Claim(Micros now, int limit, Micros lease) override;
  Result<void> Succeeded(int64_t id, Micros now) override;
  Result<void> Failed(int64_t id, std::string_view error, std::optional<Micros> next_attempt,
                      Micros now) override;

 private:
  // The claimed entry `id`, or an error when it is unknown or not held.
  Result<Entry*> Held(int64_t id);

  mutable std::mutex mu_;
  std::map<int64_t, Entry> entries_;  // guarded by mu_
  int64_t next_id_ = 1;               // guarded by mu_
};

}  // namespace ecrn::notify
