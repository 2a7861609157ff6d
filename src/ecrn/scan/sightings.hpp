// Sensor-side sightings: the sensor folds its hits per indicator into a
// count and first/last seen times, seals what it has into numbered batches
// (one per hub collection) and turns a batch into STIX 2.1 sighting objects
// whose ids and timestamps depend only on the batch. A batch resent after a
// crash or an outage is therefore the same objects, which the hub stores once
// (same id and modified: a duplicate). Plain values and pure functions;
// thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ecrn/core/time.hpp"
#include "ecrn/stix/object.hpp"
#include "ecrn/stix/tlp.hpp"

namespace ecrn::scan {

// The STIX sighting `count` may not exceed this.
inline constexpr int64_t kMaxSightingCount = 999'999'999;

// How often, and when first and last, something was seen.
struct Seen {
  int64_t count = 0;
  Micros first = 0;
  Micros last = 0;

  void Add(Micros at, int64_t times = 1);
  void Merge(const Seen& other);
  friend bool operator==(const Seen&, const Seen&) = default;
};

// Indicator id → what was seen of it (ordered, so output is deterministic).
using SeenByIndicator = std::map<std::string, Seen>;

// Sightings sealed for sending to one collection (empty when there is no
// hub). `number` is unique per sensor.
struct SealedBatch {
  uint64_t number = 0;
  Micros sealed_at = 0;
  std::string collection;
  SeenByIndicator seen;
  friend bool operator==(const SealedBatch&, const SealedBatch&) = default;
};

// Who reports: the sensor's own id (a UUID made at its first start), the
// STIX identity of its organisation (where_sighted_refs and created_by_ref;
// may be empty offline) and the TLP its sightings carry.
struct SightingSource {
  std::string sensor_id;
  std::string identity_ref;
  stix::Tlp tlp = stix::Tlp::kAmber;
};

// Splits `open` into batches by the collection `target_of` names for each
// indicator, numbered from `next_number` (advanced past the ones used),
// sealed at `now`. `open` is left empty.
std::vector<SealedBatch> SealBatches(
    SeenByIndicator& open, const std::function<std::string(const std::string&)>& target_of,
    uint64_t& next_number, Micros now);

// The sighting id of one indicator in one batch of one sensor.
std::string SightingId(std::string_view sensor_id, uint64_t batch, std::string_view indicator_id);

// One STIX 2.1 sighting per indicator of the batch: sighting_of_ref, count
// (capped at kMaxSightingCount), first_seen, last_seen, created = modified =
// the batch's seal time, where_sighted_refs and created_by_ref when the
// source has an identity, and the source's TLP marking.
std::vector<stix::Object> SightingObjects(const SealedBatch& batch, const SightingSource& source);

// {"objects":[...]}: a TAXII envelope of the batch's sightings.
std::string SightingEnvelope(const SealedBatch& batch, const SightingSource& source);

}  // namespace ecrn::scan
