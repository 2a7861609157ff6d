// Webhook notifications for chat and SOAR integrations: `WebhookSender`
// POSTs a delivery's JSON to its http(s) URL, signed with the webhook's
// secret (HMAC-SHA256 over "<timestamp>.<body>"), and
// `VerifyWebhookSignature` is the check a receiver makes (docs/notifications.md
// gives the scheme to integrators). The functions are thread-safe; a
// WebhookSender may be used from several threads (each Send opens its own
// connection).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/notify/sender.hpp"

namespace ecrn::notify {

inline constexpr std::string_view kSignatureHeader = "X-ECRN-Signature";
inline constexpr std::string_view kTimestampHeader = "X-ECRN-Timestamp";
inline constexpr std::string_view kDeliveryHeader = "X-ECRN-Delivery";
inline constexpr std::string_view kEventHeader = "X-ECRN-Event";

// "sha256=" and the lower-case hex HMAC-SHA256, keyed with `secret`, of
// `timestamp` (decimal Unix seconds, as sent in X-ECRN-Timestamp), '.', and
// the body bytes exactly as sent.
std::string WebhookSignature(std::string_view secret, std::string_view timestamp,
                             std::string_view body);

// The receiver's check. OK when `signature_header` (X-ECRN-Signature) is the
// signature of `timestamp` and `body` under `secret` (compared in constant
// time) and the timestamp is within `tolerance` of `now` either way (so a
// captured request cannot be replayed later). Fails with kUnauthenticated
// and a message saying which: malformed timestamp, timestamp outside the
// tolerance, or signature mismatch.
Result<void> VerifyWebhookSignature(std::string_view secret, std::string_view timestamp,
                                    std::string_view body, std::string_view signature_header,
                                    Micros now,
                                    std::chrono::seconds tolerance = std::chrono::seconds(300));

// OK for a URL a webhook may be registered with: http:// or https://, a
// host, no user info, no fragment. kInvalidArgument otherwise. (Production
// hubs should register https:// URLs only; see docs/notifications.md.)
Result<void> ValidateWebhookUrl(std::string_view url);

// "https://host:port" of a URL, for logs: the path of a chat webhook often
// holds its token, so logs never show it. "(invalid URL)" when unparsable.
std::string WebhookOrigin(std::string_view url);

struct WebhookOptions {
  std::string ca_file;  // PEM certificate authorities for https; empty: the system's
  std::chrono::milliseconds timeout{10000};  // each of connect, TLS, write and read
};

class WebhookSender final : public Sender {
 public:
  // The secret of the webhook a delivery goes to (by Delivery::webhook_id),
  // or an error (kNotFound: the webhook was removed; the delivery is given up).
  using SecretFor = std::function<Result<std::string>(const Delivery&)>;

  // `clock` (thread-safe, outliving the sender) supplies the timestamps.
  WebhookSender(SecretFor secret_for, Clock& clock, WebhookOptions options = {});

  // One POST with Content-Type application/json and the X-ECRN-Event
  // (delivery.event_kind), X-ECRN-Delivery (event_id), X-ECRN-Timestamp and
  // X-ECRN-Signature headers. The response's status decides
  // (ClassifyHttpStatus: 2xx delivered, 408/429/5xx retried with
  // Retry-After honoured, other statuses permanent; redirects are not
  // followed); unreachable hosts, TLS failures and time-outs are retried; a
  // bad URL, event type or event id, or a webhook without a secret, is
  // permanent.
  SendResult Send(const Delivery& delivery) override;

 private:
  SecretFor secret_for_;
  Clock& clock_;
  WebhookOptions options_;
};

}  // namespace ecrn::notify
