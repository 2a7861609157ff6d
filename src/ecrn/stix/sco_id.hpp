// Deterministic identifiers of STIX cyber-observable objects (UUIDv5 in the
// STIX namespace over the type's ID-contributing properties, serialised as
// canonical JSON). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "ecrn/stix/object.hpp"

namespace ecrn::stix {

// True for the SCO types the specification defines (artifact, autonomous-system,
// directory, domain-name, email-addr, email-message, file, ipv4-addr, ipv6-addr,
// mac-addr, mutex, network-traffic, process, software, url, user-account,
// windows-registry-key, x509-certificate).
bool IsScoType(std::string_view type);

// "type--uuid5" for an SCO whose ID-contributing properties are present;
// nullopt for non-SCO types or when none of those properties is present (the
// specification then calls for a random UUIDv4).
std::optional<std::string> DeterministicScoId(const Object& sco);

// RFC 8785-style canonical JSON (sorted keys, no white space) used for the ids.
std::string CanonicalJson(const boost::json::value& value);

}  // namespace ecrn::stix
