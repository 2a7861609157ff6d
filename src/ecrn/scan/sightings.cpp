#include "ecrn/scan/sightings.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "ecrn/core/uuid.hpp"

namespace ecrn::scan {
namespace {

namespace json = boost::json;

// The namespace of sighting ids made by sensors (a fixed random UUID).
constexpr std::string_view kSightingNamespace = "6f1f5b52-3f0c-4d5e-9a55-2b8f0d3c7e41";

}  // namespace

void Seen::Add(Micros at, int64_t times) {
  if (times <= 0) return;
  if (count == 0) {
    first = last = at;
  } else {
    first = std::min(first, at);
    last = std::max(last, at);
  }
  count = std::min(kMaxSightingCount, count + times);
}

void Seen::Merge(const Seen& other) {
  if (other.count == 0) return;
  if (count == 0) {
    *this = other;
    return;
  }
  first = std::min(first, other.first);
  last = std::max(last, other.last);
  count = std::min(kMaxSightingCount, count + other.count);
}

std::vector<SealedBatch> SealBatches(
    SeenByIndicator& open, const std::function<std::string(const std::string&)>& target_of,
    uint64_t& next_number, Micros now) {
  std::map<std::string, SeenByIndicator> by_collection;
  for (auto& [indicator, seen] : open) {
    if (seen.count == 0) continue;
    by_collection[target_of(indicator)].emplace(indicator, seen);
  }
  open.clear();
  std::vector<SealedBatch> out;
  for (auto& [collection, seen] : by_collection) {
    SealedBatch b;
    b.number = next_number++;
    b.sealed_at = now;
    b.collection = collection;
    b.seen = std::move(seen);
    out.push_back(std::move(b));
  }
  return out;
}

std::string SightingId(std::string_view sensor_id, uint64_t batch, std::string_view indicator_id) {
  std::string name(sensor_id);
  name += ':';
  name += std::to_string(batch);
  name += ':';
  name += indicator_id;
  return "sighting--" + UuidV5(kSightingNamespace, name);
}

std::vector<stix::Object> SightingObjects(const SealedBatch& batch, const SightingSource& source) {
  std::vector<stix::Object> out;
  out.reserve(batch.seen.size());
  // Millisecond precision, so the text (and so the version) is the same
  // whenever the batch is rebuilt from the saved state.
  const std::string stamp = FormatTimestamp(batch.sealed_at / 1000 * 1000, 3);
  for (const auto& [indicator, seen] : batch.seen) {
    json::object o;
    o["type"] = "sighting";
    o["spec_version"] = "2.1";
    o["id"] = SightingId(source.sensor_id, batch.number, indicator);
    o["created"] = stamp;
    o["modified"] = stamp;
    if (!source.identity_ref.empty()) o["created_by_ref"] = source.identity_ref;
    o["sighting_of_ref"] = indicator;
    o["count"] = std::min(seen.count, kMaxSightingCount);
    o["first_seen"] = FormatTimestamp(seen.first, 3);
    o["last_seen"] = FormatTimestamp(std::max(seen.first, seen.last), 3);
    if (!source.identity_ref.empty()) {
      json::array where;
      where.emplace_back(source.identity_ref);
      o["where_sighted_refs"] = std::move(where);
    }
    json::array markings;
    markings.emplace_back(std::string(stix::TlpMarkingId(source.tlp)));
    o["object_marking_refs"] = std::move(markings);
    out.emplace_back(std::move(o));
  }
  return out;
}

std::string SightingEnvelope(const SealedBatch& batch, const SightingSource& source) {
  json::array objects;
  for (auto& o : SightingObjects(batch, source)) objects.emplace_back(std::move(o.json()));
  json::object envelope;
  envelope["objects"] = std::move(objects);
  return json::serialize(envelope);
}

}  // namespace ecrn::scan
