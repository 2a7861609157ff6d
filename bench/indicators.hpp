// Deterministic STIX 2.1 test data for the benchmarks: indicators, each with
// the SCO its pattern names (domain-name, ipv4-addr, url, ipv6-addr, file with
// a SHA-256 hash, email-addr, in rotation), all created_by_ref one identity.
// Every object is valid STIX 2.1 with a TLP 2.0 marking. Not thread-safe (one
// generator per thread).
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include <boost/json/object.hpp>

namespace ecrn::bench {

class IndicatorGenerator {
 public:
  // The same `seed` and `first_index` always give the same objects. SCO
  // values are unique per index, so generators with disjoint index ranges
  // (first_index .. first_index + count) never produce the same SCO; ids are
  // random UUIDs from the seed (use different seeds for different sets).
  explicit IndicatorGenerator(uint64_t seed, uint64_t first_index = 0);

  // The identity every indicator is created_by_ref.
  const boost::json::object& identity() const { return identity_; }

  // A random (seeded) UUID, e.g. for a bundle id.
  std::string NextUuid();

  struct Pair {
    boost::json::object indicator;
    boost::json::object sco;  // the observable the indicator's pattern names
  };
  // The next indicator and its SCO.
  Pair Next();

 private:
  std::mt19937_64 rng_;
  uint64_t index_;
  boost::json::object identity_;
};

}  // namespace ecrn::bench
