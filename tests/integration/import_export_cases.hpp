// Import → export round trips through the real `ecrn` binary, written once and
// run against SQLite (import_export_test.cpp) and PostgreSQL
// (import_export_pgtest.cpp). Not thread-safe.
#pragma once

#include <map>
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "testing/testing.hpp"

namespace ecrn::testing {

// The objects of a STIX document keyed by (id, modified).
inline std::map<std::string, boost::json::object> ObjectsByVersion(const std::string& text) {
  std::map<std::string, boost::json::object> out;
  auto v = boost::json::parse(text);
  auto& objs = v.as_object().at("objects").as_array();
  for (auto& o : objs) {
    auto& obj = o.as_object();
    std::string key = std::string(obj.at("id").as_string());
    if (auto it = obj.find("modified"); it != obj.end())
      key += "|" + std::string(it->value().as_string());
    out[key] = obj;
  }
  return out;
}

// Sets up a database with one channel and returns the common --db arguments.
inline void PrepareDatabase(const std::string& db) {
  auto m = Run({EcrnBin(), "db", "migrate", "--db", db});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  auto c = Run({EcrnBin(), "channel", "add", "--db", db, "--name", "Regional"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
}

// apt1.json in, export out: the same set of objects, equal as JSON; a second
// import adds nothing.
inline void CheckApt1RoundTrip(const std::string& db) {
  PrepareDatabase(db);
  const auto apt1 = (SharedDir() / "fixtures/stix-examples/threat-reports/apt1.json").string();
  auto imp = Run({EcrnBin(), "import", "--db", db, "--channel", "Regional", "--quiet", apt1});
  ASSERT_EQ(imp.exit_code, 0) << imp.out << imp.err;
  EXPECT_NE(imp.out.find("0 rejected"), std::string::npos) << imp.out;

  auto exp = Run({EcrnBin(), "export", "--db", db, "--channel", "Regional"});
  ASSERT_EQ(exp.exit_code, 0) << exp.err;
  auto original = ObjectsByVersion(ReadFile(apt1));
  auto exported = ObjectsByVersion(exp.out);
  ASSERT_EQ(exported.size(), original.size());
  for (const auto& [key, obj] : original) {
    auto it = exported.find(key);
    ASSERT_NE(it, exported.end()) << "missing from export: " << key;
    EXPECT_EQ(it->second, obj) << "differs after round trip: " << key;
  }
  auto bundle = boost::json::parse(exp.out).as_object();
  EXPECT_EQ(bundle.at("type").as_string(), "bundle");

  // Re-importing the same objects adds nothing.
  auto again = Run({EcrnBin(), "import", "--db", db, "--channel", "Regional", "--quiet", apt1});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find(" 0 added, " + std::to_string(original.size()) + " already present"),
            std::string::npos)
      << again.out;
  auto exp2 = Run({EcrnBin(), "export", "--db", db, "--channel", "Regional"});
  EXPECT_EQ(ObjectsByVersion(exp2.out).size(), original.size());
}

// One bad object among good ones is rejected with its reason; the others are
// stored; --type and --all-versions filter the export.
inline void CheckRejectionsAndFilters(const std::string& db) {
  PrepareDatabase(db);
  TempDir dir;
  const std::string ind1 =
      R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","name":"C2","pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"})";
  const std::string ind1v2 =
      R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2024-01-01T00:00:00.000Z","modified":"2024-02-01T00:00:00.000Z","name":"C2 v2","pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"})";
  const std::string bad =
      R"({"type":"indicator","spec_version":"2.1","id":"indicator--not-a-uuid","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '198.51.100.8']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"})";
  const std::string sco =
      R"({"type":"domain-name","spec_version":"2.1","id":"domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5","value":"example.com"})";
  const auto file = dir.File("mixed.json");
  WriteFile(file,
            R"({"type":"bundle","id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","objects":[)" +
                ind1 + "," + bad + "," + sco + "," + ind1v2 + ",42]}");
  auto imp = Run({EcrnBin(), "import", "--db", db, "--channel", "Regional", "--quiet", file});
  EXPECT_EQ(imp.exit_code, 1) << imp.out << imp.err;  // some objects rejected
  EXPECT_NE(imp.out.find("3 added"), std::string::npos) << imp.out;
  EXPECT_NE(imp.out.find("2 rejected"), std::string::npos) << imp.out;
  EXPECT_NE(imp.out.find("indicator--not-a-uuid"), std::string::npos) << imp.out;

  auto latest =
      Run({EcrnBin(), "export", "--db", db, "--channel", "Regional", "--type", "indicator"});
  ASSERT_EQ(latest.exit_code, 0) << latest.err;
  auto objs = ObjectsByVersion(latest.out);
  ASSERT_EQ(objs.size(), 1u);
  EXPECT_EQ(objs.begin()->second.at("name").as_string(), "C2 v2");
  auto all = Run({EcrnBin(), "export", "--db", db, "--channel", "Regional", "--all-versions"});
  EXPECT_EQ(ObjectsByVersion(all.out).size(), 3u);

  // Unknown channel and unreadable input: a clear message, exit 2, no crash.
  auto no_channel = Run({EcrnBin(), "import", "--db", db, "--channel", "Nope", "--quiet", file});
  EXPECT_EQ(no_channel.exit_code, 2);
  EXPECT_NE(no_channel.err.find("no channel named 'Nope'"), std::string::npos) << no_channel.err;
  WriteFile(dir.File("broken.json"), "{\"type\": \"bundle\", \"objects\": [");
  auto broken = Run({EcrnBin(), "import", "--db", db, "--channel", "Regional", "--quiet",
                     dir.File("broken.json")});
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err.find("invalid JSON"), std::string::npos) << broken.err;
  auto directory = Run(
      {EcrnBin(), "import", "--db", db, "--channel", "Regional", "--quiet", dir.path().string()});
  EXPECT_EQ(directory.exit_code, 2);
  EXPECT_NE(directory.err.find("is a directory"), std::string::npos) << directory.err;
  auto missing = Run({EcrnBin(), "import", "--db", db, "--channel", "Regional", "--quiet",
                      dir.File("missing.json")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos) << missing.err;
  // Standard input works like a file.
  auto piped = Run({EcrnBin(), "import", "--db", db, "--channel", "Regional", "--quiet", "-"},
                   "[" + sco + "]");
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_NE(piped.out.find("1 already present"), std::string::npos) << piped.out;
}

}  // namespace ecrn::testing
