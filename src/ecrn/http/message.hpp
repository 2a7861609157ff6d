// HTTP requests and responses as plain values, independent of any network
// library, plus the helpers every response goes through (security headers,
// JSON error bodies). Values; thread-compatible. Free functions are pure.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ecrn/core/result.hpp"

namespace ecrn::http {

// Header fields in arrival order. Names compare case-insensitively.
using Headers = std::vector<std::pair<std::string, std::string>>;

// A parsed request, as the server hands it to the router.
struct Request {
  std::string method;  // as sent, e.g. "GET" (methods are case-sensitive)
  std::string target;  // the raw request-target, e.g. "/healthz?x=1"
  Headers headers;
  std::string body;
  // Filled by the server: true when the request came over TLS.
  bool secure = false;
  // Filled by the server: the peer's IP address as text ("127.0.0.1", "::1";
  // "" when unknown).
  std::string remote_address;
  // Filled by the server: the id of this request (also sent back as
  // X-Request-Id and written in the access log); quote it in error logs.
  std::string request_id;

  // The first value of header `name` (case-insensitive), or nullopt. The
  // returned view stays valid while this request is alive and unmodified.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// Thread-safe handle to an open streamed response (e.g. Server-Sent Events),
// owned via shared_ptr by whoever produces the stream. Never blocks.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  // Queues bytes to send; false once the stream is closed (peer gone, server
  // stopping, queue over its byte limit, write timeout): the producer should
  // then drop the writer.
  virtual bool Write(std::string chunk) = 0;
  // Ends the response cleanly (what is queued is still sent). Idempotent.
  virtual void Close() = 0;
  virtual bool IsOpen() const = 0;
};

// A response, as handlers and the router produce it.
struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // When set, the response is streamed: the server sends the status and
  // headers (chunked, no Content-Length, Cache-Control: no-store,
  // X-Accel-Buffering: no), then `body` if non-empty as the first chunk, then
  // calls `stream` once on a worker thread with the writer, which the callee
  // keeps for as long as it wants to send. The connection closes when the
  // stream does.
  std::function<void(std::shared_ptr<StreamWriter>)> stream;
  // Sent on an open stream after ServerOptions::stream_keepalive_interval of
  // silence (an SSE comment by default).
  std::string stream_keepalive = ": keep-alive\n\n";

  // Replaces every field named `name` (case-insensitive) with one field.
  void SetHeader(std::string_view name, std::string value);
  // The first value of header `name` (case-insensitive), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// Media types used in responses.
inline constexpr std::string_view kJsonType = "application/json";
inline constexpr std::string_view kHtmlType = "text/html; charset=utf-8";

// Case-insensitive ASCII comparison (header names).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// True when `ip` is the text of a loopback address (127.0.0.0/8, ::1, or
// IPv4-mapped ::ffff:127.x.y.z); false for anything else, including junk.
bool IsLoopbackAddress(std::string_view ip);

// A response with `status`, the given Content-Type and body.
Response MakeResponse(int status, std::string_view content_type, std::string body);

// A JSON error response. The body has the shape of a TAXII 2.1 error message
// ({"title", "description", "error_code", "http_status"}) so REST and TAXII
// clients read errors alike. Only `error.message` reaches the client; the
// internal `detail` is never sent.
Response ErrorResponse(const Error& error);
// The same for a bare status (404, 405, 413, ...) with a client-safe message.
Response ErrorResponse(int status, std::string_view message);

// The standard reason phrase for a status ("Not Found"), or "Error".
std::string_view StatusTitle(int status);

// Adds the headers every response carries (X-Content-Type-Options: nosniff,
// Content-Security-Policy: default-src 'self', Cache-Control: no-store unless
// a handler set its own, X-Frame-Options, Referrer-Policy). Idempotent.
void AddSecurityHeaders(Response& response);

// Severity of a log line emitted by the http module.
enum class LogLevel { kDebug, kInfo, kWarning, kError };
// Where the http module sends log lines (wired to spdlog by the CLI). Must be
// thread-safe: it is called from I/O and worker threads. May be empty.
using LogSink = std::function<void(LogLevel, const std::string&)>;

}  // namespace ecrn::http
