// The values the sensor (`ecrn scan`) passes between its stages: readers and
// format parsers turn log lines into Records of typed observables, the
// matcher turns a Record into Hits on indicators, and the sightings stage
// folds Hits into STIX sightings. Plain values; thread-compatible.
//
// A Record's string_views point into buffers its producer owns; they are
// valid only until the producer's next record (copy what must outlive it).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "ecrn/core/time.hpp"

namespace ecrn::scan {

// What kind of value a log token is. Each kind has one STIX object path
// (ObjectPathOf): the matcher looks values up per kind, never across kinds.
enum class Kind : uint8_t {
  kIpv4,    // ipv4-addr:value       "192.0.2.1" (a bare address, no prefix)
  kIpv6,    // ipv6-addr:value       "2001:db8::1" (any valid spelling)
  kDomain,  // domain-name:value     "example.org" (any case, no trailing dot)
  kUrl,     // url:value             "https://example.org/a?b" (as written)
  kEmail,   // email-addr:value      "a@example.org"
  kMd5,     // file:hashes.MD5       32 hex digits (any case)
  kSha1,    // file:hashes.'SHA-1'   40 hex digits
  kSha256,  // file:hashes.'SHA-256' 64 hex digits
  kSha512,  // file:hashes.'SHA-512' 128 hex digits
};
inline constexpr int kKindCount = 9;

// "ipv4-addr", "domain-name", "url", "file", ... (the SCO type).
std::string_view ScoTypeOf(Kind kind);
// "ipv4-addr:value", "file:hashes.'SHA-256'", ... as written in patterns.
std::string_view ObjectPathOf(Kind kind);
// "ipv4", "ipv6", "domain", "url", "email", "md5", "sha1", "sha256",
// "sha512": the names used in options (e.g. a JSON field mapping) and output.
std::string_view KindName(Kind kind);
std::optional<Kind> KindFromName(std::string_view name);

// One typed value found in a log line, as written there (the matcher
// normalises: case of domains and hashes, IPv6 spelling, trailing dots).
struct Observable {
  Kind kind = Kind::kDomain;
  std::string_view value;
};

// One log line and what the format parser found in it.
struct Record {
  std::string_view source;          // file name as given, or "-" for stdin
  uint64_t line_no = 0;             // 1-based, per source (restarts after truncation)
  std::string_view line;            // without the line terminator
  std::optional<Micros> timestamp;  // when the line carries one the parser understood
  std::vector<Observable> observables;
};

// A match of one indicator on one Record: the indicator's index in the
// matcher's indicator list, and the observable that matched (for patterns
// evaluated by the general evaluator, the first observable of the record the
// pattern named).
struct Hit {
  uint32_t indicator = 0;
  Observable observable;
};

}  // namespace ecrn::scan
