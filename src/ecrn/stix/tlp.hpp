// TLP markings: the STIX marking-definition ids of TLP 2.0 and 1.0 and the
// level an object carries. Pure; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "ecrn/stix/object.hpp"

namespace ecrn::stix {

// TLP 2.0 levels, least to most restrictive (ordering is meaningful).
enum class Tlp { kClear = 0, kGreen = 1, kAmber = 2, kAmberStrict = 3, kRed = 4 };

// "clear", "green", "amber", "amber+strict", "red".
std::string_view TlpToken(Tlp tlp);
// "TLP:CLEAR", ...
std::string_view TlpLabel(Tlp tlp);
// Accepts tokens and labels in any case ("amber", "TLP:AMBER+STRICT", "white").
std::optional<Tlp> TlpFromName(std::string_view name);
// The TLP 2.0 marking-definition id for a level.
std::string_view TlpMarkingId(Tlp tlp);
// The level of a TLP 2.0 or 1.0 marking-definition id (1.0 WHITE maps to CLEAR).
std::optional<Tlp> TlpFromMarkingId(std::string_view marking_id);
// True if `id` is one of the TLP marking-definition ids (2.0 or 1.0).
inline bool IsTlpMarkingId(std::string_view id) { return TlpFromMarkingId(id).has_value(); }

// The most restrictive TLP among the object's object_marking_refs (and the
// granular markings' marking_refs), or nullopt when it carries none.
std::optional<Tlp> ObjectTlp(const Object& object);

}  // namespace ecrn::stix
