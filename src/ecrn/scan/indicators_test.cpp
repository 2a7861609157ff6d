#include "ecrn/scan/indicators.hpp"

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "ecrn/scan/normalise.hpp"

namespace ecrn::scan {
namespace {

constexpr const char* kA = "indicator--aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
constexpr const char* kB = "indicator--bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
constexpr const char* kC = "indicator--cccccccc-cccc-4ccc-8ccc-cccccccccccc";
constexpr const char* kD = "indicator--dddddddd-dddd-4ddd-8ddd-dddddddddddd";
constexpr const char* kE = "indicator--eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee";

std::string Indicator(const std::string& id, const std::string& modified,
                      const std::string& pattern, const std::string& extra = "") {
  std::string out = R"({"type":"indicator","spec_version":"2.1","id":")" + id +
                    R"(","created":"2024-01-01T00:00:00.000Z","modified":")" + modified +
                    R"(","name":"name of )" + id.substr(11, 4) + R"(","pattern":")" + pattern +
                    R"(","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z")";
  return out + extra + "}";
}

std::string Bundle(const std::vector<std::string>& objects) {
  std::string out =
      R"({"type":"bundle","id":"bundle--11111111-1111-4111-8111-111111111111","objects":[)";
  for (size_t i = 0; i < objects.size(); ++i) out += (i ? "," : "") + objects[i];
  return out + "]}";
}

// The set's indicators as "id-prefix:pattern".
std::vector<std::string> Show(const IndicatorSet& set) {
  std::vector<std::string> out;
  for (size_t i = 0; i < set.size(); ++i)
    out.push_back(set.Id(i).substr(11, 4) + ":" + set.PatternText(i));
  return out;
}

TEST(ScanIndicators, KeepsTheLatestStixVersionOfEachId) {
  const std::string json = Bundle({
      Indicator(kA, "2024-01-01T00:00:00.000Z", "[domain-name:value = 'old.org']"),
      Indicator(kA, "2024-03-01T00:00:00.000Z", "[domain-name:value = 'New.org']"),
      Indicator(kA, "2024-02-01T00:00:00.000Z", "[domain-name:value = 'middle.org']"),
      Indicator(kB, "2024-01-01T00:00:00.000Z", "[domain-name:value = 'b.org']"),
      Indicator(kB, "2024-02-01T00:00:00.000Z", "[domain-name:value = 'b.org']",
                R"(,"revoked":true)"),
      R"({"type":"indicator","id":")" + std::string(kC) +
          R"(","modified":"2024-01-01T00:00:00Z","pattern":"rule x {}","pattern_type":"yara"})",
      R"({"type":"domain-name","id":"domain-name--11111111-1111-5111-8111-111111111111","value":"x.org"})",
      Indicator(
          kD, "2024-01-01T00:00:00.000Z",
          "[domain-name:value = 'd.org' AND domain-name:value LIKE '%.org']",
          R"(,"external_references":[{"source_name":"x","pattern":"[nested]"}],"labels":["a"])"),
  });
  auto set = LoadIndicatorJson(json);
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(Show(*set), (std::vector<std::string>{
                            "aaaa:[domain-name:value = 'new.org']",
                            "dddd:[domain-name:value = 'd.org' AND domain-name:value LIKE '%.org']",
                        }));
  const LoadStats& st = set->stats();
  EXPECT_EQ(st.objects, 8u);
  EXPECT_EQ(st.indicators, 2u);
  EXPECT_EQ(st.older_versions, 3u);
  EXPECT_EQ(st.revoked, 1u);
  EXPECT_EQ(st.other_pattern_types, 1u);
  EXPECT_EQ(st.fast_path, 1u);
  EXPECT_TRUE(st.rejected.empty());
  EXPECT_EQ(set->Id(0), kA);
  EXPECT_EQ(set->Name(0), "name of aaaa");
  EXPECT_EQ(set->form(0), IndicatorSet::Form::kLookups);
  EXPECT_EQ(set->form(1), IndicatorSet::Form::kGeneral);
  ASSERT_EQ(set->Terms(0).size(), 1u);
  EXPECT_EQ(set->Terms(0)[0].key, "new.org");
  EXPECT_EQ(set->ValidFrom(0), ParseTimestamp("2024-01-01T00:00:00Z")->micros);
  EXPECT_FALSE(set->ValidUntil(0).has_value());
}

TEST(ScanIndicators, RejectsBadPatternsWithTheReasonAndGoesOn) {
  const std::string json = Bundle({
      Indicator(kA, "2024-01-01T00:00:00.000Z", "[domain-name:value = 'a.org'"),
      Indicator(kB, "2024-01-01T00:00:00.000Z", "[Domain:value = 'a.org']"),
      Indicator(kC, "2024-01-01T00:00:00.000Z", "[url:value = 'http://c.org/']",
                R"(,"valid_until":"yesterday")"),
      Indicator(kD, "2024-01-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.0/24']"),
  });
  auto set = LoadIndicatorJson(json);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(Show(*set), std::vector<std::string>{"dddd:[ipv4-addr:value ISSUBSET '192.0.2.0/24']"});
  const auto& rejected = set->stats().rejected;
  ASSERT_EQ(rejected.size(), 3u);
  EXPECT_EQ(rejected[0].id, kA);
  EXPECT_NE(rejected[0].reason.find("pattern: column"), std::string::npos) << rejected[0].reason;
  EXPECT_EQ(rejected[1].id, kB);
  EXPECT_NE(rejected[1].reason.find("pattern: column 2"), std::string::npos) << rejected[1].reason;
  EXPECT_EQ(rejected[2].id, kC);
  EXPECT_NE(rejected[2].reason.find("valid_until"), std::string::npos) << rejected[2].reason;
}

TEST(ScanIndicators, KeepsPatternTextWhenAsked) {
  const std::string json =
      Bundle({Indicator(kA, "2024-01-01T00:00:00.000Z", "[domain-name:value = 'A.org.']")});
  LoadOptions keep;
  keep.keep_pattern_text = true;
  auto kept = LoadIndicatorJson(json, keep);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->PatternText(0), "[domain-name:value = 'A.org.']");
  auto compact = LoadIndicatorJson(json);
  ASSERT_TRUE(compact.ok());
  EXPECT_EQ(compact->PatternText(0), "[domain-name:value = 'a.org']");
  EXPECT_LT(compact->MemoryBytes(), kept->MemoryBytes());
}

TEST(ScanIndicators, ReadsListsOfBundlesSingleObjectsAndEscapes) {
  const std::string list =
      "[" +
      Bundle({Indicator(kA, "2024-01-01T00:00:00.000Z", "[url:value = 'http://a.org/\\u0041']")}) +
      "," + Indicator(kB, "2024-01-01T00:00:00.000Z", "[domain-name:value = 'b.org']") + "]";
  auto set = LoadIndicatorJson(list);
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(Show(*set), (std::vector<std::string>{"aaaa:[url:value = 'http://a.org/A']",
                                                  "bbbb:[domain-name:value = 'b.org']"}));
  auto one =
      LoadIndicatorJson(Indicator(kE, "2024-01-01T00:00:00.000Z", "[domain-name:value = 'e.org']"));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(Show(*one), std::vector<std::string>{"eeee:[domain-name:value = 'e.org']"});
}

TEST(ScanIndicators, MalformedJsonFailsWithTheOffset) {
  auto bad = LoadIndicatorJson(R"({"type":"bundle","objects":[{"type":"indicator",]})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("at byte 48"), std::string::npos) << bad.error().message;
  auto trailing = LoadIndicatorJson("{} {}");
  ASSERT_FALSE(trailing.ok());
  auto truncated = LoadIndicatorJson(R"({"type":"bundle","objects":[)");
  ASSERT_FALSE(truncated.ok());
}

TEST(ScanIndicators, StreamsFilesInChunks) {
  // Long enough that strings and keys cross the reader's 1 MiB chunks.
  std::vector<std::string> objects;
  for (int i = 0; i < 6000; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "indicator--%08x-0000-4000-8000-000000000000", i);
    objects.push_back(Indicator(id, "2024-01-01T00:00:00.000Z",
                                "[domain-name:value = 'host" + std::to_string(i) + ".example.org']",
                                R"(,"description":")" + std::string(200, 'x') + "\""));
  }
  const std::string path = ::testing::TempDir() + "/scan_indicators_test.json";
  {
    std::ofstream f(path, std::ios::binary);
    f << Bundle(objects);
  }
  auto set = LoadIndicatorFile(path);
  std::remove(path.c_str());
  ASSERT_TRUE(set.ok()) << set.error().message;
  ASSERT_EQ(set->size(), 6000u);
  for (size_t i = 0; i < set->size(); ++i) {
    ASSERT_EQ(set->Terms(i).at(0).key, "host" + std::to_string(i) + ".example.org");
  }
  EXPECT_EQ(set->Id(5999), "indicator--0000176f-0000-4000-8000-000000000000");

  auto missing = LoadIndicatorFile(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST(ScanIndicators, LoadsParsedObjects) {
  auto doc = stix::ParseDocument(Bundle({
      Indicator(kA, "2024-01-01T00:00:00.000Z", "[domain-name:value = 'a.org']"),
      Indicator(kA, "2024-05-01T00:00:00.000Z", "[domain-name:value = 'a2.org']"),
      Indicator("indicator--NOT-A-UUID", "2024-01-01T00:00:00.000Z",
                "[email-addr:value = 'X@Y.org']"),
  }));
  ASSERT_TRUE(doc.ok());
  auto set = LoadIndicators(doc->objects);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(Show(*set), (std::vector<std::string>{"aaaa:[domain-name:value = 'a2.org']",
                                                  "NOT-:[email-addr:value = 'x@y.org']"}));
  EXPECT_EQ(set->Id(1), "indicator--NOT-A-UUID");
  EXPECT_EQ(set->stats().older_versions, 1u);
}

}  // namespace
}  // namespace ecrn::scan
