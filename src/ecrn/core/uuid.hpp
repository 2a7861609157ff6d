// UUIDs: random (v4) for new objects and deterministic (v5) for STIX cyber
// observables. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ecrn {

// The STIX 2.1 namespace for deterministic SCO ids.
inline constexpr std::string_view kStixNamespace = "00abedb4-aa42-466c-9c01-fed23315a9b7";

// A random version-4 UUID in canonical lower-case form (libsodium's CSPRNG).
std::string UuidV4();

// A name-based version-5 UUID (SHA-1) of `name` in namespace `ns` (a UUID
// string). Returns an empty string if `ns` is not a valid UUID.
std::string UuidV5(std::string_view ns, std::string_view name);

// True if `s` is a UUID in canonical 8-4-4-4-12 hex form (any case).
bool IsUuid(std::string_view s);

// The version nibble of a canonical UUID (0 if not a UUID).
int UuidVersion(std::string_view s);

// Source of ids for new objects; tests substitute a deterministic one.
class IdSource {
 public:
  virtual ~IdSource() = default;
  virtual std::string NewUuid() = 0;
};

class RandomIdSource final : public IdSource {
 public:
  std::string NewUuid() override { return UuidV4(); }
};

}  // namespace ecrn
