// E-mail notifications: the RFC 5322 / MIME message ECRN sends (pure, in
// `BuildEmail`) and `SmtpSender`, which submits it over SMTP with libcurl
// (libcurl stays inside smtp.cpp). BuildEmail is thread-safe; an SmtpSender
// may be used from several threads (each Send has its own connection).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/notify/sender.hpp"

namespace ecrn::notify {

enum class StartTls {
  kRequired,       // STARTTLS or no mail (the default)
  kOpportunistic,  // STARTTLS when the server offers it, else in clear
  kOff,            // never (only for a relay on the same host)
};

// Parses "required", "opportunistic" or "off".
Result<StartTls> ParseStartTls(std::string_view text);

struct SmtpConfig {
  // "smtp://host[:port]" (default port 25; use 587 for submission) or
  // "smtps://host[:port]" (TLS from the first byte, default port 465).
  std::string url;
  std::string from;       // envelope sender and From address: "hub@example.org"
  std::string from_name;  // display name in From ("" for none); any UTF-8
  // AUTH credentials; empty username: no AUTH. Sent in clear only to a
  // loopback relay (see Validate).
  std::string username;
  std::string password;
  StartTls starttls = StartTls::kRequired;  // ignored for smtps://
  std::string ca_file;  // PEM certificate authorities to trust; empty: the system's
  std::chrono::milliseconds timeout{30000};  // connecting, and the whole exchange

  // kInvalidArgument naming the problem: a URL that is not smtp(s)://host,
  // a bad From address, a display name with line breaks, or credentials
  // that would cross the network unencrypted (smtp:// with STARTTLS not
  // required, to a host other than 127.0.0.1, ::1 or localhost).
  Result<void> Validate() const;
};

// What BuildEmail needs besides the delivery.
struct EmailEnvelope {
  std::string from;       // address
  std::string from_name;  // display name, may be empty
  std::string to;         // address
  std::string subject;    // UTF-8, no line breaks
  std::string body;       // UTF-8 text; "\n", "\r\n" or "\r" line ends
  std::string event_id;   // becomes the Message-ID's left part and X-ECRN-Delivery
};

// True for a plain addr-spec "local@domain" ECRN accepts: printable ASCII,
// no spaces, quotes, angle brackets, commas, semicolons, parentheses or
// backslashes, one '@' with text on both sides and at most 254 bytes.
bool IsMailAddress(std::string_view address);

// The whole message (headers, blank line, body) with CRLF line ends: Date
// (from `now`), From, To, Subject (RFC 2047 encoded-words when not plain
// ASCII or too long; longer than 250 bytes is shortened at a character
// boundary with "…"), Message-ID "<event_id@from-domain>", MIME-Version,
// text/plain UTF-8, quoted-printable body, X-ECRN-Delivery. Fails with
// kInvalidArgument on a bad address, a subject or name with CR/LF or other
// control characters (no header injection), an event_id outside
// [A-Za-z0-9._:-], or text that is not UTF-8. Lines starting with "." are
// left as they are: SMTP transparency is the transport's (curl escapes them).
Result<std::string> BuildEmail(const EmailEnvelope& envelope, Micros now);

// Sends kChannelEmail deliveries through the configured relay.
class SmtpSender final : public Sender {
 public:
  // `clock` (thread-safe, outliving the sender) dates the messages.
  // Fails with kInvalidArgument when the configuration is not valid.
  static Result<std::unique_ptr<SmtpSender>> Create(SmtpConfig config, Clock& clock);

  // One SMTP transaction: 2yz delivered; a rejected address or message (5yz)
  // or a delivery that cannot be built is permanent; 4yz replies, connection
  // and TLS failures, time-outs and refused credentials are retryable (an
  // operator can fix those).
  SendResult Send(const Delivery& delivery) override;

 private:
  SmtpSender(SmtpConfig config, Clock& clock) : config_(std::move(config)), clock_(clock) {}

  SmtpConfig config_;
  Clock& clock_;
};

}  // namespace ecrn::notify
