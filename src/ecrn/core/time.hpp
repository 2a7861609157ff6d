// STIX/TAXII timestamps (RFC 3339, UTC, 'Z') and the clock the domain code
// reads. Parsing and formatting are pure and thread-safe; Clock
// implementations say their own thread-safety.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ecrn/core/result.hpp"

namespace ecrn {

// Microseconds since 1970-01-01T00:00:00Z.
using Micros = int64_t;

// A parsed timestamp: the instant (truncated to microseconds) and how many
// fractional-second digits the text had (0 when none).
struct Timestamp {
  Micros micros = 0;
  int fraction_digits = 0;
};

// Parses "YYYY-MM-DDTHH:MM:SS[.frac]Z" strictly (the STIX timestamp grammar,
// leap second 60 accepted and folded into the next second). Fails with
// kInvalidArgument and a message naming what is wrong.
Result<Timestamp> ParseTimestamp(std::string_view text);

// Formats with exactly `digits` fractional digits (0, 3 or 6 are typical).
std::string FormatTimestamp(Micros micros, int digits = 3);

// The server's notion of now. Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Micros Now() = 0;
};

// The real wall clock (thread-safe).
class SystemClock final : public Clock {
 public:
  Micros Now() override;
};

// A clock tests set by hand (not thread-safe).
class FixedClock final : public Clock {
 public:
  explicit FixedClock(Micros now) : now_(now) {}
  Micros Now() override { return now_; }
  void Set(Micros now) { now_ = now; }
  void Advance(Micros delta) { now_ += delta; }

 private:
  Micros now_;
};

}  // namespace ecrn
