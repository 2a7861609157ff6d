// Passwords (Argon2id via libsodium crypto_pwhash_str) and API keys (random,
// stored only as a SHA-256 hash, compared in constant time). Thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "ecrn/core/result.hpp"

namespace ecrn {

// Argon2id hash string of `password` (interactive limits). Fails when the
// password is empty or the hash cannot be computed (out of memory).
Result<std::string> HashPassword(std::string_view password);
// True if `password` matches the stored hash string.
bool VerifyPassword(std::string_view password, std::string_view hash);

// A new API key: "ecrn_" + 8-char prefix + "_" + 43 base64url chars of entropy.
struct NewApiKey {
  std::string key;     // shown to the user once
  std::string prefix;  // stored, to find the row ("ecrn_XXXXXXXX")
  std::string hash;    // stored
};
NewApiKey GenerateApiKey();
// The prefix of a presented key ("" if it is not of our form).
std::string ApiKeyPrefix(std::string_view key);
// The hash stored for a key (hex SHA-256).
std::string HashApiKey(std::string_view key);
// Hex SHA-256 of `data` (session ids and other tokens are stored this way).
std::string Sha256Hex(std::string_view data);
// Hex HMAC-SHA-256 of `data` under `key`.
std::string HmacSha256Hex(std::string_view key, std::string_view data);
// `bytes` random bytes (libsodium) as base64url without padding.
std::string RandomToken(size_t bytes);
// Standard base64 (with or without padding) decoded; nullopt when malformed.
std::optional<std::string> DecodeBase64(std::string_view text);
// base64url without padding, and back (nullopt when malformed).
std::string EncodeBase64Url(std::string_view data);
std::optional<std::string> DecodeBase64Url(std::string_view text);

// Constant-time comparison of two equal-length strings (false when lengths differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace ecrn
