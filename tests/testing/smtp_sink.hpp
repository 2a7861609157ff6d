// A loopback-only SMTP server for tests (RFC 5321 subset: EHLO/HELO, AUTH
// PLAIN, STARTTLS when given a certificate, MAIL FROM, RCPT TO, DATA with
// dot-stuffing undone, RSET, NOOP, QUIT) that records the messages it accepts, and the decoders
// a mail client applies (RFC 2047 encoded-words, quoted-printable), written
// independently of ECRN's encoder. Tests start and stop it. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "testing/loopback_server.hpp"

namespace ecrn::testing {

struct SmtpSinkOptions {
  // Non-empty: AUTH PLAIN is offered and required before MAIL FROM.
  std::string username;
  std::string password;
  // Reply lines for RCPT TO of particular addresses ("550 5.1.1 no such
  // user"); every other address gets "250 2.1.5 ok".
  std::map<std::string, std::string> rcpt_replies;
  // PEM certificate and key files: STARTTLS is offered (testing/tls.hpp
  // writes a self-signed pair). Empty: no STARTTLS.
  std::string tls_cert_file;
  std::string tls_key_file;
};

struct SmtpMessage {
  std::string helo;                  // the EHLO/HELO argument
  std::string auth_user;             // "" without AUTH
  bool tls = false;                  // sent after STARTTLS
  std::string mail_from;             // the address inside <>
  std::vector<std::string> rcpt_to;  // accepted recipients, inside <>
  // The message as the client meant it: dot-stuffing undone, CRLF line ends,
  // without the terminating ".".
  std::string data;

  // Every header line (folded lines joined) in order: "Name: value".
  std::vector<std::string> HeaderLines() const;
  // The unfolded value of the first header `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
  // Everything after the blank line that ends the headers.
  std::string Body() const;
};

class SmtpSink {
 public:
  // Listens on 127.0.0.1 (a port the kernel picks). Throws
  // std::runtime_error when it cannot.
  explicit SmtpSink(SmtpSinkOptions options = {});

  uint16_t port() const { return server_.port(); }
  // "smtp://127.0.0.1:<port>"
  std::string url() const;
  // The messages accepted so far (copies).
  std::vector<SmtpMessage> messages() const;
  // Waits until at least `n` messages arrived or `timeout` passed; returns
  // messages() either way.
  std::vector<SmtpMessage> WaitForMessages(size_t n, std::chrono::milliseconds timeout);
  // Connections that ended so far (accepted or not).
  int sessions() const;

 private:
  void Serve(LoopbackConnection& connection);

  const SmtpSinkOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<SmtpMessage> messages_;  // guarded by mu_
  int sessions_ = 0;                   // guarded by mu_
  LoopbackServer server_;              // last: stops before the rest goes
};

// Decodes the RFC 2047 encoded-words (B and Q, charset UTF-8) of a header
// value, dropping the folding white space between adjacent encoded-words.
// Text outside encoded-words is kept; malformed words are kept as they are.
std::string DecodeMimeHeader(std::string_view value);

// Decodes a quoted-printable body (soft line breaks removed, =XX decoded).
std::string DecodeQuotedPrintable(std::string_view text);

}  // namespace ecrn::testing
