// The syntax tree of a STIX 2.1 pattern (grammar: shared/specs/STIXPattern.g4),
// as ParsePattern builds it. Plain values; thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ecrn/core/time.hpp"

namespace ecrn::pattern {

// Where a node starts in the pattern text: `offset` in bytes (0-based) and
// `column` in Unicode code points (1-based), as error messages report it.
struct Position {
  size_t offset = 0;
  size_t column = 1;
};

enum class LiteralKind { kString, kInt, kFloat, kBool, kBinary, kHex, kTimestamp };

// A constant. `text` holds the decoded value for strings (escapes resolved)
// and the raw bytes for binary and hex literals; the numeric members hold
// the value for the other kinds.
struct Literal {
  LiteralKind kind = LiteralKind::kString;
  std::string text;
  int64_t int_value = 0;
  double float_value = 0;
  bool bool_value = false;
  Micros timestamp = 0;
  Position pos;
};

// One step of an object path after the object type: a property or
// dictionary key (`.name`, `.'quoted-name'`), a list index (`[3]`) or any
// list element (`[*]`).
struct PathStep {
  enum class Kind { kKey, kIndex, kAnyIndex };
  Kind kind = Kind::kKey;
  std::string key;    // kKey
  int64_t index = 0;  // kIndex
  bool quoted = false;
  Position pos;
};

// `type:first.rest[0]...`; steps[0] is always a kKey step (the property).
struct ObjectPath {
  std::string type;
  std::vector<PathStep> steps;
  Position pos;
};

enum class CompareOp {
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kIn,
  kLike,
  kMatches,
  kIsSubset,
  kIsSuperset,
  kExists,
};

// "=", "IN", "EXISTS", ... as written in patterns.
const char* CompareOpName(CompareOp op);

// `path [NOT] op literal`, `path [NOT] IN (set)` or `[NOT] EXISTS path`.
struct Comparison {
  ObjectPath path;
  CompareOp op = CompareOp::kEqual;
  bool negated = false;
  std::vector<Literal> values;  // one literal; the set for kIn; none for kExists
  Position pos;
};

// The boolean expression inside [ ]: AND/OR over comparisons (n-ary).
struct ComparisonExpr {
  enum class Kind { kComparison, kAnd, kOr };
  Kind kind = Kind::kComparison;
  Comparison comparison;                 // kComparison
  std::vector<ComparisonExpr> operands;  // kAnd, kOr (two or more)
  Position pos;
};

// A qualifier on an observation expression.
struct Qualifier {
  enum class Kind { kWithin, kStartStop, kRepeats };
  Kind kind = Kind::kWithin;
  double seconds = 0;  // kWithin
  Micros start = 0;    // kStartStop
  Micros stop = 0;     // kStartStop
  int64_t times = 0;   // kRepeats
  Position pos;
  Position value_pos;  // of the number (kWithin, kRepeats) or START timestamp
};

// An observation expression: `[ ... ]`, or AND / OR / FOLLOWEDBY over
// observation expressions (n-ary, in source order), with the qualifiers
// written after it (in source order, innermost first).
struct ObservationExpr {
  enum class Kind { kSimple, kAnd, kOr, kFollowedBy };
  Kind kind = Kind::kSimple;
  ComparisonExpr comparison;              // kSimple
  std::vector<ObservationExpr> operands;  // kAnd, kOr, kFollowedBy
  std::vector<Qualifier> qualifiers;
  Position pos;
};

struct Pattern {
  ObservationExpr root;
};

}  // namespace ecrn::pattern
