#include "ecrn/scan/sightings.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "ecrn/core/uuid.hpp"
#include "ecrn/stix/validate.hpp"

namespace ecrn::scan {
namespace {

constexpr Micros kT0 = 1'795'248'000'000'000;  // 2026-11-21T08:00:00Z
constexpr char kIdentity[] = "identity--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061";
constexpr char kInd1[] = "indicator--11111111-1111-4111-8111-111111111111";
constexpr char kInd2[] = "indicator--22222222-2222-4222-8222-222222222222";
constexpr char kInd3[] = "indicator--33333333-3333-4333-8333-333333333333";

TEST(ScanSightings, SeenCountsAndKeepsTheEarliestAndLatest) {
  Seen s;
  s.Add(kT0 + 5'000'000);
  s.Add(kT0 + 1'000'000);
  s.Add(kT0 + 9'000'000, 3);
  s.Add(kT0, 0);   // nothing seen
  s.Add(kT0, -4);  // nor this
  EXPECT_EQ(s.count, 5);
  EXPECT_EQ(s.first, kT0 + 1'000'000);
  EXPECT_EQ(s.last, kT0 + 9'000'000);

  Seen other;
  other.Add(kT0 - 1);
  s.Merge(other);
  EXPECT_EQ(s.count, 6);
  EXPECT_EQ(s.first, kT0 - 1);
  s.Merge(Seen{});
  EXPECT_EQ(s.count, 6);

  Seen big;
  big.Add(kT0, kMaxSightingCount);
  big.Add(kT0, 10);
  EXPECT_EQ(big.count, kMaxSightingCount);
}

TEST(ScanSightings, SealingGroupsByCollectionAndNumbersBatches) {
  SeenByIndicator open;
  open[kInd1].Add(kT0);
  open[kInd2].Add(kT0 + 1);
  open[kInd3].Add(kT0 + 2);
  open["indicator--44444444-4444-4444-8444-444444444444"];  // counted nothing
  const std::map<std::string, std::string> collection_of = {{kInd1, "col-a"}, {kInd2, "col-b"}};
  uint64_t next = 7;
  auto target = [&](const std::string& indicator) {
    auto it = collection_of.find(indicator);
    return it == collection_of.end() ? std::string("col-fallback") : it->second;
  };
  auto batches = SealBatches(open, target, next, kT0 + 60'000'000);
  EXPECT_TRUE(open.empty());
  EXPECT_EQ(next, 10u);
  ASSERT_EQ(batches.size(), 3u);
  std::map<std::string, SealedBatch> by;
  for (const auto& b : batches) {
    EXPECT_EQ(b.sealed_at, kT0 + 60'000'000);
    EXPECT_GE(b.number, 7u);
    EXPECT_LT(b.number, 10u);
    by[b.collection] = b;
  }
  EXPECT_EQ(by.at("col-a").seen.count(kInd1), 1u);
  EXPECT_EQ(by.at("col-b").seen.count(kInd2), 1u);
  EXPECT_EQ(by.at("col-fallback").seen.count(kInd3), 1u);
  EXPECT_EQ(by.at("col-fallback").seen.size(), 1u);
}

TEST(ScanSightings, IdsDependOnSensorBatchAndIndicatorOnly) {
  const std::string a = SightingId("sensor-1", 1, kInd1);
  EXPECT_EQ(a, SightingId("sensor-1", 1, kInd1));
  EXPECT_NE(a, SightingId("sensor-2", 1, kInd1));
  EXPECT_NE(a, SightingId("sensor-1", 2, kInd1));
  EXPECT_NE(a, SightingId("sensor-1", 1, kInd2));
  ASSERT_EQ(a.rfind("sighting--", 0), 0u);
  EXPECT_EQ(UuidVersion(a.substr(10)), 5);
}

SealedBatch Batch() {
  SealedBatch b;
  b.number = 3;
  b.sealed_at = kT0 + 61'234'567;
  b.collection = "col-a";
  b.seen[kInd1].Add(kT0 + 1'500);
  b.seen[kInd1].Add(kT0 + 2'000'000);
  b.seen[kInd2].Add(kT0, kMaxSightingCount);
  return b;
}

TEST(ScanSightings, ObjectsAreValidStixSightings) {
  SightingSource source{"5f0a3e0e-6f43-4c7c-9f0e-1c5d8d9b7a10", kIdentity, stix::Tlp::kAmber};
  auto objects = SightingObjects(Batch(), source);
  ASSERT_EQ(objects.size(), 2u);
  for (const auto& o : objects) {
    auto findings = stix::Validate(o);
    EXPECT_FALSE(stix::HasErrors(findings)) << stix::Serialize(o);
    EXPECT_EQ(o.type(), "sighting");
    EXPECT_EQ(o.created(), "2026-11-21T08:01:01.234Z");
    EXPECT_EQ(o.modified(), o.created());
    EXPECT_EQ(o.created_by_ref(), kIdentity);
    EXPECT_EQ(o.json().at("where_sighted_refs").as_array().at(0), kIdentity);
    EXPECT_EQ(o.json().at("object_marking_refs").as_array().at(0).as_string(),
              stix::TlpMarkingId(stix::Tlp::kAmber));
  }
  const auto& first = objects[0].json();
  EXPECT_EQ(first.at("sighting_of_ref"), kInd1);
  EXPECT_EQ(first.at("count").as_int64(), 2);
  EXPECT_EQ(first.at("first_seen"), "2026-11-21T08:00:00.001Z");
  EXPECT_EQ(first.at("last_seen"), "2026-11-21T08:00:02.000Z");
  EXPECT_EQ(objects[1].json().at("count").as_int64(), kMaxSightingCount);
  EXPECT_EQ(objects[0].id(), SightingId(source.sensor_id, 3, kInd1));
}

TEST(ScanSightings, TheSameBatchGivesTheSameEnvelope) {
  SightingSource source{"5f0a3e0e-6f43-4c7c-9f0e-1c5d8d9b7a10", kIdentity, stix::Tlp::kGreen};
  const std::string once = SightingEnvelope(Batch(), source);
  EXPECT_EQ(once, SightingEnvelope(Batch(), source));
  auto parsed = boost::json::parse(once).as_object();
  EXPECT_EQ(parsed.at("objects").as_array().size(), 2u);
  // Another batch number is another set of objects.
  SealedBatch later = Batch();
  later.number = 4;
  EXPECT_NE(once, SightingEnvelope(later, source));
}

TEST(ScanSightings, WithoutAnIdentityNothingNamesAnOrganisation) {
  SightingSource source{"5f0a3e0e-6f43-4c7c-9f0e-1c5d8d9b7a10", "", stix::Tlp::kRed};
  for (const auto& o : SightingObjects(Batch(), source)) {
    EXPECT_FALSE(o.json().contains("where_sighted_refs"));
    EXPECT_FALSE(o.json().contains("created_by_ref"));
    EXPECT_FALSE(stix::HasErrors(stix::Validate(o))) << stix::Serialize(o);
  }
}

}  // namespace
}  // namespace ecrn::scan
