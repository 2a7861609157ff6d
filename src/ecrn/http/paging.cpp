#include "ecrn/http/paging.hpp"

#include <charconv>

#include "ecrn/core/secrets.hpp"

namespace ecrn::http {
namespace {

std::string Mac(std::string_view secret, const PageScope& scope, std::string_view payload) {
  std::string data = std::to_string(scope.user_id);
  data += '\n';
  data += scope.resource;
  data += '\n';
  data += scope.fingerprint;
  data += '\n';
  data += payload;
  return HmacSha256Hex(secret, data);
}

}  // namespace

// "<payload>.<mac>", payload = base64url("<pk>|<issued>").
std::string MakePageToken(std::string_view secret, const PageScope& scope, int64_t after_pk,
                          Micros now) {
  std::string payload = EncodeBase64Url(std::to_string(after_pk) + "|" + std::to_string(now));
  return payload + "." + Mac(secret, scope, payload);
}

Result<int64_t> ReadPageToken(std::string_view secret, const PageScope& scope,
                              std::string_view token, Micros now, Micros ttl) {
  const Error bad = Error::Invalid("the page token is not valid for this request");
  size_t dot = token.find('.');
  if (dot == std::string_view::npos) return bad;
  std::string_view payload = token.substr(0, dot);
  if (!ConstantTimeEquals(Mac(secret, scope, payload), token.substr(dot + 1))) return bad;
  auto decoded = DecodeBase64Url(payload);
  if (!decoded) return bad;
  size_t bar = decoded->find('|');
  if (bar == std::string::npos) return bad;
  int64_t pk = 0, issued = 0;
  auto r1 = std::from_chars(decoded->data(), decoded->data() + bar, pk);
  auto r2 = std::from_chars(decoded->data() + bar + 1, decoded->data() + decoded->size(), issued);
  if (r1.ec != std::errc() || r2.ec != std::errc()) return bad;
  if (now - issued > ttl) return Error::Invalid("the page token has expired; start again");
  return pk;
}

}  // namespace ecrn::http
