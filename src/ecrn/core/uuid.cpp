#include "ecrn/core/uuid.hpp"

#include <array>
#include <cstdint>

#include <openssl/evp.h>
#include <sodium.h>

namespace ecrn {
namespace {

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Format(const std::array<uint8_t, 16>& b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 0xf];
  }
  return out;
}

bool Parse(std::string_view s, std::array<uint8_t, 16>& out) {
  if (!IsUuid(s)) return false;
  size_t j = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '-') continue;
    int hi = HexVal(s[i]), lo = HexVal(s[i + 1]);
    out[j++] = static_cast<uint8_t>(hi << 4 | lo);
    ++i;
  }
  return true;
}

}  // namespace

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (HexVal(s[i]) < 0) {
      return false;
    }
  }
  return true;
}

int UuidVersion(std::string_view s) { return IsUuid(s) ? HexVal(s[14]) : 0; }

std::string UuidV4() {
  static const bool init = sodium_init() >= 0;
  (void)init;
  std::array<uint8_t, 16> b;
  randombytes_buf(b.data(), b.size());
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  return Format(b);
}

std::string UuidV5(std::string_view ns, std::string_view name) {
  std::array<uint8_t, 16> ns_bytes;
  if (!Parse(ns, ns_bytes)) return {};
  std::string input(reinterpret_cast<const char*>(ns_bytes.data()), ns_bytes.size());
  input.append(name);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha1(), nullptr) != 1) return {};
  std::array<uint8_t, 16> b;
  for (size_t i = 0; i < 16; ++i) b[i] = digest[i];
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x50);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  return Format(b);
}

}  // namespace ecrn
