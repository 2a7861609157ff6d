// Free-text extraction of observables from a log line: IPv4 and IPv6
// addresses, domain names, URLs (and their hosts), e-mail addresses (and their
// domains) and MD5/SHA-1/SHA-256/SHA-512 hashes, as whole tokens only. One
// pass over the bytes, driven by a byte-class table; no allocation besides
// growing the caller's vector. Pure functions; thread-safe.
//
// Token rules (what the tests pin down):
// * A token is a maximal run of [A-Za-z0-9._:@+-] (and bytes >= 0x80, which
//   make the whole token yield nothing). Everything else separates tokens,
//   except inside a URL, which runs from its scheme to the next space, quote,
//   '<', '>', '`', '\' or control byte, minus trailing ".,;:!?" and an
//   unbalanced ')' or ']'.
// * Only whole tokens are classified: "bx.org" yields "bx.org", never
//   "x.org"; "1.2.3.45" never yields "1.2.3.4"; "1.2.3.4.5" yields nothing.
// * Leading and trailing dots are dropped ("example.org." -> "example.org").
// * IPv4: four decimal parts 0-255 without leading zeros ("1.2.3" is a
//   version, not an address). IPv6: any RFC 4291 spelling, including "::"
//   compression and a dotted IPv4 tail; brackets ("[2001:db8::1]:443") and a
//   zone ("fe80::1%eth0") are not part of the value. "::" alone is not
//   reported.
// * A token that is not an IPv6 address but holds ':' is split at each ':'
//   and the pieces classified ("example.org:443", "1.2.3.4:80",
//   "md5:<hex>").
// * Domain: two or more labels of [A-Za-z0-9_-] (1-63 characters, no '-' at
//   either end), at most 253 characters, whose last label is letters only or
//   an IDN "xn--" label. File names such as "index.html" pass this test; they
//   are reported as domain candidates and cost the matcher one failed lookup.
// * E-mail: local@domain with a valid domain; the address and the domain are
//   both reported. "user@192.0.2.1" reports the address only.
// * Hash: a token of exactly 32/40/64/128 hex digits.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "ecrn/scan/record.hpp"

namespace ecrn::scan {

// Appends every observable in `text` to `out`, in the order they appear (a
// URL before its host, an e-mail address before its domain). The values are
// views into `text`.
void ExtractObservables(std::string_view text, std::vector<Observable>& out);

// Appends what one field value holds when a format says what kind it is.
// ipv4, ipv6 and domain are treated alike as "a host": the value yields
// whichever of the three it is (surrounding dots, IPv6 brackets and zone
// removed). A URL is any non-empty text without spaces or quotes, taken whole,
// plus its host when it has a scheme. E-mail and hashes must be exactly
// valid. Returns whether anything was appended.
bool AppendTyped(Kind kind, std::string_view value, std::vector<Observable>& out);

// The kind of a value that is exactly one address or name (IPv4, IPv6 or
// domain), e.g. a log's client field; nullopt otherwise.
std::optional<Kind> HostKind(std::string_view value);

bool IsIpv4(std::string_view text);
bool IsIpv6(std::string_view text);
bool IsDomain(std::string_view text);

}  // namespace ecrn::scan
