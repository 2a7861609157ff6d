// Time-based one-time passwords (RFC 6238 TOTP over RFC 4226 HOTP, HMAC-SHA1,
// 30-second steps) for second-factor logins, and the RFC 4648 Base32 that
// authenticator apps use for secrets. Pure functions (GenerateTotpSecret
// reads the system's random source); thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"

namespace ecrn {

inline constexpr size_t kTotpSecretBytes = 20;  // 160 bits, as RFC 4226 recommends
inline constexpr int64_t kTotpPeriodSeconds = 30;
inline constexpr int kTotpDigits = 6;
inline constexpr std::string_view kTotpIssuer = "ECRN";

// A new random secret of kTotpSecretBytes raw bytes (libsodium randombytes).
std::string GenerateTotpSecret();

// RFC 4648 Base32 (alphabet A-Z 2-7), upper case, without '=' padding.
std::string Base32Encode(std::string_view bytes);
// Decodes Base32: letters in either case, spaces ignored. Fails with
// kInvalidArgument on any other character ('=' padding included), on a length
// no encoding has, or on non-zero unused trailing bits.
Result<std::string> Base32Decode(std::string_view text);

// The provisioning URI an authenticator app reads (usually from a QR code):
// otpauth://totp/ECRN:<user>?secret=<base32>&issuer=ECRN&algorithm=SHA1&digits=6&period=30
// with the user name percent-encoded (everything but A-Z a-z 0-9 - . _ ~).
std::string TotpUri(std::string_view user, std::string_view secret);

// The time step of an instant: floor(seconds since the epoch / 30).
int64_t TotpStep(Micros now);

// The code for `step` (HMAC-SHA1 of the 8-byte big-endian step, RFC 4226
// dynamic truncation), as `digits` decimal digits with leading zeros.
// `digits` must be 6, 7 or 8 (anything else is a programmer error; asserted,
// and treated as 6 in release builds).
std::string TotpCode(std::string_view secret, int64_t step, int digits = kTotpDigits);

// Checks a code typed by a user at `now`. Accepts the codes of steps
// TotpStep(now)-1 .. TotpStep(now)+1 (clock drift), but never a step at or
// before `last_used_step` (so a code cannot be replayed); returns the matched
// step, which the caller stores as the new last used step. Fails with
// kInvalidArgument when the code is not exactly `digits` decimal digits or the
// secret is empty, kUnauthenticated when it matches no acceptable step.
Result<int64_t> VerifyTotp(std::string_view secret, std::string_view code, Micros now,
                           std::optional<int64_t> last_used_step, int digits = kTotpDigits);

}  // namespace ecrn
