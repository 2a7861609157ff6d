#include "ecrn/notify/webhook.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <boost/url/parse.hpp>

#include "ecrn/core/secrets.hpp"
#include "ecrn/net/http_client.hpp"

namespace ecrn::notify {

namespace {

// The parts of a webhook URL: "scheme://host[:port]" and the request target.
struct WebhookUrl {
  std::string origin;
  std::string target;
};

Result<WebhookUrl> SplitWebhookUrl(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return Error::Invalid("the webhook URL is not an absolute URL");
  const std::string scheme(parsed->scheme());
  if (scheme != "http" && scheme != "https") {
    return Error::Invalid("a webhook URL must start with https:// (or http://)");
  }
  if (parsed->host().empty()) return Error::Invalid("the webhook URL has no host");
  if (parsed->has_userinfo()) return Error::Invalid("a webhook URL must not carry user info");
  WebhookUrl out;
  out.origin = scheme + "://" + std::string(parsed->encoded_host_and_port());
  out.target = std::string(parsed->encoded_path());
  if (out.target.empty()) out.target = "/";
  if (parsed->has_query()) out.target += "?" + std::string(parsed->encoded_query());
  return out;
}

bool IsEventType(std::string_view type) {
  return !type.empty() && type.size() <= 100 && std::all_of(type.begin(), type.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

}  // namespace

std::string WebhookSignature(std::string_view secret, std::string_view timestamp,
                             std::string_view body) {
  std::string signed_text;
  signed_text.reserve(timestamp.size() + 1 + body.size());
  signed_text.append(timestamp).append(".").append(body);
  return "sha256=" + HmacSha256Hex(secret, signed_text);
}

Result<void> VerifyWebhookSignature(std::string_view secret, std::string_view timestamp,
                                    std::string_view body, std::string_view signature_header,
                                    Micros now, std::chrono::seconds tolerance) {
  int64_t seconds = 0;
  const char* end = timestamp.data() + timestamp.size();
  auto [ptr, ec] = std::from_chars(timestamp.data(), end, seconds);
  if (timestamp.empty() || timestamp.size() > 12 || ec != std::errc() || ptr != end ||
      timestamp.front() == '-') {
    return Error{ErrorCode::kUnauthenticated, "the webhook timestamp is not Unix seconds", {}};
  }
  const int64_t now_seconds = now / 1'000'000;
  if (seconds < now_seconds - tolerance.count() || seconds > now_seconds + tolerance.count()) {
    return Error{ErrorCode::kUnauthenticated,
                 "the webhook timestamp is outside the accepted window (replayed or clock skew)",
                 {}};
  }
  while (!signature_header.empty() && signature_header.back() == ' ') {
    signature_header.remove_suffix(1);
  }
  while (!signature_header.empty() && signature_header.front() == ' ') {
    signature_header.remove_prefix(1);
  }
  if (!ConstantTimeEquals(WebhookSignature(secret, timestamp, body), signature_header)) {
    return Error{ErrorCode::kUnauthenticated, "the webhook signature does not match", {}};
  }
  return Ok();
}

Result<void> ValidateWebhookUrl(std::string_view url) {
  auto split = SplitWebhookUrl(url);
  if (!split.ok()) return std::move(split).error();
  return Ok();
}

std::string WebhookOrigin(std::string_view url) {
  auto split = SplitWebhookUrl(url);
  return split.ok() ? split->origin : "(invalid URL)";
}

WebhookSender::WebhookSender(SecretFor secret_for, Clock& clock, WebhookOptions options)
    : secret_for_(std::move(secret_for)), clock_(clock), options_(std::move(options)) {}

SendResult WebhookSender::Send(const Delivery& delivery) {
  if (delivery.channel != kChannelWebhook) {
    return SendResult::Permanent("not a webhook delivery (channel '" + delivery.channel + "')");
  }
  auto url = SplitWebhookUrl(delivery.target);
  if (!url.ok()) return SendResult::Permanent(url.error().message);
  if (!IsEventType(delivery.event_kind)) {
    return SendResult::Permanent("the webhook event type must be 1 to 100 of A-Z a-z 0-9 . _ -");
  }
  if (auto id = ValidateEventId(delivery.event_id); !id.ok()) {
    return SendResult::Permanent(id.error().message);
  }
  auto secret = secret_for_(delivery);
  if (!secret.ok()) {
    const std::string why = "no secret for webhook " + std::to_string(delivery.webhook_id) + ": " +
                            secret.error().message;
    if (secret.error().code == ErrorCode::kNotFound) return SendResult::Permanent(why);
    return SendResult::Retry(why);
  }
  if (secret->empty()) {
    return SendResult::Permanent("webhook " + std::to_string(delivery.webhook_id) +
                                 " has an empty secret");
  }

  net::ClientOptions client_options;
  client_options.ca_file = options_.ca_file;
  client_options.timeout = options_.timeout;
  client_options.max_body = size_t{1} << 20;
  auto client = net::HttpClient::Create(url->origin, client_options);
  // The URL was checked above: what fails here is the trusted certificates
  // file, which an operator can fix.
  if (!client.ok()) return SendResult::Retry(client.error().message);
  const Micros now = clock_.Now();
  const std::string timestamp = std::to_string(now / 1'000'000);
  const net::Headers headers = {
      {"Content-Type", "application/json"},
      {std::string(kEventHeader), delivery.event_kind},
      {std::string(kDeliveryHeader), delivery.event_id},
      {std::string(kTimestampHeader), timestamp},
      {std::string(kSignatureHeader), WebhookSignature(*secret, timestamp, delivery.body)},
  };
  auto response = client->Send("POST", url->target, headers, delivery.body);
  if (!response.ok()) {
    return SendResult::Retry(url->origin + ": " + response.error().message);
  }
  SendResult result = ClassifyHttpStatus(response->status, response->Header("retry-after"), now);
  if (!result.error.empty()) result.error = url->origin + ": " + result.error;
  return result;
}

}  // namespace ecrn::notify
