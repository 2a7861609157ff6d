#include "ecrn/scan/normalise.hpp"

#include <cstring>

#include <arpa/inet.h>

#include "ecrn/pattern/parse.hpp"
#include "ecrn/pattern/values.hpp"

namespace ecrn::scan {
namespace {

bool IsAscii(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (w & 0x8080808080808080ULL) return false;
  }
  for (; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) >= 0x80) return false;
  }
  return true;
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

void LowerRange(char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = Lower(p[i]);
}

// Strict dotted quad (no leading zeros), as inet_pton reads it.
bool ParseIpv4(std::string_view s, uint8_t* out) {
  if (s.size() < 7 || s.size() > 15) return false;
  int part = 0;
  int value = 0;
  int digits = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      if (digits > 0 && value == 0) return false;
      value = value * 10 + (c - '0');
      if (value > 255) return false;
      ++digits;
    } else if (c == '.') {
      if (digits == 0 || part == 3) return false;
      out[part++] = static_cast<uint8_t>(value);
      value = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  if (digits == 0 || part != 3) return false;
  out[3] = static_cast<uint8_t>(value);
  return true;
}

bool ParseIpv6(std::string_view s, uint8_t* out) {
  if (s.size() < 2 || s.size() > 45) return false;
  char text[46];
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                    c == ':' || c == '.';
    if (!ok) return false;
    text[i] = c;
  }
  text[s.size()] = '\0';
  return inet_pton(AF_INET6, text, out) == 1;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

size_t DigestBytes(Kind kind) {
  switch (kind) {
    case Kind::kMd5:
      return 16;
    case Kind::kSha1:
      return 20;
    case Kind::kSha256:
      return 32;
    case Kind::kSha512:
      return 64;
    default:
      return 0;
  }
}

// Scheme and host of a URL in `p[0..n)` lower-cased in place.
void LowerUrlSchemeAndHost(char* p, size_t n) {
  const std::string_view s(p, n);
  const size_t sep = s.find("://");
  if (sep == std::string_view::npos || sep == 0) return;
  for (size_t i = 0; i < sep; ++i) {
    const char c = s[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) return;
  }
  LowerRange(p, sep);
  const size_t start = sep + 3;
  size_t end = s.find_first_of("/?#", start);
  if (end == std::string_view::npos) end = n;
  size_t host = start;
  if (size_t at = s.substr(start, end - start).rfind('@'); at != std::string_view::npos) {
    host = start + at + 1;
  }
  LowerRange(p + host, end - host);
}

// The text key of a domain, URL or e-mail address into `out`.
bool TextKey(Kind kind, std::string_view value, KeyBuffer& out) {
  std::string nfc;
  if (!IsAscii(value)) {
    size_t bad = 0;
    if (!pattern::IsValidUtf8(value, &bad)) return false;
    nfc = pattern::NormalizeNfc(value);
    value = nfc;
  }
  if (kind == Kind::kDomain && !value.empty() && value.back() == '.') value.remove_suffix(1);
  char* p = out.Reserve(value.size());
  std::memcpy(p, value.data(), value.size());
  if (kind == Kind::kUrl) {
    LowerUrlSchemeAndHost(p, value.size());
  } else {
    LowerRange(p, value.size());
  }
  out.SetSize(value.size());
  return true;
}

}  // namespace

char* KeyBuffer::Reserve(size_t size) {
  if (size <= kInline) {
    data_ = inline_.data();
  } else {
    heap_.resize(size);
    data_ = heap_.data();
  }
  size_ = size;
  return data_;
}

size_t FixedKeySize(Kind kind) {
  switch (kind) {
    case Kind::kIpv4:
      return 5;
    case Kind::kIpv6:
      return 17;
    default:
      return DigestBytes(kind);
  }
}

bool ObservedKey(Kind kind, std::string_view value, KeyBuffer& out) {
  switch (kind) {
    case Kind::kIpv4: {
      char* p = out.Reserve(5);
      if (!ParseIpv4(value, reinterpret_cast<uint8_t*>(p))) return false;
      p[4] = 32;
      return true;
    }
    case Kind::kIpv6: {
      char* p = out.Reserve(17);
      if (!ParseIpv6(value, reinterpret_cast<uint8_t*>(p))) return false;
      p[16] = static_cast<char>(128);
      return true;
    }
    case Kind::kDomain:
    case Kind::kUrl:
    case Kind::kEmail:
      return TextKey(kind, value, out);
    case Kind::kMd5:
    case Kind::kSha1:
    case Kind::kSha256:
    case Kind::kSha512: {
      const size_t n = DigestBytes(kind);
      if (value.size() != 2 * n) return false;
      char* p = out.Reserve(n);
      for (size_t i = 0; i < n; ++i) {
        const int hi = HexValue(value[2 * i]);
        const int lo = HexValue(value[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        p[i] = static_cast<char>(hi << 4 | lo);
      }
      return true;
    }
  }
  return false;
}

std::optional<std::string> LiteralKey(Kind kind, std::string_view literal) {
  if (kind == Kind::kIpv4 || kind == Kind::kIpv6) {
    auto net = pattern::ParseIpNet(literal);
    if (!net || net->v6 != (kind == Kind::kIpv6)) return std::nullopt;
    const size_t bytes = kind == Kind::kIpv4 ? 4 : 16;
    std::string key(bytes + 1, '\0');
    for (size_t i = 0; i < bytes; ++i) {
      const int bits = net->prefix - static_cast<int>(8 * i);
      const uint8_t mask = bits >= 8   ? 0xFF
                           : bits <= 0 ? 0
                                       : static_cast<uint8_t>(0xFF << (8 - bits));
      key[i] = static_cast<char>(net->addr[i] & mask);
    }
    key[bytes] = static_cast<char>(net->prefix);
    return key;
  }
  KeyBuffer buffer;
  if (!ObservedKey(kind, literal, buffer)) return std::nullopt;
  return std::string(buffer.view());
}

std::string KeyText(Kind kind, std::string_view key) {
  switch (kind) {
    case Kind::kIpv4:
    case Kind::kIpv6: {
      char text[INET6_ADDRSTRLEN + 8];
      const int family = kind == Kind::kIpv4 ? AF_INET : AF_INET6;
      if (!inet_ntop(family, key.data(), text, sizeof text)) return {};
      std::string out(text);
      if (KeyPrefix(key) != FullPrefix(kind)) out += "/" + std::to_string(KeyPrefix(key));
      return out;
    }
    case Kind::kMd5:
    case Kind::kSha1:
    case Kind::kSha256:
    case Kind::kSha512: {
      static constexpr char kDigits[] = "0123456789abcdef";
      std::string out;
      out.reserve(key.size() * 2);
      for (char c : key) {
        out += kDigits[static_cast<uint8_t>(c) >> 4];
        out += kDigits[static_cast<uint8_t>(c) & 0xF];
      }
      return out;
    }
    default:
      return std::string(key);
  }
}

uint64_t HashBytes(std::string_view bytes, uint64_t seed) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  uint64_t h = seed ^ (bytes.size() * kMul);
  const char* p = bytes.data();
  size_t n = bytes.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ULL;
  h ^= h >> 33;
  return h;
}

}  // namespace ecrn::scan
