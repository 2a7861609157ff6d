// A blocking HTTP/1.1 client for ECRN's outgoing connections (the sensor's
// hub connection now, federation later): one keep-alive connection to one
// origin, `http://` or `https://` (OpenSSL, the peer's certificate and host
// name verified), a time-out on every step, a response body limit. Boost.Beast
// stays inside http_client.cpp. Not thread-safe: one client per thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ecrn/core/result.hpp"

namespace ecrn::net {

struct ClientOptions {
  // PEM file of the certificate authorities to trust; empty: the system's.
  std::string ca_file;
  // Resolve, connect, TLS handshake, write and read each give up after this.
  std::chrono::milliseconds timeout{30000};
  // Larger response bodies fail with kTooLarge.
  size_t max_body = size_t{256} << 20;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;
  Headers headers;  // names lower-cased, in the order received
  std::string body;
  // The first value of a header (name in lower case), if present.
  std::optional<std::string_view> Header(std::string_view lower_name) const;
};

// `text` with every byte but RFC 3986's unreserved characters percent-encoded,
// for a path segment or a query value. Never fails.
std::string PercentEncode(std::string_view text);

class HttpClient {
 public:
  // `origin_url` is "http[s]://host[:port]" with an optional path, which
  // becomes the base of relative targets. kInvalidArgument for anything else
  // (another scheme, user info, no host).
  static Result<HttpClient> Create(std::string_view origin_url, ClientOptions options = {});

  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  ~HttpClient();

  // The base path from the URL ("/" when none), always ending in '/'.
  const std::string& base_path() const;
  // "https://hub.example:8443", for messages.
  const std::string& origin() const;

  // Sends one request to `target` (an absolute path) and reads the response.
  // Host, User-Agent and Content-Length are set here. Connects (again) when
  // needed; a request on a reused connection that the server had closed is
  // retried once on a new one. Errors: kUnavailable when the host cannot be
  // reached, the connection fails or a time-out passes; kUnauthenticated
  // when the TLS peer fails verification; kTooLarge; kInternal otherwise.
  // HTTP error statuses are not errors here: the caller reads `status`.
  Result<HttpResponse> Send(std::string_view method, std::string_view target,
                            const Headers& headers = {}, std::string_view body = {});

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecrn::net
