// A loopback-only HTTP/1.1 server for tests that receives what ECRN sends
// out (webhooks): it records each request and answers with scripted
// responses, one request per connection. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "testing/loopback_server.hpp"

namespace ecrn::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased; last value wins
  std::string body;

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct ScriptedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

class HttpReceiver {
 public:
  // Listens on 127.0.0.1 (a port the kernel picks). Throws
  // std::runtime_error when it cannot.
  HttpReceiver();

  uint16_t port() const { return server_.port(); }
  // "http://127.0.0.1:<port><path>"
  std::string Url(const std::string& path) const;
  // Responses for the next requests, in order; once used up, 200 "ok".
  void Script(std::vector<ScriptedResponse> responses);
  // The requests received so far (copies).
  std::vector<ReceivedRequest> requests() const;

 private:
  void Serve(LoopbackConnection& connection);

  mutable std::mutex mu_;
  std::vector<ScriptedResponse> script_;   // guarded by mu_; front is next
  std::vector<ReceivedRequest> requests_;  // guarded by mu_
  LoopbackServer server_;                  // last: stops before the rest goes
};

}  // namespace ecrn::testing
