#include "ecrn/core/totp.hpp"

#include <cassert>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "ecrn/core/secrets.hpp"

namespace ecrn {
namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// The 5-bit value of a Base32 character (either case), or -1.
int Base32Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

uint32_t PowerOfTen(int digits) {
  uint32_t p = 1;
  for (int i = 0; i < digits; ++i) p *= 10;
  return p;
}

}  // namespace

std::string GenerateTotpSecret() {
  if (sodium_init() < 0) return {};  // libsodium cannot start: no secret rather than a weak one
  std::string secret(kTotpSecretBytes, '\0');
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::string Base32Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  uint32_t buffer = 0;
  int bits = 0;
  for (char ch : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(ch);
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32Alphabet[(buffer >> (bits - 5)) & 0x1f]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 0x1f]);
  return out;
}

Result<std::string> Base32Decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  size_t symbols = 0;
  for (char c : text) {
    if (c == ' ') continue;
    const int v = Base32Value(c);
    if (v < 0) {
      return Error::Invalid(c == '='
                                ? std::string("Base32 text must not carry '=' padding")
                                : std::string("Base32 text may hold only A-Z, 2-7 and spaces"));
    }
    ++symbols;
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  // 8 symbols carry 5 bytes; a final group of 2, 4, 5 or 7 symbols carries
  // 1, 2, 3 or 4 bytes. Other lengths, or unused bits that are not zero, come
  // from no encoder.
  const size_t rest = symbols % 8;
  if (rest == 1 || rest == 3 || rest == 6) return Error::Invalid("Base32 text has a wrong length");
  if ((buffer & ((1u << bits) - 1)) != 0) {
    return Error::Invalid("Base32 text has non-zero trailing bits");
  }
  return out;
}

std::string TotpUri(std::string_view user, std::string_view secret) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string label;
  for (char ch : user) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      label.push_back(ch);
    } else {
      label.push_back('%');
      label.push_back(kHex[c >> 4]);
      label.push_back(kHex[c & 0xf]);
    }
  }
  return "otpauth://totp/" + std::string(kTotpIssuer) + ":" + label +
         "?secret=" + Base32Encode(secret) + "&issuer=" + std::string(kTotpIssuer) +
         "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
         "&period=" + std::to_string(kTotpPeriodSeconds);
}

int64_t TotpStep(Micros now) {
  constexpr int64_t kPeriodMicros = kTotpPeriodSeconds * 1'000'000;
  int64_t step = now / kPeriodMicros;
  if (now % kPeriodMicros < 0) --step;  // floor for instants before 1970
  return step;
}

std::string TotpCode(std::string_view secret, int64_t step, int digits) {
  assert(digits >= 6 && digits <= 8);
  if (digits < 6 || digits > 8) digits = kTotpDigits;
  unsigned char message[8];
  auto counter = static_cast<uint64_t>(step);
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), message, sizeof message, mac,
           &mac_len) == nullptr ||
      mac_len < 20) {
    return {};  // only on an OpenSSL failure; "" matches no typed code
  }
  // RFC 4226 section 5.3: dynamic truncation.
  const unsigned offset = mac[mac_len - 1] & 0x0f;
  const uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                          (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                          (static_cast<uint32_t>(mac[offset + 2]) << 8) |
                          static_cast<uint32_t>(mac[offset + 3]);
  std::string code = std::to_string(binary % PowerOfTen(digits));
  return std::string(static_cast<size_t>(digits) - code.size(), '0') + code;
}

Result<int64_t> VerifyTotp(std::string_view secret, std::string_view code, Micros now,
                           std::optional<int64_t> last_used_step, int digits) {
  if (secret.empty()) return Error::Invalid("no one-time password secret is set");
  if (code.size() != static_cast<size_t>(digits) ||
      code.find_first_not_of("0123456789") != std::string_view::npos) {
    return Error::Invalid("the one-time code must be " + std::to_string(digits) + " digits");
  }
  const int64_t current = TotpStep(now);
  bool matched = false;
  int64_t matched_step = 0;
  // Every candidate is computed and compared in constant time, so timing
  // does not tell which step (if any) matched.
  for (int64_t step = current - 1; step <= current + 1; ++step) {
    if (last_used_step && step <= *last_used_step) continue;
    if (ConstantTimeEquals(TotpCode(secret, step, digits), code) && !matched) {
      matched = true;
      matched_step = step;
    }
  }
  if (!matched) {
    return Error{ErrorCode::kUnauthenticated, "wrong or already used one-time code", {}};
  }
  return matched_step;
}

}  // namespace ecrn
