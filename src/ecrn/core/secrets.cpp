#include "ecrn/core/secrets.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

namespace ecrn {
namespace {

bool InitSodium() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

std::string Base64Url(const unsigned char* data, size_t n) {
  std::string out(sodium_base64_encoded_len(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 0xf];
  }
  return out;
}

// Decodes with the padded variant when `text` ends in '=', else the unpadded one.
std::optional<std::string> DecodeWith(std::string_view text, int padded, int unpadded) {
  InitSodium();
  const bool has_padding = !text.empty() && text.back() == '=';
  std::string out(text.size(), '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end, has_padding ? padded : unpadded) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  if (!InitSodium()) return Error::Internal("cannot initialise libsodium");
  if (password.empty()) return Error::Invalid("the password must not be empty");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error::Internal("cannot hash the password", "crypto_pwhash_str_alg failed (memory)");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view password, std::string_view hash) {
  if (!InitSodium() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

NewApiKey GenerateApiKey() {
  InitSodium();
  unsigned char prefix_bytes[6], secret[32];
  randombytes_buf(prefix_bytes, sizeof prefix_bytes);
  randombytes_buf(secret, sizeof secret);
  NewApiKey k;
  k.prefix = "ecrn_" + Base64Url(prefix_bytes, sizeof prefix_bytes);
  // Base64url may contain '_' and '-'; the prefix is fixed length so parsing
  // uses the length, not the separator.
  k.key = k.prefix + "_" + Base64Url(secret, sizeof secret);
  k.hash = HashApiKey(k.key);
  return k;
}

std::string ApiKeyPrefix(std::string_view key) {
  constexpr size_t kPrefixLen = 5 + 8;
  if (key.size() < kPrefixLen + 2 || key.substr(0, 5) != "ecrn_" || key[kPrefixLen] != '_') {
    return {};
  }
  return std::string(key.substr(0, kPrefixLen));
}

std::string HashApiKey(std::string_view key) { return Sha256Hex(key); }

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  return Hex(digest, len);
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &len);
  return Hex(digest, len);
}

std::string RandomToken(size_t bytes) {
  InitSodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  return EncodeBase64Url(raw);
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  return DecodeWith(text, sodium_base64_VARIANT_ORIGINAL,
                    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

std::string EncodeBase64Url(std::string_view data) {
  return Base64Url(reinterpret_cast<const unsigned char*>(data.data()), data.size());
}

std::optional<std::string> DecodeBase64Url(std::string_view text) {
  return DecodeWith(text, sodium_base64_VARIANT_URLSAFE_NO_PADDING,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ecrn
