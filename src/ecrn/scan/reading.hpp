// How the sensor reads an indicator's STIX pattern: which patterns reduce to
// lookups of one value per observable (compiled into the matcher's tables),
// and how the others are rewritten before the general evaluator runs them,
// so that both compare values in the normal forms of normalise.hpp. Pure;
// thread-safe.
//
// The sensor's reading differs from the plain evaluator in two ways, both
// on the paths of ObjectPathOf (ipv4-addr:value, ..., file:hashes.'SHA-256'):
//  * string literals of `=`, `!=` and `IN` are put in normal form (domain
//    'Example.ORG.' reads 'example.org', IPv6 '2001:DB8:0::1' reads
//    '2001:db8::1', hashes lower-case), as observations are;
//  * an IP literal that is a network means "an address in it":
//    `ipv4-addr:value = '10.0.0.0/8'` reads `ipv4-addr:value ISSUBSET
//    '10.0.0.0/8'` (`!=` reads NOT ISSUBSET, IN an OR of both forms).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ecrn/core/result.hpp"
#include "ecrn/pattern/ast.hpp"
#include "ecrn/scan/record.hpp"

namespace ecrn::scan {

// "An observable of `kind` whose key (normalise.hpp) is `key`" or, for an
// IP network key, "an address of `kind` inside it".
struct LookupTerm {
  Kind kind = Kind::kDomain;
  std::string key;
};

// The Kind whose ObjectPathOf names `path` (file hashes by their key,
// quoted or not), or nullopt.
std::optional<Kind> KindOfPath(const pattern::ObjectPath& path);

// ParsePattern and ValidatePattern, then the rewriting above. Fails as
// ParseAndValidatePattern does.
Result<pattern::Pattern> ReadPattern(std::string_view text);

// When `p` is an OR (at both levels) of `=`, `IN` and, on IP paths,
// `ISSUBSET` comparisons of string literals on ObjectPathOf paths, without
// NOT and qualifiers: one term per literal (literals no value of the kind
// can equal are left out, so the list may be empty). nullopt otherwise.
std::optional<std::vector<LookupTerm>> LookupTermsOf(const pattern::Pattern& p);

// The same answer as LookupTermsOf(ParsePattern(text)) for the common
// shapes, without building a syntax tree: `[path = 'v']`, `[path IN ('v',
// ...)]`, OR-chains of those inside one [ ] and across [ ] OR [ ], single
// spaces or none, printable ASCII literals without escapes, paths spelled as
// ObjectPathOf. nullopt for any other text (the caller then parses it).
std::optional<std::vector<LookupTerm>> RecogniseSimplePattern(std::string_view text);

// A pattern that reads as exactly `terms` (non-empty): `[p = 'v' OR p
// ISSUBSET 'n' ...]`, literals as KeyText.
std::string PatternOfTerms(std::span<const LookupTerm> terms);

}  // namespace ecrn::scan
