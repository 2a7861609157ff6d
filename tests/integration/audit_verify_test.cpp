// `ecrn audit verify` / `audit list` on SQLite (cases in audit_verify_cases.hpp and
// incident_verify_cases.hpp),
// and the usage errors that need no database server.
#include <filesystem>

#include "integration/audit_verify_cases.hpp"
#include "integration/incident_verify_cases.hpp"

namespace ecrn::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, AuditVerify, ::testing::Values(SqliteAuditBackend()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Sqlite, IncidentVerify, ::testing::Values(SqliteAuditBackend()),
                         [](const auto& info) { return info.param.name; });

TEST(AuditVerifyUsage, MissingDatabaseIsAUsageErrorAndIsNotCreated) {
  TempDir dir;
  const std::string db = dir.File("absent.db");
  auto v = ecrn::testing::Run({EcrnBin(), "audit", "verify", "--db", db});
  EXPECT_EQ(v.exit_code, 2) << v.out << v.err;
  EXPECT_NE(v.err.find("no database file"), std::string::npos) << v.err;
  EXPECT_FALSE(std::filesystem::exists(db));
  EXPECT_EQ(ecrn::testing::Run({EcrnBin(), "audit", "list", "--db", db}).exit_code, 2);
}

TEST(AuditVerifyUsage, UnreachableServerAndBadArgumentsAreUsageErrors) {
  TempDir dir;
  auto pg =
      ecrn::testing::Run({EcrnBin(), "audit", "verify", "--db",
                          "postgresql://nobody@/ecrn?host=" + dir.path().string() + "&port=1"});
  EXPECT_EQ(pg.exit_code, 2) << pg.out << pg.err;
  EXPECT_EQ(ecrn::testing::Run({EcrnBin(), "audit", "verify", "--bogus"}).exit_code, 2);
  EXPECT_EQ(ecrn::testing::Run({EcrnBin(), "audit"}).exit_code, 2);
  EXPECT_EQ(
      ecrn::testing::Run({EcrnBin(), "audit", "list", "--limit", "0", "--db", dir.File("x.db")})
          .exit_code,
      2);
}

TEST(AuditVerifyUsage, NotADatabaseIsAUsageError) {
  TempDir dir;
  WriteFile(dir.File("junk.db"), "this is not a database file, just some text\n");
  auto v = ecrn::testing::Run({EcrnBin(), "audit", "verify", "--db", dir.File("junk.db")});
  EXPECT_EQ(v.exit_code, 2) << v.out << v.err;
}

TEST(AuditVerifyUsage, EmptyLogIsIntact) {
  TempDir dir;
  const std::string db = dir.File("empty.db");
  ASSERT_EQ(ecrn::testing::Run({EcrnBin(), "db", "migrate", "--db", db}).exit_code, 0);
  auto v = ecrn::testing::Run({EcrnBin(), "audit", "verify", "--db", db});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(v.out,
            "audit log intact: 0 entries\n"
            "incidents intact: 0 cases, 0 timeline entries, 0 custody entries, 0 evidence files, 0 "
            "packages\n");
}

// Every administration command, import and export leaves an entry naming the
// action, its target and the organisation concerned; the chain stays intact.
TEST(AuditedCommands, EachChangeAndExportIsRecorded) {
  TempDir dir;
  const std::string db = dir.File("audited.db");
  auto ecrn = [&](std::vector<std::string> args, const std::vector<std::string>& env = {}) {
    args.insert(args.begin(), EcrnBin());
    args.push_back("--db");
    args.push_back(db);
    auto r = ecrn::testing::Run(args, "", env);
    EXPECT_EQ(r.exit_code, 0) << args[1] << " " << args[2] << ": " << r.err;
    return r;
  };
  ecrn({"org", "add", "--name", "CEC", "--kind", "election-commission", "--country", "MD"});
  ecrn({"user", "add", "--org", "CEC", "--username", "ana", "--role", "analyst"},
       {"ECRN_PASSWORD=first-passphrase"});
  ecrn({"user", "passwd", "--user", "ana"}, {"ECRN_PASSWORD=second-passphrase"});
  const std::string key = ecrn({"apikey", "create", "--user", "ana", "--read-only"}).out;
  ecrn({"apikey", "revoke", key.substr(0, key.size() - 1)});
  ecrn({"channel", "add", "--name", "Regional"});
  WriteFile(dir.File("bundle.json"),
            R"({"type":"bundle","id":"bundle--6a4a5b9e-1f0a-4f4e-9b7e-2d7c1c0a9b11","objects":[)"
            R"({"type":"domain-name","spec_version":"2.1",)"
            R"("id":"domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5","value":"example.com"}]})");
  ecrn({"import", "--quiet", "--channel", "Regional", dir.File("bundle.json")});
  ecrn({"export", "--channel", "Regional"});

  auto list = ecrn({"audit", "list"});
  std::vector<std::string> lines;
  for (size_t start = 0, end; (end = list.out.find('\n', start)) != std::string::npos;
       start = end + 1) {
    lines.push_back(list.out.substr(start, end - start));
  }
  const std::vector<std::pair<std::string, std::string>> expected = {
      {R"("action":"org.create","target":"org:1","subject_org_id":1)", ""},
      {R"("action":"user.create","target":"user:1","subject_org_id":1)", R"("username":"ana")"},
      {R"("action":"user.password.set","target":"user:1","subject_org_id":1)", ""},
      {R"("action":"apikey.create","target":"apikey:1","subject_org_id":1)", R"("read_only":true)"},
      {R"("action":"apikey.revoke","target":"apikey:1","subject_org_id":1)", R"("user_id":1)"},
      {R"("action":"channel.create","target":"channel:1")", ""},
      {R"("action":"import","target":"channel:1")", R"("added":1)"},
      {R"("action":"export","target":"channel:1")", R"("objects":1)"},
  };
  ASSERT_EQ(lines.size(), expected.size()) << list.out;
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_NE(lines[i].find(expected[i].first), std::string::npos) << lines[i];
    EXPECT_NE(lines[i].find(expected[i].second), std::string::npos) << lines[i];
    EXPECT_NE(lines[i].find(R"("actor":"cli)"), std::string::npos) << lines[i];
    EXPECT_EQ(lines[i].find("passphrase"), std::string::npos) << "no secrets in the log";
    EXPECT_EQ(lines[i].find(key.substr(14, 20)), std::string::npos) << "no key in the log";
  }
  EXPECT_EQ(ecrn({"audit", "verify"}).out,
            "audit log intact: 8 entries\n"
            "incidents intact: 0 cases, 0 timeline entries, 0 custody entries, 0 evidence files, 0 "
            "packages\n");
}

}  // namespace
}  // namespace ecrn::testing
