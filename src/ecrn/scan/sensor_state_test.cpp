#include "ecrn/scan/sensor_state.hpp"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecrn/core/uuid.hpp"
#include "testing/testing.hpp"

namespace ecrn::scan {
namespace {

using ::testing::HasSubstr;

SensorState Sample(const std::string& sensor_id) {
  SensorState s;
  s.sensor_id = sensor_id;
  s.next_batch = 12;
  s.open["indicator--11111111-1111-4111-8111-111111111111"] = Seen{4, 1'000, 9'000};
  SealedBatch b;
  b.number = 11;
  b.sealed_at = 1'795'248'000'123'456;
  b.collection = "6a9f3c1e-2b4d-4e8f-9a0b-1c2d3e4f5a6b";
  b.seen["indicator--22222222-2222-4222-8222-222222222222"] = Seen{kMaxSightingCount, -5, 7};
  s.sealed.push_back(b);
  s.sources["/var/log/named/query.log"] = SourcePosition{2049, 1'234'567, 98'765'432'100, 4'242};
  s.sources["-"] = SourcePosition{};
  return s;
}

TEST(ScanSensorState, AFreshDirectoryGivesANewSensorId) {
  testing::TempDir dir;
  auto state_dir = StateDir::Open(dir.path() / "sensor");
  ASSERT_TRUE(state_dir.ok()) << state_dir.error().ToString();
  auto a = state_dir->Load();
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  EXPECT_TRUE(IsUuid(a->sensor_id));
  EXPECT_EQ(a->next_batch, 1u);
  EXPECT_TRUE(a->open.empty() && a->sealed.empty() && a->sources.empty());
}

TEST(ScanSensorState, SaveThenLoadGivesTheSameState) {
  testing::TempDir dir;
  const auto path = dir.path() / "sensor";
  const SensorState saved = Sample(UuidV4());
  {
    auto state_dir = StateDir::Open(path);
    ASSERT_TRUE(state_dir.ok());
    ASSERT_TRUE(state_dir->Save(saved).ok());
    SensorState changed = saved;
    changed.next_batch = 13;
    changed.sealed.clear();
    ASSERT_TRUE(state_dir->Save(changed).ok());
    auto loaded = state_dir->Load();
    ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
    EXPECT_EQ(*loaded, changed);
    ASSERT_TRUE(state_dir->Save(saved).ok());
  }
  // Another process (here: another open) after the first let go.
  auto again = StateDir::Open(path);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  auto loaded = again->Load();
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  EXPECT_EQ(*loaded, saved);
  EXPECT_FALSE(std::filesystem::exists(path / "state.json.tmp"));
}

TEST(ScanSensorState, OneSensorPerDirectory) {
  testing::TempDir dir;
  auto first = StateDir::Open(dir.path());
  ASSERT_TRUE(first.ok());
  auto second = StateDir::Open(dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_THAT(second.error().message, HasSubstr("another sensor"));
  // Moving keeps the lock; destroying releases it.
  StateDir moved = std::move(first).value();
  EXPECT_FALSE(StateDir::Open(dir.path()).ok());
  { StateDir gone = std::move(moved); }
  EXPECT_TRUE(StateDir::Open(dir.path()).ok());
}

TEST(ScanSensorState, ADamagedFileIsAnErrorNotAFreshStart) {
  testing::TempDir dir;
  auto state_dir = StateDir::Open(dir.path());
  ASSERT_TRUE(state_dir.ok());
  ASSERT_TRUE(state_dir->Save(Sample(UuidV4())).ok());
  const auto file = dir.path() / "state.json";
  const std::string good = testing::ReadFile(file);
  for (const std::string& bad :
       {good.substr(0, good.size() / 2), std::string("[]"), std::string("{\"format\":99}"),
        std::string(good).replace(good.find("\"next_batch\""), 12, "\"next_batcx\""),
        std::string(good).replace(good.find("\"sensor_id\":\"") + 13, 4, "zzzz")}) {
    testing::WriteFile(file, bad);
    auto loaded = state_dir->Load();
    ASSERT_FALSE(loaded.ok()) << bad;
    EXPECT_THAT(loaded.error().message, HasSubstr(file.string()));
    EXPECT_THAT(loaded.error().message, HasSubstr("damaged"));
  }
}

TEST(ScanSensorState, AnUncreatableDirectoryIsAClearError) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("file"), "x");
  auto state_dir = StateDir::Open(dir.path() / "file" / "sensor");
  ASSERT_FALSE(state_dir.ok());
  EXPECT_EQ(state_dir.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(state_dir.error().message, HasSubstr("state directory"));
}

}  // namespace
}  // namespace ecrn::scan
