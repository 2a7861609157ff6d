// Evaluating STIX 2.1 patterns against observed-data (STIX 2.1 section 9):
// 2.1 `object_refs` and 2.0 embedded `objects`, number_observed with
// REPEATS, first_observed / last_observed for WITHIN, START/STOP and
// FOLLOWEDBY, the comparison rules across literal types, CIDR ISSUBSET /
// ISSUPERSET, PCRE2 MATCHES, LIKE, NFC-normalised strings, and `_ref` /
// `_refs` traversal within one observed-data. Pure: a CompiledPattern is
// immutable after Compile and may be evaluated from any number of threads.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ecrn/core/result.hpp"
#include "ecrn/pattern/ast.hpp"
#include "ecrn/stix/object.hpp"

namespace ecrn::pattern {

// Bounds on the work one evaluation may do; beyond them the evaluator keeps
// the first combinations it found (a match found is always real).
inline constexpr size_t kMaxConjuncts = 4096;  // disjunctive normal form of one [ ... ]
inline constexpr size_t kMaxBindings = 10000;  // observation combinations per node

// The outcome of Match: whether the pattern matched, and the ids of the
// observed-data objects that took part in a match (input order, no repeats).
struct MatchResult {
  bool matched = false;
  std::vector<std::string> observed_data_ids;
};

class CompiledPattern {
 public:
  // Parses and validates `text` and prepares it for evaluation. Fails as
  // ParseAndValidatePattern does, or when one [ ... ] expands to more than
  // kMaxConjuncts alternatives.
  static Result<CompiledPattern> Compile(std::string_view text);
  // The same for a pattern already parsed (e.g. rewritten by its caller):
  // validates it and prepares it, failing as Compile does.
  static Result<CompiledPattern> Compile(Pattern pattern);

  CompiledPattern(CompiledPattern&&) noexcept;
  CompiledPattern& operator=(CompiledPattern&&) noexcept;
  ~CompiledPattern();

  const Pattern& pattern() const;

  // Evaluates against the observed-data in `objects` (other objects are
  // what 2.1 object_refs point at). Observed-data without valid
  // first_observed / last_observed is skipped.
  MatchResult Match(std::span<const stix::Object> objects) const;

 private:
  struct State;
  explicit CompiledPattern(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace ecrn::pattern
