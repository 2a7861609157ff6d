#include "ecrn/pattern/values.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <charconv>
#include <cstring>
#include <vector>

#include <arpa/inet.h>
#include <pcre2.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

namespace ecrn::pattern {

std::optional<IpNet> ParseIpNet(std::string_view text) {
  IpNet net;
  std::string_view addr = text;
  std::optional<int> prefix;
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    addr = text.substr(0, slash);
    std::string_view p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3 || (p.size() > 1 && p[0] == '0')) return std::nullopt;
    int v = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (ec != std::errc() || end != p.data() + p.size()) return std::nullopt;
    prefix = v;
  }
  if (addr.empty() || addr.size() > 45) return std::nullopt;
  std::string a(addr);
  net.v6 = a.find(':') != std::string::npos;
  if (net.v6) {
    if (inet_pton(AF_INET6, a.c_str(), net.addr.data()) != 1) return std::nullopt;
  } else if (inet_pton(AF_INET, a.c_str(), net.addr.data()) != 1) {
    return std::nullopt;
  }
  const int max = net.v6 ? 128 : 32;
  net.prefix = prefix.value_or(max);
  if (net.prefix < 0 || net.prefix > max) return std::nullopt;
  return net;
}

bool NetContains(const IpNet& outer, const IpNet& inner) {
  if (outer.v6 != inner.v6 || outer.prefix > inner.prefix) return false;
  const int full = outer.prefix / 8;
  if (std::memcmp(outer.addr.data(), inner.addr.data(), static_cast<size_t>(full)) != 0) {
    return false;
  }
  const int rest = outer.prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (outer.addr[full] & mask) == (inner.addr[full] & mask);
}

void Regex::Free::operator()(pcre2_real_code_8* code) const { pcre2_code_free(code); }

Result<Regex> Regex::Compile(std::string_view expression) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* compiled =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(expression.data()), expression.size(),
                    PCRE2_UTF | PCRE2_UCP, &code, &offset, nullptr);
  if (!compiled) {
    PCRE2_UCHAR buffer[256];
    pcre2_get_error_message(code, buffer, sizeof buffer);
    return Error::Invalid("regular expression does not compile at offset " +
                          std::to_string(offset) + ": " + reinterpret_cast<char*>(buffer));
  }
  Regex r;
  r.code_ = std::shared_ptr<pcre2_real_code_8>(compiled, Free{});
  return r;
}

bool Regex::Search(std::string_view subject) const {
  constexpr uint32_t kMatchLimit = 1'000'000;
  constexpr uint32_t kDepthLimit = 10'000;
  std::unique_ptr<pcre2_match_context, void (*)(pcre2_match_context*)> context(
      pcre2_match_context_create(nullptr), pcre2_match_context_free);
  std::unique_ptr<pcre2_match_data, void (*)(pcre2_match_data*)> data(
      pcre2_match_data_create_from_pattern(code_.get(), nullptr), pcre2_match_data_free);
  if (!context || !data) return false;
  pcre2_set_match_limit(context.get(), kMatchLimit);
  pcre2_set_depth_limit(context.get(), kDepthLimit);
  const int rc = pcre2_match(code_.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()),
                             subject.size(), 0, 0, data.get(), context.get());
  return rc >= 0;
}

namespace {

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

std::vector<char32_t> CodePoints(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < len && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

}  // namespace

std::string NormalizeNfc(std::string_view text) {
  if (IsAscii(text)) return std::string(text);  // ASCII is always NFC
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status) || !nfc) return std::string(text);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString normalized = nfc->normalize(u, status);
  if (U_FAILURE(status)) return std::string(text);
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

bool LikeMatch(std::string_view text, std::string_view pattern) {
  const std::vector<char32_t> t = CodePoints(text);
  const std::vector<char32_t> p = CodePoints(pattern);
  // Greedy matching with backtracking to the last '%': O(|t|·|p|) at worst.
  size_t ti = 0, pi = 0;
  size_t star = std::string_view::npos, star_t = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == U'_' || (p[pi] != U'%' && p[pi] == t[ti]))) {
      ++ti;
      ++pi;
    } else if (pi < p.size() && p[pi] == U'%') {
      star = pi++;
      star_t = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++star_t;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == U'%') ++pi;
  return pi == p.size();
}

std::string Latin1ToUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

std::optional<std::string> DecodeHex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char h) -> int {
    if (h >= '0' && h <= '9') return h - '0';
    if (h >= 'a' && h <= 'f') return h - 'a' + 10;
    if (h >= 'A' && h <= 'F') return h - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    const int hi = nibble(text[i]);
    const int lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

}  // namespace ecrn::pattern
