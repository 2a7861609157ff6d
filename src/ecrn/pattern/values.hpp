// The value semantics the pattern engine needs beyond JSON: IP networks
// (CIDR), PCRE2 regular expressions, Unicode NFC normalisation and SQL LIKE.
// Private to pattern/. Pure; Regex is immutable after Compile and may be
// used from any number of threads.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ecrn/core/result.hpp"

struct pcre2_real_code_8;

namespace ecrn::pattern {

// An IPv4 or IPv6 network: an address with a prefix length (32 or 128 for a
// single address). Host bits are kept as written.
struct IpNet {
  bool v6 = false;
  std::array<uint8_t, 16> addr{};
  int prefix = 0;
};

// Parses "1.2.3.4", "1.2.3.0/24", "2001:db8::1", "2001:db8::/32"; nullopt
// for anything else.
std::optional<IpNet> ParseIpNet(std::string_view text);

// True when every address of `inner` lies in `outer` (same family).
bool NetContains(const IpNet& outer, const IpNet& inner);

// A compiled PCRE2 regular expression (UTF mode, with match limits so a
// pathological expression fails instead of running away).
class Regex {
 public:
  // kInvalidArgument with PCRE2's reason and the offset in the expression.
  static Result<Regex> Compile(std::string_view expression);
  // True when the expression matches somewhere in `subject` (UTF-8); false
  // also when the subject is not valid UTF-8 or a match limit is hit.
  bool Search(std::string_view subject) const;

 private:
  struct Free {
    void operator()(pcre2_real_code_8* code) const;
  };
  std::shared_ptr<pcre2_real_code_8> code_;
};

// `text` (valid UTF-8) in Unicode Normalisation Form C.
std::string NormalizeNfc(std::string_view text);

// SQL LIKE over code points: '%' any run (also empty), '_' exactly one.
// Both arguments are valid UTF-8; case-sensitive.
bool LikeMatch(std::string_view text, std::string_view pattern);

// Each byte of `bytes` as the code point of the same value, in UTF-8 (how
// MATCHES sees binary properties).
std::string Latin1ToUtf8(std::string_view bytes);

// Decodes lower- or upper-case hex; nullopt when malformed.
std::optional<std::string> DecodeHex(std::string_view text);

}  // namespace ecrn::pattern
