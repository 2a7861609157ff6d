// Crash safety of `ecrn import`: SIGKILL at random moments must leave only
// whole objects behind, a sound database, and a re-run must finish the
// import without duplicates.
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testing/testing.hpp"

namespace ecrn::testing {
namespace {

// A bundle of `n` indicators, each with the ipv4-addr SCO it names.
std::string GenerateBundle(int n) {
  std::string out =
      R"({"type":"bundle","id":"bundle--0b7e5e8c-5d0b-4a62-9d3a-1f5bb8a9b001","objects":[)";
  char buf[1024];
  for (int i = 0; i < n; ++i) {
    const int a = 10 + i / 65536, b = (i / 256) % 256, c = i % 256;
    std::snprintf(
        buf, sizeof buf,
        R"(%s{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-%012d","created":"2024-03-01T10:00:00.000Z","modified":"2024-03-01T10:00:00.000Z","name":"Scanner %d","pattern":"[ipv4-addr:value = '%d.%d.%d.1']","pattern_type":"stix","valid_from":"2024-03-01T10:00:00Z","indicator_types":["malicious-activity"]},)"
        R"({"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--00000000-0000-5000-8000-%012d","value":"%d.%d.%d.1"})",
        i ? "," : "", i, i, a, b, c, i, a, b, c);
    out += buf;
  }
  out += "]}";
  return out;
}

// Runs a query through the sqlite3 shell and returns its output, trimmed.
std::string Sql(const std::string& db, const std::string& query) {
  auto r = Run({"sqlite3", db, query});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
  return r.out;
}

pid_t SpawnImport(const std::string& db, const std::string& file) {
  pid_t pid = fork();
  if (pid == 0) {
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execl(EcrnBin().c_str(), "ecrn", "import", "--db", db.c_str(), "--channel", "C", "--quiet",
          "--batch-size", "500", file.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

TEST(ImportCrashSafety, SigkillAtRandomMomentsLosesNothingAndDuplicatesNothing) {
  constexpr int kIndicators = 3000;  // 6,000 objects
  constexpr int kKills = 24;
  TempDir dir;
  const auto db = dir.File("ecrn.db");
  const auto file = dir.File("bundle.json");
  WriteFile(file, GenerateBundle(kIndicators));
  ASSERT_EQ(ecrn::testing::Run({EcrnBin(), "db", "migrate", "--db", db}).exit_code, 0);
  ASSERT_EQ(ecrn::testing::Run({EcrnBin(), "channel", "add", "--db", db, "--name", "C"}).exit_code,
            0);

  // How long a whole import takes here, on a scratch copy, to aim the kills.
  const auto scratch = dir.File("scratch.db");
  ASSERT_EQ(ecrn::testing::Run({EcrnBin(), "db", "migrate", "--db", scratch}).exit_code, 0);
  ASSERT_EQ(
      ecrn::testing::Run({EcrnBin(), "channel", "add", "--db", scratch, "--name", "C"}).exit_code,
      0);
  auto t0 = std::chrono::steady_clock::now();
  pid_t full = SpawnImport(scratch, file);
  int status = 0;
  waitpid(full, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const auto full_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();

  std::mt19937 rng(20261121);
  // Kill points spread over the whole run, start-up included.
  std::uniform_int_distribution<long> when(1, std::max<long>(2, full_ms));
  int killed_mid_run = 0;
  int64_t previous = 0;
  for (int k = 0; k < kKills; ++k) {
    pid_t pid = SpawnImport(db, file);
    std::this_thread::sleep_for(std::chrono::milliseconds(when(rng)));
    if (waitpid(pid, &status, WNOHANG) == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      if (WIFSIGNALED(status)) ++killed_mid_run;
    }
    ASSERT_EQ(Sql(db, "PRAGMA integrity_check"), "ok") << "after kill " << k;
    ASSERT_EQ(Sql(db, "PRAGMA foreign_key_check"), "") << "after kill " << k;
    // Whole objects only: every stored indicator has its observable row and
    // parses as the JSON we generated; nothing is stored twice.
    const int64_t stored = std::stoll(Sql(db, "SELECT COUNT(*) FROM objects"));
    EXPECT_GE(stored, previous) << "objects disappeared after kill " << k;
    previous = stored;
    EXPECT_EQ(Sql(db,
                  "SELECT COUNT(*) FROM (SELECT stix_id FROM objects GROUP BY stix_id, "
                  "channel_id, modified HAVING COUNT(*) > 1)"),
              "0");
    EXPECT_EQ(Sql(db,
                  "SELECT COUNT(*) FROM objects o WHERE o.type = 'indicator' AND o.obs_kind IS "
                  "NULL AND NOT EXISTS (SELECT 1 FROM observables b WHERE b.object_pk = o.pk)"),
              "0")
        << "an indicator without its observable after kill " << k;
    EXPECT_EQ(Sql(db,
                  "SELECT COUNT(*) FROM objects WHERE json_valid(json) = 0 OR "
                  "json_extract(json, '$.id') <> stix_id"),
              "0");
  }
  EXPECT_GE(killed_mid_run, kKills / 2) << "most kills should land while the import runs";

  // A final run completes the import; nothing is duplicated.
  auto last =
      ecrn::testing::Run({EcrnBin(), "import", "--db", db, "--channel", "C", "--quiet", file});
  ASSERT_EQ(last.exit_code, 0) << last.out << last.err;
  EXPECT_EQ(Sql(db, "SELECT COUNT(*) FROM objects"), std::to_string(2 * kIndicators));
  EXPECT_EQ(Sql(db, "SELECT COUNT(DISTINCT stix_id) FROM objects"),
            std::to_string(2 * kIndicators));
  // An object's first observable is in its row, the others in observables.
  EXPECT_EQ(Sql(db,
                "SELECT (SELECT COUNT(*) FROM objects WHERE obs_kind IS NOT NULL) + "
                "(SELECT COUNT(*) FROM observables)"),
            std::to_string(2 * kIndicators));
  EXPECT_EQ(Sql(db, "PRAGMA integrity_check"), "ok");
  // The exported objects are exactly the generated ones.
  auto exp = ecrn::testing::Run({EcrnBin(), "export", "--db", db, "--channel", "C"});
  ASSERT_EQ(exp.exit_code, 0);
  auto exported = boost::json::parse(exp.out).as_object().at("objects").as_array();
  auto original = boost::json::parse(ReadFile(file)).as_object().at("objects").as_array();
  ASSERT_EQ(exported.size(), original.size());
  std::map<std::string, boost::json::value> by_id;
  for (auto& o : original) by_id[std::string(o.as_object().at("id").as_string())] = o;
  for (auto& o : exported) {
    EXPECT_EQ(by_id.at(std::string(o.as_object().at("id").as_string())), o);
  }
}

}  // namespace
}  // namespace ecrn::testing
