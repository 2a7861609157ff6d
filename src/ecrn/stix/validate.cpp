#include "ecrn/stix/validate.hpp"

namespace ecrn::stix {

std::vector<Finding> Validate(const Object& object, const ValidationOptions&) {
  std::vector<Finding> out;
  if (object.type().empty()) out.push_back({Severity::kError, std::string(object.id()), "type", "required"});
  if (!IsStixIdentifier(object.id())) out.push_back({Severity::kError, std::string(object.id()), "id", "invalid identifier"});
  return out;
}

bool HasErrors(const std::vector<Finding>& findings) {
  for (const auto& f : findings) {
    if (f.severity == Severity::kError) return true;
  }
  return false;
}

}  // namespace ecrn::stix
