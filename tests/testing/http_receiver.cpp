#include "testing/http_receiver.hpp"

#include <cctype>
#include <cstdlib>

namespace ecrn::testing {

namespace {

std::string ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 410:
      return "Gone";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

}  // namespace

HttpReceiver::HttpReceiver() : server_([this](LoopbackConnection& c) { Serve(c); }) {}

std::string HttpReceiver::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + path;
}

void HttpReceiver::Script(std::vector<ScriptedResponse> responses) {
  std::lock_guard lock(mu_);
  script_ = std::move(responses);
}

std::vector<ReceivedRequest> HttpReceiver::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

void HttpReceiver::Serve(LoopbackConnection& c) {
  ReceivedRequest request;
  std::string line;
  if (!c.ReadLine(&line)) return;
  const size_t first = line.find(' ');
  const size_t second = line.find(' ', first + 1);
  if (first == std::string::npos || second == std::string::npos) return;
  request.method = line.substr(0, first);
  request.target = line.substr(first + 1, second - first - 1);
  while (c.ReadLine(&line) && !line.empty()) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) return;
    std::string name = line.substr(0, colon);
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    size_t start = colon + 1;
    while (start < line.size() && line[start] == ' ') ++start;
    request.headers[name] = line.substr(start);
  }
  const size_t length = std::strtoul(request.Header("content-length").c_str(), nullptr, 10);
  if (length > 0 && !c.ReadBytes(length, &request.body)) return;

  ScriptedResponse response;
  {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    if (!script_.empty()) {
      response = script_.front();
      script_.erase(script_.begin());
    } else {
      response.body = "ok";
    }
  }
  std::string out =
      "HTTP/1.1 " + std::to_string(response.status) + " " + ReasonPhrase(response.status) + "\r\n";
  for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
  out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  out += "Connection: close\r\n\r\n" + response.body;
  c.Write(out);
}

}  // namespace ecrn::testing
