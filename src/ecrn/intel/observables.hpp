// Extraction of the observable values an object names (domain names, IP
// addresses and CIDRs, URLs, e-mail addresses, file hashes), for the store's
// search and correlation index. Pure; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "ecrn/stix/object.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::intel {

// Kinds of the reference entries kept in the same index, so that an
// object's relationships and sightings are found without scanning: a
// relationship's source_ref and target_ref, a sighting's sighting_of_ref.
// They are not observables: correlation skips kinds starting "ref:".
inline constexpr std::string_view kSourceRefKind = "ref:source";
inline constexpr std::string_view kTargetRefKind = "ref:target";
inline constexpr std::string_view kSightingOfKind = "ref:sighting-of";
inline bool IsReferenceKind(std::string_view kind) { return kind.rfind("ref:", 0) == 0; }

// Observables of an SCO (its value / hashes) or of an indicator with a STIX
// pattern (every `path = 'literal'` comparison on a known path), and the
// reference entries of relationships and sightings (above). Values are
// normalised: domain names and e-mail addresses lower case, hash algorithms
// upper case with the STIX spelling ("SHA-256") and hex lower case. Appends
// to `out`; duplicates are left to the store.
void ExtractObservables(const stix::Object& object, std::vector<store::Observable>& out);

// Observables named by a STIX pattern's equality comparisons.
void ExtractPatternObservables(std::string_view pattern, std::vector<store::Observable>& out);

// The (kind, value) pairs under which a value a user typed may be indexed,
// normalised as ExtractObservables normalises them: as a domain name, IP
// address, URL or e-mail address, and as a file hash when it is hex of a
// hash's length (bare, or "ALGORITHM:hex"). Never a reference kind. Empty for
// an empty value.
std::vector<store::Observable> ObservableCandidates(std::string_view value);

// "SHA256" / "sha-256" → "SHA-256"; unknown names upper-cased.
std::string NormaliseHashAlgorithm(std::string_view name);

}  // namespace ecrn::intel
