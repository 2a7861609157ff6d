// The HTTP/1.1 server (Boost.Beast and OpenSSL, confined to server.cpp):
// accepts connections (plain or TLS 1.2+) on N I/O threads, reads each request
// under header/body limits and time-outs, runs the Router on a bounded worker
// pool (handlers may touch the database; I/O threads never do: only a route's
// QuickHandler, which must not block, is tried on the I/O thread), writes the
// response or streams it (Server-Sent Events), keeps connections alive,
// records metrics and an access log, and stops gracefully. Listen/Run are
// called from one thread; Stop() is thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "ecrn/core/result.hpp"
#include "ecrn/http/message.hpp"
#include "ecrn/http/metrics.hpp"
#include "ecrn/http/router.hpp"

namespace ecrn::http {

// A parsed --listen value: "HOST:PORT" with an IP literal or "localhost"
// ("[::1]:PORT" for IPv6).
struct ListenAddress {
  std::string host;   // the IP literal as written ("localhost" becomes 127.0.0.1)
  uint16_t port = 0;  // 0: pick a free port
  bool loopback = false;
};

// Parses `text`; kInvalidArgument with a message for the operator when it is
// not HOST:PORT with an IP address (host names other than localhost are not
// resolved) and a port in 0..65535.
Result<ListenAddress> ParseListenAddress(std::string_view text);

// Parses one complete HTTP/1.x request from `wire` with the same parser,
// limits and conversion a connection uses (for fuzzing and tests; no
// sockets). kInvalidArgument when malformed or incomplete, kTooLarge when the
// header or body exceeds its limit.
Result<Request> ParseWireRequest(std::string_view wire, size_t header_limit, size_t body_limit);

// One answered request, as the access log sees it. Views are valid only
// during the AccessLog call.
struct AccessRecord {
  std::string_view request_id;
  std::string_view remote_address;
  std::string_view method;  // as sent
  std::string_view route;   // the matched route template, or kUnmatchedRoute
  int status = 0;
  // From the end of the request header to the end of the response (for a
  // streamed response: to the end of the stream).
  std::chrono::microseconds duration{0};
  uint64_t bytes_out = 0;  // bytes written to the connection (before TLS)
  bool secure = false;     // over TLS
  bool streamed = false;   // a streamed response (logged when the stream ends)
};
// Receives one call per answered request, from I/O threads (must be
// thread-safe and quick).
using AccessLog = std::function<void(const AccessRecord&)>;

struct ServerOptions {
  ListenAddress listen{"127.0.0.1", 8443, true};
  int io_threads = 2;      // threads running socket I/O
  int worker_threads = 4;  // threads running handlers (database work)
  // Requests queued or running on the workers beyond which new ones get 503.
  size_t max_pending = 1024;
  size_t header_limit = 16 * 1024;  // bytes of request line plus headers (431 beyond)
  std::chrono::milliseconds read_timeout{30'000};   // to receive one whole request
  std::chrono::milliseconds write_timeout{30'000};  // to send one response
  std::chrono::milliseconds idle_timeout{60'000};   // keep-alive wait for the next request
  // On Stop(): how long in-flight requests may take before connections are cut.
  std::chrono::milliseconds shutdown_grace{10'000};
  // Stop on SIGTERM and SIGINT (handled inside Run, from Listen on).
  bool stop_on_signals = true;
  // TLS: PEM files of the certificate chain and of its private key. When both
  // are set the server speaks only HTTPS (TLS 1.2 or later, forward-secret
  // AEAD cipher suites); when neither, plain HTTP. Loaded by Listen.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Streamed responses: the keep-alive text goes out after this much silence,
  std::chrono::milliseconds stream_keepalive_interval{15'000};
  // and a stream whose unsent bytes would exceed this is closed (slow reader).
  size_t stream_queue_limit = size_t{1024} * 1024;
  // When set, every answered request is counted here. Must outlive the server.
  Metrics* metrics = nullptr;
  // When set, called once per answered request.
  AccessLog access_log;
  LogSink log;
};

class Server {
 public:
  // `router` must outlive the server.
  Server(const Router& router, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the TLS certificate and key (if configured), binds and listens (and
  // installs the signal handlers). Fails with kInvalidArgument when only one
  // of the TLS files is given or one cannot be read, is not PEM, or the key
  // does not match the certificate; with kUnavailable when the address cannot
  // be bound (in use, not local). The message names the file or address.
  Result<void> Listen();
  // The bound port (useful with port 0); valid after Listen succeeded.
  uint16_t port() const;
  // True when the server speaks HTTPS (TLS files configured).
  bool secure() const;

  // Serves until Stop() or a signal; then stops accepting, lets in-flight
  // requests finish (keep-alive connections are closed after their current
  // response, idle ones at once), and returns when all connections are gone
  // or shutdown_grace has passed.
  void Run();
  // Begins the graceful stop. Thread-safe; may be called before Run.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecrn::http
