#include "ecrn/stix/sco_id.hpp"

#include <boost/json/serialize.hpp>

namespace ecrn::stix {

bool IsScoType(std::string_view) { return false; }
std::optional<std::string> DeterministicScoId(const Object&) { return std::nullopt; }
std::string CanonicalJson(const boost::json::value& value) { return boost::json::serialize(value); }

}  // namespace ecrn::stix
