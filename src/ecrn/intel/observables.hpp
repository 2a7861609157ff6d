// Extraction of the observable values an object names (domain names, IP
// addresses and CIDRs, URLs, e-mail addresses, file hashes), for the store's
// search and correlation index. Pure; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "ecrn/stix/object.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::intel {

// Observables of an SCO (its value / hashes) or of an indicator with a STIX
// pattern (every `path = 'literal'` comparison on a known path). Values are
// normalised: domain names and e-mail addresses lower case, hash algorithms
// upper case with the STIX spelling ("SHA-256") and hex lower case. Appends
// to `out`; duplicates are left to the store.
void ExtractObservables(const stix::Object& object, std::vector<store::Observable>& out);

// Observables named by a STIX pattern's equality comparisons.
void ExtractPatternObservables(std::string_view pattern, std::vector<store::Observable>& out);

// "SHA256" / "sha-256" → "SHA-256"; unknown names upper-cased.
std::string NormaliseHashAlgorithm(std::string_view name);

}  // namespace ecrn::intel
