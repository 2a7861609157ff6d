// The normal forms in which the sensor compares observable values, shared by
// the compiled matcher, the observations it gives the general evaluator and
// the rewriting of indicator patterns (reading.hpp), so that every path
// compares the same thing. Pure; thread-safe.
//
// A value's *key* is what lookups compare, byte for byte:
//   ipv4     4 address bytes + 1 prefix byte (32 for an address; a CIDR
//            literal keeps its prefix, host bits cleared)
//   ipv6     16 address bytes + 1 prefix byte (any spelling of an address
//            gives the same key)
//   domain   ASCII letters lower-cased, one trailing dot removed
//   url      scheme and host (after any "user@") lower-cased, the rest as
//            written: "HTTPS://Example.ORG/A?b" == "https://example.org/A?b",
//            but paths, queries and percent-escapes are compared as written
//   email    ASCII letters lower-cased (as the hub's observable index does)
//   md5, sha1, sha256, sha512   the digest's bytes (hex of exactly 32, 40,
//            64, 128 digits, either case)
// Text that is not valid UTF-8 is no value of any kind; text that is not
// ASCII is put in Unicode NFC first (as the evaluator compares strings).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ecrn/scan/record.hpp"

namespace ecrn::scan {

// Where a key is written: inline for the usual short values, on the heap
// only for long ones (so the matcher's common path does not allocate).
class KeyBuffer {
 public:
  // A buffer of `size` bytes, valid until the next Reserve.
  char* Reserve(size_t size);
  void SetSize(size_t size) { size_ = size; }
  std::string_view view() const { return {data_, size_}; }

 private:
  static constexpr size_t kInline = 512;
  std::array<char, kInline> inline_;  // not zeroed: written before it is read
  std::string heap_;
  char* data_ = inline_.data();
  size_t size_ = 0;
};

// The key of a value seen in a log (IP addresses without a prefix). False
// when `value` is not a value of `kind` (a malformed address or digest,
// invalid UTF-8): such a value matches nothing.
bool ObservedKey(Kind kind, std::string_view value, KeyBuffer& out);

// The key of a literal in a pattern compared with `kind`'s path: as
// ObservedKey, but an IP literal may be a network ("10.0.0.0/8"). nullopt
// when no value of the kind can equal it.
std::optional<std::string> LiteralKey(Kind kind, std::string_view literal);

// The canonical text of a key: the dotted quad, RFC 5952 IPv6 text ("/N"
// appended for a network), lower-case hex for digests, the key itself for
// the rest. What observations carry and what rewritten patterns compare.
std::string KeyText(Kind kind, std::string_view key);

// The prefix length of an ipv4/ipv6 key and the full length of its family.
inline int KeyPrefix(std::string_view key) { return static_cast<uint8_t>(key.back()); }
inline int FullPrefix(Kind kind) { return kind == Kind::kIpv4 ? 32 : 128; }

// Key bytes of `kind` with a fixed size (ipv4 5, ipv6 17, digests 16/20/32/64), or 0.
size_t FixedKeySize(Kind kind);

// A 64-bit hash of bytes (not cryptographic; for the matcher's tables).
uint64_t HashBytes(std::string_view bytes, uint64_t seed = 0);

}  // namespace ecrn::scan
