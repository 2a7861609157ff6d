// `ecrn stix validate` end to end: published examples pass (exit 0), every
// case of the invalid suite fails (exit 1) naming the object and property,
// unreadable or non-JSON input exits 2.
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "testing/testing.hpp"

namespace ecrn::testing {
namespace {

namespace fs = std::filesystem;

RunResult Validate(std::vector<std::string> args, const std::string& stdin_data = "") {
  std::vector<std::string> argv = {EcrnBin(), "stix", "validate"};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv, stdin_data);
}

TEST(StixValidateCli, PublishedFixturesPass) {
  std::vector<std::string> files;
  for (const auto& e :
       fs::recursive_directory_iterator(SharedDir() / "fixtures" / "stix-examples")) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path().string());
  }
  files.push_back((SharedDir() / "fixtures" / "disarm" / "DISARM.json").string());
  ASSERT_GE(files.size(), 9u);
  auto r = Validate(files);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find(": error:"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find(" 0 errors"), std::string::npos) << r.err;
}

TEST(StixValidateCli, EveryInvalidCaseFailsNamingObjectAndProperty) {
  const fs::path dir = SourceDir() / "tests" / "data" / "stix-invalid";
  std::istringstream in(ReadFile(dir / "expectations.tsv"));
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string file, id, property;
    std::getline(fields, file, '\t');
    std::getline(fields, id, '\t');
    std::getline(fields, property, '\t');
    SCOPED_TRACE(file);
    ++cases;
    auto r = Validate({(dir / file).string()});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.out.find(id + ": " + property + ": error: "), std::string::npos) << r.out;
  }
  EXPECT_GE(cases, 80);
}

TEST(StixValidateCli, JsonLinesNameFileIdPropertyAndSeverity) {
  const fs::path file = SourceDir() / "tests" / "data" / "stix-invalid" / "013-confidence-101.json";
  auto r = Validate({"--json", file.string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  bool found = false;
  while (std::getline(lines, line)) {
    auto v = boost::json::parse(line).as_object();
    EXPECT_EQ(v.at("file").as_string(), file.string());
    if (v.at("property").as_string() == "confidence") {
      found = true;
      EXPECT_EQ(v.at("severity").as_string(), "error");
      EXPECT_FALSE(v.at("message").as_string().empty());
      EXPECT_EQ(std::string_view(v.at("id").as_string()).substr(0, 9), "malware--");
    }
  }
  EXPECT_TRUE(found) << r.out;
}

constexpr const char* kVocabWarning =
    R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","indicator_types":["election-interference"],"pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z"})";

TEST(StixValidateCli, VocabularyWarningsDoNotFailUnlessStrict) {
  auto lenient = Validate({"-"}, kVocabWarning);
  EXPECT_EQ(lenient.exit_code, 0) << lenient.out << lenient.err;
  EXPECT_NE(lenient.out.find("indicator_types[0]: warning:"), std::string::npos) << lenient.out;

  auto strict = Validate({"--strict"}, kVocabWarning);  // no file: standard input
  EXPECT_EQ(strict.exit_code, 1) << strict.out << strict.err;
  EXPECT_NE(strict.out.find("indicator_types[0]: error:"), std::string::npos) << strict.out;
}

TEST(StixValidateCli, UnreadableOrNonJsonInputExitsTwo) {
  TempDir tmp;
  WriteFile(tmp.File("notjson.json"), "this is { not json");
  auto bad = Validate({tmp.File("notjson.json")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("invalid JSON"), std::string::npos) << bad.err;

  auto missing = Validate({tmp.File("absent.json")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("absent.json"), std::string::npos) << missing.err;

  auto dir = Validate({tmp.path().string()});
  EXPECT_EQ(dir.exit_code, 2) << dir.err;

  WriteFile(tmp.File("scalar.json"), "42");
  EXPECT_EQ(Validate({tmp.File("scalar.json")}).exit_code, 2);

  // A readable valid file alongside an unreadable one still exits 2.
  WriteFile(tmp.File("ok.json"), kVocabWarning);
  EXPECT_EQ(Validate({tmp.File("ok.json"), tmp.File("absent.json")}).exit_code, 2);
}

TEST(StixValidateCli, NonObjectElementsAreReported) {
  auto r = Validate(
      {"-"},
      R"({"type":"bundle","id":"bundle--0b7e5e8c-5d0b-4a62-9d3a-1f5bb8a9b001","objects":[42]})");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("error"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ecrn::testing
