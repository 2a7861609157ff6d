// The indicators the sensor matches, loaded from a STIX bundle file (parsed
// as a stream, keeping only what matching needs) or from STIX objects
// already parsed (a TAXII pull), and stored compactly: one arena for all
// text, simple patterns kept as their lookups (reading.hpp). An
// IndicatorSet is immutable once loaded and may be read from any number of
// threads.
//
// Kept: objects of type "indicator" whose pattern_type is "stix" (or absent,
// as in STIX 2.0), the latest version of each id by `modified` (`created`
// when it has none), unless that version is revoked. A pattern that does not
// parse or validate, or a malformed valid_from / valid_until, rejects the
// indicator: it is counted with the reason, never fatal.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/scan/reading.hpp"
#include "ecrn/stix/object.hpp"

namespace ecrn::scan {

struct LoadOptions {
  // Keep every indicator's pattern as written. Otherwise a pattern that
  // reduces to lookups is kept as those lookups only, and PatternText gives
  // an equivalent pattern (PatternOfTerms) instead; that saves memory at a
  // million indicators.
  bool keep_pattern_text = false;
};

// An indicator left out because of its content.
struct Rejection {
  std::string id;
  std::string reason;  // e.g. "pattern: column 12: expected ']'"
};

struct LoadStats {
  uint64_t objects = 0;              // STIX objects read (any type)
  uint64_t indicators = 0;           // indicators kept
  uint64_t older_versions = 0;       // versions replaced by a later one of the same id
  uint64_t revoked = 0;              // ids whose latest version is revoked
  uint64_t other_pattern_types = 0;  // latest version not a STIX pattern (sigma, yara, ...)
  uint64_t fast_path = 0;            // kept patterns read without the full parser
  std::vector<Rejection> rejected;   // in input order
};

class IndicatorSet {
 public:
  // How the matcher is to evaluate an indicator.
  enum class Form : uint8_t {
    kLookups,  // an OR of lookups (Terms)
    kGeneral,  // anything else: the general evaluator over observations
  };
  // One lookup of a kLookups indicator; `key` points into the set's arena
  // and stays valid while the set lives.
  struct Term {
    Kind kind = Kind::kDomain;
    std::string_view key;
    uint32_t offset = 0;  // of `key` in the arena (see Arena)
  };

  IndicatorSet();
  IndicatorSet(IndicatorSet&&) noexcept;
  IndicatorSet& operator=(IndicatorSet&&) noexcept;
  ~IndicatorSet();

  size_t size() const;
  // "indicator--<uuid>".
  std::string Id(size_t i) const;
  // The name, or empty. Valid while the set lives.
  std::string_view Name(size_t i) const;
  std::optional<Micros> ValidFrom(size_t i) const;
  std::optional<Micros> ValidUntil(size_t i) const;
  Form form(size_t i) const;
  // The lookups of a kLookups indicator (empty for kGeneral, and for a
  // pattern whose literals no value can equal).
  std::vector<Term> Terms(size_t i) const;
  // The pattern as written when it was kept (LoadOptions, and always for
  // kGeneral), else the equivalent PatternOfTerms.
  std::string PatternText(size_t i) const;

  // The first byte of the arena the Terms' keys live in: key == {Arena() +
  // offset, key.size()}. Lets a table keep 32-bit offsets instead of views.
  const char* Arena() const;

  const LoadStats& stats() const;
  // Bytes in use (entries and arena), for the benchmarks.
  size_t MemoryBytes() const;

 private:
  friend class IndicatorSetBuilder;
  struct Data;
  std::unique_ptr<Data> data_;
};

// Streams the STIX JSON file at `path` (a bundle, a list of bundles and/or
// objects, or one object). kNotFound when it cannot be opened,
// kInvalidArgument on malformed JSON (with the byte offset), kTooLarge
// beyond 2 GiB of kept text.
Result<IndicatorSet> LoadIndicatorFile(const std::string& path, const LoadOptions& options = {});

// The same for JSON text in memory.
Result<IndicatorSet> LoadIndicatorJson(std::string_view json, const LoadOptions& options = {});

// From objects already parsed (e.g. pulled over TAXII). Fails (kTooLarge)
// only when the kept text exceeds 2 GiB.
Result<IndicatorSet> LoadIndicators(std::span<const stix::Object> objects,
                                    const LoadOptions& options = {});

}  // namespace ecrn::scan
