#include "ecrn/scan/extract.hpp"

#include <array>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ecrn::scan {
namespace {

// Byte classes. 0 separates tokens.
enum : uint16_t {
  kDigit = 1 << 0,     // 0-9
  kHexAlpha = 1 << 1,  // a-f A-F
  kAlpha = 1 << 2,     // g-z G-Z
  kDot = 1 << 3,       // .
  kColon = 1 << 4,     // :
  kAt = 1 << 5,        // @
  kHyphen = 1 << 6,    // -
  kUnder = 1 << 7,     // _
  kPlus = 1 << 8,      // +
  kHigh = 1 << 9,      // bytes >= 0x80
};
constexpr uint16_t kHex = kDigit | kHexAlpha;
constexpr uint16_t kAlnum = kDigit | kHexAlpha | kAlpha;

constexpr std::array<uint16_t, 256> MakeClasses() {
  std::array<uint16_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = (c <= 'f') ? kHexAlpha : kAlpha;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = (c <= 'F') ? kHexAlpha : kAlpha;
  t['.'] = kDot;
  t[':'] = kColon;
  t['@'] = kAt;
  t['-'] = kHyphen;
  t['_'] = kUnder;
  t['+'] = kPlus;
  for (int c = 0x80; c < 0x100; ++c) t[c] = kHigh;
  return t;
}
constexpr std::array<uint16_t, 256> kClass = MakeClasses();

// Bytes that end a URL.
constexpr std::array<bool, 256> MakeUrlEnd() {
  std::array<bool, 256> t{};
  for (int c = 0; c <= 0x20; ++c) t[c] = true;
  t[0x7f] = true;
  for (unsigned char c : std::string_view("\"'<>`\\{}|^")) t[c] = true;
  return t;
}
constexpr std::array<bool, 256> kUrlEnd = MakeUrlEnd();

using Byte = unsigned char;

inline uint16_t ClassOf(char c) { return kClass[static_cast<Byte>(c)]; }

uint16_t FlagsOf(std::string_view s) {
  uint16_t f = 0;
  for (char c : s) f |= ClassOf(c);
  return f;
}

std::string_view TrimDots(std::string_view s) {
  while (!s.empty() && s.front() == '.') s.remove_prefix(1);
  while (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return s;
}

bool IsHashLength(size_t n) { return n == 32 || n == 40 || n == 64 || n == 128; }

Kind HashKind(size_t n) {
  switch (n) {
    case 32:
      return Kind::kMd5;
    case 40:
      return Kind::kSha1;
    case 64:
      return Kind::kSha256;
    default:
      return Kind::kSha512;
  }
}

bool IsIpv4Impl(std::string_view s) {
  if (s.size() < 7 || s.size() > 15) return false;
  int parts = 0;
  size_t i = 0;
  while (true) {
    const size_t start = i;
    int value = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 4) {
      value = value * 10 + (s[i] - '0');
      ++i;
    }
    const size_t digits = i - start;
    if (digits == 0 || digits > 3 || value > 255) return false;
    if (digits > 1 && s[start] == '0') return false;
    ++parts;
    if (i == s.size()) break;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
  return parts == 4;
}

bool IsIpv6Impl(std::string_view s) {
  if (s.size() < 2 || s.size() > 45) return false;
  // Eight groups take at least 15 characters; anything shorter needs "::"
  // (this turns clock times such as "08:00:00" away early).
  if (s.size() < 15 && s.find("::") == std::string_view::npos) return false;
  size_t i = 0;
  int groups = 0;
  bool compressed = false;
  if (s[0] == ':') {
    if (s[1] != ':') return false;
    compressed = true;
    i = 2;
    if (i == s.size()) return false;  // "::" alone is not reported
  }
  while (true) {
    const size_t start = i;
    while (i < s.size() && (ClassOf(s[i]) & kHex) && i - start < 5) ++i;
    const size_t digits = i - start;
    if (i < s.size() && s[i] == '.') {
      // A dotted IPv4 tail takes the place of the last two groups.
      if (!IsIpv4Impl(s.substr(start))) return false;
      groups += 2;
      break;
    }
    if (digits == 0 || digits > 4) return false;
    ++groups;
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (compressed) return false;
      compressed = true;
      ++i;
      if (i == s.size()) break;
    } else if (i == s.size()) {
      return false;  // a single trailing ':'
    }
    if (groups > 8) return false;
  }
  return compressed ? groups <= 7 : groups == 8;
}

bool IsTld(std::string_view tld) {
  if (tld.size() > 4 && (tld[0] | 0x20) == 'x' && (tld[1] | 0x20) == 'n' && tld[2] == '-' &&
      tld[3] == '-') {
    for (char c : tld) {
      if (!(ClassOf(c) & (kAlnum | kHyphen))) return false;
    }
    return tld.back() != '-';
  }
  if (tld.size() < 2 || tld.size() > 63) return false;
  for (char c : tld) {
    if (!(ClassOf(c) & (kHexAlpha | kAlpha))) return false;
  }
  return true;
}

bool IsDomainImpl(std::string_view s) {
  if (s.size() < 4 || s.size() > 253) return false;
  // The last label first: most dotted tokens that are not domains ("4.08",
  // "x86_64.1") fail here.
  const size_t last_dot = s.rfind('.');
  if (last_dot == std::string_view::npos || last_dot == 0) return false;
  if (!IsTld(s.substr(last_dot + 1))) return false;
  size_t label_start = 0;
  for (size_t i = 0; i <= last_dot; ++i) {
    const char c = s[i];
    if (c != '.') {
      if (!(ClassOf(c) & (kAlnum | kHyphen | kUnder))) return false;
      continue;
    }
    const size_t len = i - label_start;
    if (len == 0 || len > 63 || s[label_start] == '-' || s[i - 1] == '-') return false;
    label_start = i + 1;
  }
  return true;
}

// Classifies a token that holds no ':' and no '@' (after trimming dots).
void ClassifyPlain(std::string_view tok, uint16_t flags, std::vector<Observable>& out) {
  if (flags & kDot) {
    tok = TrimDots(tok);
    if (tok.empty()) return;
    if (!(flags & (kHexAlpha | kAlpha | kHyphen | kUnder | kPlus))) {
      if (IsIpv4Impl(tok)) out.push_back({Kind::kIpv4, tok});
      return;
    }
    if (!(flags & kPlus) && IsDomainImpl(tok)) out.push_back({Kind::kDomain, tok});
    return;
  }
  if (IsHashLength(tok.size()) && !(flags & ~kHex)) out.push_back({HashKind(tok.size()), tok});
}

// A host as written in a URL authority or a host field: IPv4, IPv6 (bare or
// in brackets, zone dropped) or domain.
bool AppendHost(std::string_view host, std::vector<Observable>& out) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (const size_t zone = host.find('%'); zone != std::string_view::npos) {
    host = host.substr(0, zone);
  }
  host = TrimDots(host);
  if (IsIpv4Impl(host)) {
    out.push_back({Kind::kIpv4, host});
    return true;
  }
  if (host.find(':') != std::string_view::npos) {
    if (!IsIpv6Impl(host)) return false;
    out.push_back({Kind::kIpv6, host});
    return true;
  }
  if (IsDomainImpl(host)) {
    out.push_back({Kind::kDomain, host});
    return true;
  }
  return false;
}

// The host of a URL's authority ("user@host:port"), `rest` starting after
// "://".
void AppendUrlHost(std::string_view rest, std::vector<Observable>& out) {
  size_t auth_end = 0;
  while (auth_end < rest.size() && rest[auth_end] != '/' && rest[auth_end] != '?' &&
         rest[auth_end] != '#') {
    ++auth_end;
  }
  std::string_view authority = rest.substr(0, auth_end);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    host = close == std::string_view::npos ? std::string_view() : host.substr(0, close + 1);
  } else if (const size_t c = host.find(':'); c != std::string_view::npos) {
    host = host.substr(0, c);
  }
  if (!host.empty()) AppendHost(host, out);
}

void ClassifyEmail(std::string_view tok, std::vector<Observable>& out) {
  const size_t at = tok.find('@');
  std::string_view local = tok.substr(0, at);
  if (const size_t colon = local.rfind(':'); colon != std::string_view::npos) {
    local = local.substr(colon + 1);
  }
  std::string_view domain = tok.substr(at + 1);
  if (const size_t colon = domain.find(':'); colon != std::string_view::npos) {
    domain = domain.substr(0, colon);
  }
  while (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  if (IsIpv4Impl(domain)) {
    out.push_back({Kind::kIpv4, domain});
    return;
  }
  if (!IsDomainImpl(domain)) return;
  const bool local_ok = !local.empty() && local.size() <= 64 && local.front() != '.' &&
                        local.back() != '.' && !(FlagsOf(local) & kHigh);
  if (local_ok) {
    out.push_back({Kind::kEmail,
                   std::string_view(local.data(), domain.data() + domain.size() - local.data())});
  }
  out.push_back({Kind::kDomain, domain});
}

void ClassifyToken(std::string_view tok, uint16_t flags, std::vector<Observable>& out) {
  if (flags & kHigh) return;
  if (flags & kAt) {
    ClassifyEmail(tok, out);
    return;
  }
  if (flags & kColon) {
    if (!(flags & (kAlpha | kHyphen | kUnder | kPlus)) && tok.size() <= 46) {
      std::string_view v = tok;
      while (!v.empty() && v.back() == '.') v.remove_suffix(1);
      if (IsIpv6Impl(v)) {
        out.push_back({Kind::kIpv6, v});
        return;
      }
    }
    // Pieces without a '.' or '@' can only be hashes (32 digits or more).
    if (!(flags & kDot) && tok.size() < 32) return;
    size_t start = 0;
    while (start <= tok.size()) {
      size_t end = tok.find(':', start);
      if (end == std::string_view::npos) end = tok.size();
      const std::string_view piece = tok.substr(start, end - start);
      if (!piece.empty()) ClassifyPlain(piece, FlagsOf(piece), out);
      start = end + 1;
    }
    return;
  }
  ClassifyPlain(tok, flags, out);
}

bool IsSchemeChar(char c) { return (ClassOf(c) & kAlnum) || c == '+' || c == '-' || c == '.'; }

// `colon` points at the ':' of "://"; returns the URL's end (and appends the
// URL and its host), or nullptr when the scheme before `colon` is not one.
const char* TakeUrl(const char* token_begin, const char* colon, const char* end,
                    const char** scheme_begin, std::vector<Observable>& out) {
  const char* s = colon;
  while (s > token_begin && IsSchemeChar(s[-1])) --s;
  while (s < colon && !(ClassOf(*s) & (kHexAlpha | kAlpha))) ++s;  // starts with a letter
  if (s == colon) return nullptr;
  const char* p = colon + 3;
  while (p < end && !kUrlEnd[static_cast<Byte>(*p)]) ++p;
  // Trailing punctuation belongs to the sentence, not the URL.
  while (p > colon + 3) {
    const char c = p[-1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?') {
      --p;
      continue;
    }
    if (c == ')' || c == ']') {
      const char open = c == ')' ? '(' : '[';
      int balance = 0;
      for (const char* q = colon; q < p; ++q) balance += (*q == open) - (*q == c);
      if (balance < 0) {
        --p;
        continue;
      }
    }
    break;
  }
  const char* host_begin = colon + 3;
  if (p == host_begin) return nullptr;
  *scheme_begin = s;
  out.push_back({Kind::kUrl, std::string_view(s, p - s)});
  AppendUrlHost(std::string_view(host_begin, p - host_begin), out);
  return p;
}

// Bit masks over 16 bytes: '.', ':' or '@' (every address, domain, URL and
// e-mail has one: the anchors the scan looks for), token bytes, hex digits.
struct BlockMasks {
  uint32_t anchor;
  uint32_t word;
  uint32_t hex;
};

#if defined(__SSE2__)
inline BlockMasks Masks16(const char* p) {
  const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i anchor = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8('.')), _mm_cmpeq_epi8(b, _mm_set1_epi8(':'))),
      _mm_cmpeq_epi8(b, _mm_set1_epi8('@')));
  const __m128i other = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8('-')), _mm_cmpeq_epi8(b, _mm_set1_epi8('_'))),
      _mm_cmpeq_epi8(b, _mm_set1_epi8('+')));
  // Unsigned range tests: x - lo <= hi - lo, as min(x - lo, hi - lo) == x - lo.
  const __m128i d = _mm_sub_epi8(b, _mm_set1_epi8('0'));
  const __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
  const __m128i l = _mm_sub_epi8(_mm_or_si128(b, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
  const __m128i letter = _mm_cmpeq_epi8(_mm_min_epu8(l, _mm_set1_epi8(25)), l);
  const __m128i hex_letter = _mm_cmpeq_epi8(_mm_min_epu8(l, _mm_set1_epi8(5)), l);
  BlockMasks m;
  m.anchor = static_cast<uint32_t>(_mm_movemask_epi8(anchor));
  // Bytes >= 0x80 are token bytes too (they spoil the token): their top bit.
  m.word = static_cast<uint32_t>(_mm_movemask_epi8(
               _mm_or_si128(_mm_or_si128(anchor, other), _mm_or_si128(digit, letter)))) |
           static_cast<uint32_t>(_mm_movemask_epi8(b));
  m.hex = static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(digit, hex_letter)));
  return m;
}
#else
inline BlockMasks Masks16(const char* p) {
  BlockMasks m{0, 0, 0};
  for (int i = 0; i < 16; ++i) {
    const uint16_t c = kClass[static_cast<Byte>(p[i])];
    if (c & (kDot | kColon | kAt)) m.anchor |= 1u << i;
    if (c != 0) m.word |= 1u << i;
    if (c & kHex) m.hex |= 1u << i;
  }
  return m;
}
#endif

// The next place a token that may hold an observable shows: `*anchor` at the
// next '.', ':' or '@', or at the start of a 16-byte block of hex digits (a
// hash of 32 or more digits always covers one). `*first` is the token's
// start when the block shows it, else nullptr. Returns false when there is
// none. Blocks with neither are passed 16 bytes at a time.
bool NextCandidate(const char* p, const char* end, const char** anchor, const char** first,
                   const char** last) {
  *first = nullptr;
  *last = nullptr;
  while (end - p >= 16) {
    const BlockMasks m = Masks16(p);
    if (m.anchor != 0) {
      const int i = __builtin_ctz(m.anchor);
      *anchor = p + i;
      const uint32_t gaps = ~m.word & 0xFFFF;
      const uint32_t before = gaps & ((1u << i) - 1);
      const uint32_t after = gaps & ~((2u << i) - 1);
      if (before != 0) *first = p + (32 - __builtin_clz(before));
      if (after != 0) *last = p + __builtin_ctz(after);
      return true;
    }
    if (m.hex == 0xFFFF) {
      *anchor = p;
      return true;
    }
    p += 16;
  }
  while (p < end && !(kClass[static_cast<Byte>(*p)] & (kDot | kColon | kAt))) ++p;
  *anchor = p;
  return p < end;
}

}  // namespace

void ExtractObservables(std::string_view text, std::vector<Observable>& out) {
  const char* const end = text.data() + text.size();
  const char* p = text.data();
  const char* floor = p;  // no token starts before this (the last one ended here)
  const char* anchor;
  const char* first;
  const char* last;
  while (NextCandidate(p, end, &anchor, &first, &last)) {
    // Widen the candidate byte to its whole token (the block scan often knows
    // where it starts and ends).
    if (first == nullptr) {
      first = anchor;
      while (first > floor && kClass[static_cast<Byte>(first[-1])] != 0) --first;
    }
    if (last == nullptr) {
      last = anchor;
      while (last < end && kClass[static_cast<Byte>(*last)] != 0) ++last;
    }
    const uint16_t flags = FlagsOf(std::string_view(first, static_cast<size_t>(last - first)));
    p = floor = last;
    // "scheme://": the token ends at the '/' after a ':'.
    if (last + 1 < end && last[-1] == ':' && last[0] == '/' && last[1] == '/') {
      const char* scheme = nullptr;
      if (const char* url_end = TakeUrl(first, last - 1, end, &scheme, out)) {
        // Whatever precedes the scheme in the token ("url:http://") is
        // a token of its own.
        if (scheme > first) {
          const std::string_view before(first, static_cast<size_t>(scheme - first));
          ClassifyToken(before, FlagsOf(before), out);
        }
        p = floor = url_end;
        continue;
      }
    }
    ClassifyToken(std::string_view(first, static_cast<size_t>(last - first)), flags, out);
  }
}

bool AppendTyped(Kind kind, std::string_view value, std::vector<Observable>& out) {
  switch (kind) {
    case Kind::kIpv4:
    case Kind::kIpv6:
    case Kind::kDomain:
      return AppendHost(value, out);
    case Kind::kUrl: {
      if (value.empty() || value == "-") return false;
      for (char c : value) {
        if (kUrlEnd[static_cast<Byte>(c)]) return false;
      }
      out.push_back({Kind::kUrl, value});
      if (const size_t scheme_end = value.find("://"); scheme_end != std::string_view::npos) {
        AppendUrlHost(value.substr(scheme_end + 3), out);
      }
      return true;
    }
    case Kind::kEmail: {
      const size_t before = out.size();
      if (value.find('@') == std::string_view::npos ||
          (FlagsOf(value) & ~(kAlnum | kDot | kAt | kHyphen | kUnder | kPlus))) {
        return false;
      }
      ClassifyEmail(value, out);
      if (out.size() == before || out[before].kind != Kind::kEmail || out[before].value != value) {
        out.resize(before);
        return false;
      }
      return true;
    }
    case Kind::kMd5:
    case Kind::kSha1:
    case Kind::kSha256:
    case Kind::kSha512:
      if (!IsHashLength(value.size()) || HashKind(value.size()) != kind ||
          (FlagsOf(value) & ~kHex)) {
        return false;
      }
      out.push_back({kind, value});
      return true;
  }
  return false;
}

std::optional<Kind> HostKind(std::string_view value) {
  if (IsIpv4Impl(value)) return Kind::kIpv4;
  if (IsIpv6Impl(value)) return Kind::kIpv6;
  if (IsDomainImpl(value)) return Kind::kDomain;
  return std::nullopt;
}

bool IsIpv4(std::string_view text) { return IsIpv4Impl(text); }
bool IsIpv6(std::string_view text) { return IsIpv6Impl(text); }
bool IsDomain(std::string_view text) { return IsDomainImpl(text); }

}  // namespace ecrn::scan
