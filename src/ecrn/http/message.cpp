#include "ecrn/http/message.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include <arpa/inet.h>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace ecrn::http {
namespace {

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::optional<std::string_view> FindHeader(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return LowerAscii(x) == LowerAscii(y);
         });
}

bool IsLoopbackAddress(std::string_view ip) {
  if (ip.size() >= INET6_ADDRSTRLEN) return false;
  std::string text(ip);
  std::array<unsigned char, 16> bytes{};
  if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) return bytes[0] == 127;
  if (inet_pton(AF_INET6, text.c_str(), bytes.data()) != 1) return false;
  static constexpr std::array<unsigned char, 16> kLoopback6{0, 0, 0, 0, 0, 0, 0, 0,
                                                            0, 0, 0, 0, 0, 0, 0, 1};
  static constexpr std::array<unsigned char, 12> kMappedPrefix{0, 0, 0, 0, 0,    0,
                                                               0, 0, 0, 0, 0xff, 0xff};
  if (bytes == kLoopback6) return true;
  return std::memcmp(bytes.data(), kMappedPrefix.data(), kMappedPrefix.size()) == 0 &&
         bytes[12] == 127;
}

std::optional<std::string_view> Request::Header(std::string_view name) const {
  return FindHeader(headers, name);
}

std::optional<std::string_view> Response::Header(std::string_view name) const {
  return FindHeader(headers, name);
}

void Response::SetHeader(std::string_view name, std::string value) {
  std::erase_if(headers, [&](const auto& h) { return EqualsIgnoreCase(h.first, name); });
  headers.emplace_back(std::string(name), std::move(value));
}

Response MakeResponse(int status, std::string_view content_type, std::string body) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", std::string(content_type));
  r.body = std::move(body);
  return r;
}

std::string_view StatusTitle(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

namespace {

Response JsonError(int status, std::string_view code, std::string_view message) {
  boost::json::object body;
  body["title"] = StatusTitle(status);
  body["description"] = message;
  body["error_code"] = code;
  body["http_status"] = std::to_string(status);
  return MakeResponse(status, kJsonType, boost::json::serialize(body));
}

std::string_view CodeForStatus(int status) {
  switch (status) {
    case 400:
      return "invalid-argument";
    case 401:
      return "unauthenticated";
    case 403:
      return "permission-denied";
    case 404:
      return "not-found";
    case 405:
      return "method-not-allowed";
    case 406:
      return "not-acceptable";
    case 408:
      return "timeout";
    case 409:
      return "conflict";
    case 413:
    case 414:
      return "too-large";
    case 415:
      return "unsupported-media-type";
    case 429:
      return "too-many-requests";
    case 431:
      return "too-large";
    case 503:
      return "unavailable";
    default:
      return status >= 500 ? "internal" : "invalid-argument";
  }
}

}  // namespace

Response ErrorResponse(const Error& error) {
  Response r =
      JsonError(ErrorHttpStatus(error.code),
                error.reason.empty() ? ErrorCodeName(error.code) : error.reason, error.message);
  return r;
}

Response ErrorResponse(int status, std::string_view message) {
  return JsonError(status, CodeForStatus(status), message);
}

void AddSecurityHeaders(Response& response) {
  auto set_default = [&](std::string_view name, std::string_view value) {
    if (!response.Header(name)) response.headers.emplace_back(name, value);
  };
  response.SetHeader("X-Content-Type-Options", "nosniff");
  response.SetHeader("Content-Security-Policy", "default-src 'self'");
  response.SetHeader("X-Frame-Options", "DENY");
  response.SetHeader("Referrer-Policy", "no-referrer");
  set_default("Cache-Control", "no-store");
}

}  // namespace ecrn::http
