// The hub's Ed25519 signing key for crime-report packages (libsodium
// crypto_sign_detached), hex encoding of keys and signatures, and
// verification. A SigningKey is immutable after construction, so const use
// from several threads is safe; the free functions are thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ecrn/core/result.hpp"

namespace ecrn::evidence {

inline constexpr size_t kSeedBytes = 32;
inline constexpr size_t kPublicKeyBytes = 32;
inline constexpr size_t kSignatureBytes = 64;

// An Ed25519 key pair derived from a 32-byte seed. The hub keeps only the
// seed (as hex, e.g. in Store::ServerSecret); the public key is published in
// every package and printed so receivers can pin it. The secret part is
// wiped when the key is destroyed.
class SigningKey {
 public:
  // From the raw 32-byte seed; kInvalidArgument when it is not 32 bytes.
  static Result<SigningKey> FromSeed(std::string_view seed);
  // From 64 hex digits (either case); kInvalidArgument otherwise.
  static Result<SigningKey> FromSeedHex(std::string_view seed_hex);

  SigningKey(const SigningKey& other);
  SigningKey& operator=(const SigningKey& other);
  ~SigningKey();

  // The 32-byte public key as 64 lower-case hex digits.
  std::string PublicKeyHex() const;
  // The detached signature (64 raw bytes) of `message`.
  std::string Sign(std::string_view message) const;

 private:
  SigningKey() = default;
  std::array<unsigned char, 64> secret_{};  // libsodium's seed || public key form
  std::array<unsigned char, kPublicKeyBytes> public_{};
};

// A fresh random seed as 64 lower-case hex digits (for the hub to store once).
std::string GenerateSeedHex();

// True when `signature` (64 raw bytes) is a valid Ed25519 signature of
// `message` by `public_key` (32 raw bytes); false for wrong lengths.
bool VerifySignature(std::string_view public_key, std::string_view message,
                     std::string_view signature);

// Lower-case hex of `bytes`.
std::string HexEncode(std::string_view bytes);
// Bytes of a hex string (either case, even length); nullopt when malformed.
std::optional<std::string> HexDecode(std::string_view hex);

}  // namespace ecrn::evidence
