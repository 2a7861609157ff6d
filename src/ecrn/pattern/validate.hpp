// Semantic checks of a parsed STIX pattern beyond the grammar: names of
// object types and properties, qualifier values, regular expressions, CIDR
// operands, set literals. Pure; thread-safe.
#pragma once

#include <string_view>

#include "ecrn/core/result.hpp"
#include "ecrn/pattern/ast.hpp"

namespace ecrn::pattern {

// The first problem found, in source order, as a kInvalidArgument Error
// formatted like ParsePattern's ("column C: reason", detail "offset O").
Result<void> ValidatePattern(const Pattern& pattern);

// ParsePattern, then ValidatePattern.
Result<Pattern> ParseAndValidatePattern(std::string_view text);

}  // namespace ecrn::pattern
