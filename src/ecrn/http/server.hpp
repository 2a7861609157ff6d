// The HTTP/1.1 server (Boost.Beast, confined to server.cpp): accepts
// connections on N I/O threads, reads each request under header/body limits
// and time-outs, runs the Router on a bounded worker pool (handlers may touch
// the database; I/O threads never do), writes the response, keeps connections
// alive, and stops gracefully. Listen/Run are called from one thread;
// Stop() is thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ecrn/core/result.hpp"
#include "ecrn/http/message.hpp"
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
  LogSink log;
};

class Server {
 public:
  // `router` must outlive the server.
  Server(const Router& router, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens (and installs the signal handlers). Fails with
  // kUnavailable when the address cannot be bound (in use, not local).
  Result<void> Listen();
  // The bound port (useful with port 0); valid after Listen succeeded.
  uint16_t port() const;

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
