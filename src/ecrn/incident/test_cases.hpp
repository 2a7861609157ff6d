// Test support for incident/ (included by *_test.cpp only): a valid report
// and case at fixed times. Not thread-safe concerns: plain values.
#pragma once

#include <string>

#include "ecrn/core/time.hpp"
#include "ecrn/incident/case.hpp"

namespace ecrn::incident::testing {

inline Micros At(const char* timestamp) { return ParseTimestamp(timestamp)->micros; }

inline constexpr Micros kHour = 3600LL * 1'000'000;
inline constexpr char kUuid[] = "0b6ad7c5-9a5e-4c0e-8d3b-4f1a2b3c4d5e";
inline constexpr char kCaseId[] = "incident--0b6ad7c5-9a5e-4c0e-8d3b-4f1a2b3c4d5e";

inline ReportInput ValidReport() {
  ReportInput in;
  in.title = "Results site down";
  in.description = "The results website stopped answering at 21:04.";
  in.detected = At("2026-05-10T21:10:00Z");
  in.started = At("2026-05-10T21:04:00Z");
  in.category = "availability";
  in.election_targets = {"results-publication"};
  in.affected_systems = {"results.example.org"};
  in.election = "2026 parliamentary";
  in.phase = "results";
  in.impacts.availability = "high";
  in.impacts.public_trust = "medium";
  in.severity = "high";
  in.tlp = "amber";
  return in;
}

// A valid case filed at 2026-05-10T21:15:00Z.
inline Case ValidCase() {
  return NewCase(ValidReport(), kUuid, At("2026-05-10T21:15:00Z")).value();
}

}  // namespace ecrn::incident::testing
