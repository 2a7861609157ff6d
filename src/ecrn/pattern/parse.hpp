// Parsing STIX 2.1 patterns (shared/specs/STIXPattern.g4) into the syntax
// tree of ast.hpp: a hand-written lexer and recursive-descent parser. Pure;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "ecrn/core/result.hpp"
#include "ecrn/pattern/ast.hpp"

namespace ecrn::pattern {

// Limits on untrusted pattern text.
inline constexpr size_t kMaxPatternBytes = 1 << 20;
inline constexpr size_t kMaxNesting = 100;  // parentheses and brackets

// Parses `text`. On failure the error is kInvalidArgument with the message
// "column C: reason" (C counts Unicode code points from 1) and the detail
// "offset O" (bytes from 0); PatternErrorAt formats both the same way.
Result<Pattern> ParsePattern(std::string_view text);

// The Error ParsePattern and ValidatePattern return for `reason` at `pos`.
Error PatternErrorAt(Position pos, std::string_view reason);

// The position of byte `offset` of `text` (which must be valid UTF-8 up to it).
Position PositionOf(std::string_view text, size_t offset);

// True when `text` is well-formed UTF-8; otherwise `*bad_offset` is the
// first byte that is not.
bool IsValidUtf8(std::string_view text, size_t* bad_offset);

}  // namespace ecrn::pattern
