// Validation of STIX 2.1 objects against the specification: required
// properties, identifiers, timestamps, enumerations and vocabularies,
// reference types, markings, custom property naming. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "ecrn/stix/object.hpp"

namespace ecrn::stix {

enum class Severity { kError, kWarning };

// One problem found in an object.
struct Finding {
  Severity severity = Severity::kError;
  std::string object_id;  // the object's id as given ("" when it has none)
  std::string
      property;  // the property at fault, as a path ("created", "kill_chain_phases[0].phase_name")
  std::string message;  // what is wrong, for people
};

struct ValidationOptions {
  // Treat an open-vocabulary value outside the suggested vocabulary as an
  // error instead of a warning.
  bool strict_vocabularies = false;
};

// Every finding for one object, errors and warnings alike (empty if clean).
std::vector<Finding> Validate(const Object& object, const ValidationOptions& options = {});

// True if any finding is an error.
bool HasErrors(const std::vector<Finding>& findings);

}  // namespace ecrn::stix
