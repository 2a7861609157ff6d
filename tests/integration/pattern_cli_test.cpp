// `ecrn pattern validate` and `ecrn pattern match` end to end: the exit
// codes DESIGN.md fixes (0 / 1 / 2), the reason on stderr, --json ids, 2.1
// bundles and 2.0 embedded objects, files and stdin.
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "testing/testing.hpp"

namespace ecrn::testing {
namespace {

RunResult Pattern(std::vector<std::string> args, const std::string& stdin_data = "") {
  std::vector<std::string> argv = {EcrnBin(), "pattern"};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv, stdin_data);
}

constexpr const char* kBundle21 = R"({"type":"bundle","id":"bundle--1","objects":[
  {"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--a","value":"198.51.100.7"},
  {"type":"domain-name","spec_version":"2.1","id":"domain-name--d","value":"vote.example"},
  {"type":"observed-data","spec_version":"2.1","id":"observed-data--one",
   "created":"2024-05-01T00:00:00Z","modified":"2024-05-01T00:00:00Z",
   "first_observed":"2024-05-01T10:00:00Z","last_observed":"2024-05-01T10:00:00Z",
   "number_observed":1,"object_refs":["ipv4-addr--a"]},
  {"type":"observed-data","spec_version":"2.1","id":"observed-data--two",
   "created":"2024-05-01T00:00:00Z","modified":"2024-05-01T00:00:00Z",
   "first_observed":"2024-05-01T10:05:00Z","last_observed":"2024-05-01T10:05:00Z",
   "number_observed":1,"object_refs":["domain-name--d"]}]})";

constexpr const char* kObserved20 = R"({"type":"observed-data","id":"observed-data--old",
  "created":"2017-01-01T00:00:00Z","modified":"2017-01-01T00:00:00Z",
  "first_observed":"2017-01-01T00:00:00Z","last_observed":"2017-01-01T00:00:00Z",
  "number_observed":1,"objects":{"0":{"type":"url","value":"http://x.example/a"}}})";

TEST(PatternCli, ValidateExitCodes) {
  auto ok = Pattern({"validate", "[ipv4-addr:value ISSUBSET '198.51.100.0/24']"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.err, "");
  auto bad = Pattern({"validate", "[ipv4-addr:value = '1.2.3.4'"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err,
            "ecrn: invalid pattern: column 29: expected ']' or AND / OR, found end of pattern\n");
  auto semantic = Pattern({"validate", "[file:name = 'a'] REPEATS 0 TIMES"});
  EXPECT_EQ(semantic.exit_code, 2);
  EXPECT_NE(semantic.err.find("column 27: REPEATS needs a positive integer"), std::string::npos);
}

TEST(PatternCli, MatchFromFileAndStdin) {
  TempDir dir;
  WriteFile(dir.File("b.json"), kBundle21);
  auto hit = Pattern({"match", "[ipv4-addr:value = '198.51.100.7']", dir.File("b.json")});
  EXPECT_EQ(hit.exit_code, 0) << hit.err;
  EXPECT_EQ(hit.out, "observed-data--one\n");
  auto miss = Pattern({"match", "[ipv4-addr:value = '203.0.113.1']", dir.File("b.json")});
  EXPECT_EQ(miss.exit_code, 1) << miss.err;
  EXPECT_EQ(miss.out, "");
  auto json = Pattern({"match", "--json",
                       "[ipv4-addr:value = '198.51.100.7'] FOLLOWEDBY [domain-name:value = "
                       "'vote.example'] WITHIN 300 SECONDS"},
                      kBundle21);
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(boost::json::parse(json.out),
            boost::json::parse(R"(["observed-data--one","observed-data--two"])"));
  auto too_slow = Pattern({"match", "--json",
                           "([ipv4-addr:value = '198.51.100.7'] FOLLOWEDBY [domain-name:value = "
                           "'vote.example']) WITHIN 299 SECONDS"},
                          kBundle21);
  EXPECT_EQ(too_slow.exit_code, 1);
  EXPECT_EQ(boost::json::parse(too_slow.out), boost::json::parse("[]"));
}

TEST(PatternCli, MatchUnderstandsEmbeddedObjectsAcrossFiles) {
  TempDir dir;
  WriteFile(dir.File("a.json"), kBundle21);
  WriteFile(dir.File("old.json"), kObserved20);
  auto r = Pattern({"match",
                    "[url:value LIKE 'http://x.example/%'] AND [ipv4-addr:value "
                    "ISSUBSET '198.51.0.0/16']",
                    dir.File("a.json"), dir.File("old.json")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "observed-data--one\nobserved-data--old\n");
}

TEST(PatternCli, InvalidPatternOrInputExitsTwo) {
  TempDir dir;
  WriteFile(dir.File("broken.json"), "{\"type\": ");
  auto broken = Pattern({"match", "[file:name = 'a']", dir.File("broken.json")});
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err.find("broken.json"), std::string::npos) << broken.err;
  auto missing = Pattern({"match", "[file:name = 'a']", dir.File("absent.json")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("absent.json"), std::string::npos) << missing.err;
  auto pattern = Pattern({"match", "[file:name LIKE 1]"}, kBundle21);
  EXPECT_EQ(pattern.exit_code, 2);
  EXPECT_EQ(pattern.err,
            "ecrn: invalid pattern: column 17: LIKE needs a string literal, found '1'\n");
}

}  // namespace
}  // namespace ecrn::testing
