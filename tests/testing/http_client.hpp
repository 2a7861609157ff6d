// A minimal blocking HTTP/1.1 client for tests: one keep-alive TCP connection
// to 127.0.0.1, Content-Length and chunked response bodies. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ecrn::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; last value wins
  std::vector<std::pair<std::string, std::string>> all_headers;  // as received (lower-cased names)
  std::string body;

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class HttpClient {
 public:
  // Connects to 127.0.0.1:port; reads time out after `timeout_seconds`.
  explicit HttpClient(uint16_t port, int timeout_seconds = 30);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  bool connected() const { return fd_ >= 0; }

  // Sends one request (Host and Content-Length added) and reads the
  // response; reconnects first when the server closed the connection.
  // nullopt when the exchange fails.
  std::optional<HttpResponse> Request(
      const std::string& method, const std::string& target,
      const std::vector<std::pair<std::string, std::string>>& headers = {},
      const std::string& body = "");

  // Raw bytes out, for malformed requests.
  bool Send(const std::string& data);
  // Reads one response from the connection.
  std::optional<HttpResponse> Receive();
  // For streamed responses: reads raw bytes until what was read contains
  // `needle` (true) or the connection ends or the time-out passes, counted
  // over the whole wait (false). `seen`
  // gets everything read so far (chunk framing included).
  bool ReadUntil(const std::string& needle, std::string* seen);

 private:
  bool Fill();
  bool Connect();

  uint16_t port_;
  int timeout_seconds_;
  int fd_ = -1;
  std::string buffer_;
};

// "Basic base64(user:password)".
std::string BasicAuth(const std::string& user, const std::string& password);

}  // namespace ecrn::testing
