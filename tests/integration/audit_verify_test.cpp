// `ecrn audit verify` / `audit list` on SQLite (cases in audit_verify_cases.hpp),
// and the usage errors that need no database server.
#include <filesystem>

#include "integration/audit_verify_cases.hpp"

namespace ecrn::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, AuditVerify, ::testing::Values(SqliteAuditBackend()),
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
  EXPECT_EQ(v.out, "audit log intact: 0 entries\n");
}

}  // namespace
}  // namespace ecrn::testing
