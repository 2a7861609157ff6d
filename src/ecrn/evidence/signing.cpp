#include "ecrn/evidence/signing.hpp"

#include <sodium.h>

namespace ecrn::evidence {
namespace {

bool SodiumReady() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

}  // namespace

Result<SigningKey> SigningKey::FromSeed(std::string_view seed) {
  if (seed.size() != kSeedBytes) {
    return Error::Invalid("an Ed25519 seed is 32 bytes, not " + std::to_string(seed.size()));
  }
  if (!SodiumReady()) return Error::Internal("libsodium cannot start");
  SigningKey key;
  crypto_sign_seed_keypair(key.public_.data(), key.secret_.data(),
                           reinterpret_cast<const unsigned char*>(seed.data()));
  return key;
}

Result<SigningKey> SigningKey::FromSeedHex(std::string_view seed_hex) {
  auto seed = HexDecode(seed_hex);
  if (!seed || seed->size() != kSeedBytes) {
    return Error::Invalid("the signing key seed must be 64 hex digits");
  }
  auto key = FromSeed(*seed);
  sodium_memzero(seed->data(), seed->size());
  return key;
}

SigningKey::SigningKey(const SigningKey& other) = default;
SigningKey& SigningKey::operator=(const SigningKey& other) = default;
SigningKey::~SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }

std::string SigningKey::PublicKeyHex() const {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(public_.data()), public_.size()));
}

std::string SigningKey::Sign(std::string_view message) const {
  std::string sig(kSignatureBytes, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       secret_.data());
  return sig;
}

std::string GenerateSeedHex() {
  if (!SodiumReady()) return {};
  std::string seed(kSeedBytes, '\0');
  randombytes_buf(seed.data(), seed.size());
  std::string hex = HexEncode(seed);
  sodium_memzero(seed.data(), seed.size());
  return hex;
}

bool VerifySignature(std::string_view public_key, std::string_view message,
                     std::string_view signature) {
  if (public_key.size() != kPublicKeyBytes || signature.size() != kSignatureBytes) return false;
  if (!SodiumReady()) return false;
  return crypto_sign_verify_detached(
             reinterpret_cast<const unsigned char*>(signature.data()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(),
             reinterpret_cast<const unsigned char*>(public_key.data())) == 0;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

std::optional<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

}  // namespace ecrn::evidence
