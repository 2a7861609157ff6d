// The sensor's matcher: indicators compiled into lookup tables (exact
// values per Kind, IPv4/IPv6 networks, optional parent-domain lookups), with
// the patterns that do not reduce to lookups evaluated by the general
// evaluator (pattern::CompiledPattern) over an observation assembled from
// the record. ReferenceMatcher runs the general evaluator for every
// indicator: slow, the definition the compiled Matcher must agree with (the
// differential test checks it). Both are immutable once built and may be
// used from any number of threads at once.
//
// Semantics (both matchers):
//  * Values are compared in the normal forms of normalise.hpp, and patterns
//    are read as reading.hpp says (normalised literals, an IP network
//    literal means "an address in it"). Never substrings: 'x.org' does not
//    match 'bx.org'.
//  * domain-name:value = 'x.org' does not match 'sub.x.org' unless
//    MatcherOptions::subdomains, under which a domain observable also
//    stands for each of its parent domains ('sub.x.org' for 'x.org' and
//    'org').
//  * A record is one observation: observed-data with one SCO per valid
//    observable (ipv4-addr, ipv6-addr, domain-name, url, email-addr, file
//    with one hash), first_observed = last_observed = the record's
//    timestamp (else the time the caller gives), number_observed = 1.
//    Observation operators and qualifiers therefore apply within one log
//    line only: FOLLOWEDBY and AND between [ ] need two observations and
//    never match, REPEATS n > 1 never matches, WITHIN always holds, and
//    START/STOP compare the line's time. Correlating across lines is not
//    done.
//  * At most one Hit per indicator per record; its observable is the first
//    of the record that matches the pattern on its own, or, for a pattern
//    that needs several, the first whose SCO type the pattern names.
//  * valid_from / valid_until are not applied here (IndicatorSet has them).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ecrn/core/time.hpp"
#include "ecrn/scan/indicators.hpp"
#include "ecrn/scan/record.hpp"

namespace ecrn::scan {

struct MatcherOptions {
  // Also look up each parent domain of a domain observable.
  bool subdomains = false;
};

struct MatcherStats {
  uint64_t indicators = 0;
  uint64_t lookups = 0;             // indicators compiled into lookups
  uint64_t lookup_terms = 0;        // their lookups (values and networks)
  uint64_t fallback = 0;            // indicators left to the general evaluator
  uint64_t never = 0;               // indicators that cannot match a record (no lookup
                                    // survives normalisation, or no SCO type a log gives)
  std::vector<Rejection> rejected;  // patterns the evaluator would not compile
};

class Matcher {
 public:
  // Never fails: an indicator whose pattern the evaluator will not compile
  // is left out and listed in stats().rejected.
  static Matcher Build(std::shared_ptr<const IndicatorSet> indicators,
                       const MatcherOptions& options = {});

  Matcher(Matcher&&) noexcept;
  Matcher& operator=(Matcher&&) noexcept;
  ~Matcher();

  // Appends the record's Hits to `out` (in no particular order; Hit::indicator
  // indexes indicators()). `time` is the observation time when the record
  // has no timestamp. Allocates nothing when nothing matches, no fallback
  // pattern names an SCO type the record holds, and the values are ASCII
  // and at most 512 bytes long.
  void Match(const Record& record, std::vector<Hit>& out, Micros time = 0) const;

  const IndicatorSet& indicators() const;
  const MatcherStats& stats() const;
  // Bytes held by the tables (not the IndicatorSet), for the benchmarks.
  size_t MemoryBytes() const;

 private:
  struct State;
  explicit Matcher(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

class ReferenceMatcher {
 public:
  static ReferenceMatcher Build(std::shared_ptr<const IndicatorSet> indicators,
                                const MatcherOptions& options = {});

  ReferenceMatcher(ReferenceMatcher&&) noexcept;
  ReferenceMatcher& operator=(ReferenceMatcher&&) noexcept;
  ~ReferenceMatcher();

  // As Matcher::Match, evaluating every indicator's pattern (PatternText,
  // read by ReadPattern) with pattern::CompiledPattern.
  void Match(const Record& record, std::vector<Hit>& out, Micros time = 0) const;

  const IndicatorSet& indicators() const;
  const MatcherStats& stats() const;

 private:
  struct State;
  explicit ReferenceMatcher(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace ecrn::scan
