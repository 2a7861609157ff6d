// `ecrn audit verify` and `ecrn audit list` through the real binary, after
// tampering with the audit tables directly in the database: written once and
// run on SQLite (audit_verify_test.cpp) and PostgreSQL (audit_verify_pgtest.cpp).
// Each tampering must be caught, naming the right entry. Not thread-safe.
#pragma once

#include <algorithm>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ecrn/core/audit_chain.hpp"
#include "ecrn/store/store.hpp"
#include "testing/testing.hpp"

namespace ecrn::testing {

// How to reach a backend and run raw SQL on it (the tampering).
struct AuditBackend {
  std::string name;
  std::function<std::string(const TempDir&)> fresh_db;
  std::function<RunResult(const std::string& db, const std::string& sql)> sql;
};

inline void PrintTo(const AuditBackend& b, std::ostream* os) { *os << b.name; }

inline AuditBackend SqliteAuditBackend() {
  return {"sqlite", [](const TempDir& dir) { return dir.File("audit.db"); },
          [](const std::string& db, const std::string& sql) {
            return ecrn::testing::Run({"sqlite3", "-bail", db, sql});
          }};
}

inline AuditBackend PostgresAuditBackend() {
  return {"postgresql", [](const TempDir&) { return FreshPgDatabase(); },
          [](const std::string& db, const std::string& sql) {
            return ecrn::testing::Run({"psql", "-v", "ON_ERROR_STOP=1", "-q", "-d", db, "-c", sql});
          }};
}

// Fixture: a database whose audit log holds six entries written by admin
// commands (org, org, channel, grant, channel, org).
class AuditVerify : public ::testing::TestWithParam<AuditBackend> {
 protected:
  void SetUp() override {
    db_ = GetParam().fresh_db(dir_);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"org", "add", "--name", "CEC", "--kind", "election-commission", "--country", "MD"},
             {"org", "add", "--name", "CERT", "--kind", "cert", "--country", "MD"},
             {"channel", "add", "--name", "Regional"},
             {"channel", "grant", "--channel", "Regional", "--org", "CEC", "--read"},
             {"channel", "add", "--name", "National"},
             {"org", "add", "--name", "ISAC", "--kind", "isac", "--country", "GE"}}) {
      auto r = Ecrn(args);
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }

  RunResult Ecrn(std::vector<std::string> args) {
    args.insert(args.begin(), EcrnBin());
    args.push_back("--db");
    args.push_back(db_);
    return ecrn::testing::Run(args);
  }

  void Sql(const std::string& sql) {
    auto r = GetParam().sql(db_, sql);
    ASSERT_EQ(r.exit_code, 0) << sql << ": " << r.err;
  }

  // Runs verify and expects exit 1 naming `seq` with `kind`.
  void ExpectBroken(int64_t seq, const std::string& kind) {
    auto v = Ecrn({"audit", "verify"});
    EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
    EXPECT_NE(v.out.find("BROKEN at entry " + std::to_string(seq) + " (" + kind + ")"),
              std::string::npos)
        << v.out << v.err;
  }

  // The stored entries, read through the store.
  std::vector<AuditEntry> Entries() {
    auto s = store::OpenStore(db_);
    EXPECT_TRUE(s.ok());
    if (!s.ok()) return {};
    auto all = (*s)->ListAudit({});
    EXPECT_TRUE(all.ok());
    return all.ok() ? *all : std::vector<AuditEntry>{};
  }

  // Forges entry `seq`: a new target and its hash recomputed (its
  // successors are left as they are), written with SQL.
  void Forge(int64_t seq, const std::string& target) {
    auto entries = Entries();
    ASSERT_EQ(entries.size(), 6u);
    AuditEntry forged = entries[static_cast<size_t>(seq - 1)];
    forged.target = target;
    forged.hash = AuditEntryHash(forged);
    Sql("UPDATE audit_log SET target = '" + forged.target + "', hash = '" + forged.hash +
        "' WHERE seq = " + std::to_string(seq));
  }

  TempDir dir_;
  std::string db_;
};

TEST_P(AuditVerify, IntactLogVerifiesAndLists) {
  auto v = Ecrn({"audit", "verify"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_EQ(v.out,
            "audit log intact: 6 entries\n"
            "incidents intact: 0 cases, 0 timeline entries, 0 custody entries, 0 evidence files, 0 "
            "packages\n");
  auto list = Ecrn({"audit", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(std::count(list.out.begin(), list.out.end(), '\n'), 6);
  EXPECT_NE(list.out.find(R"("seq":4,)"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find(R"("action":"membership.grant")"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find(R"("actor":"cli)"), std::string::npos) << list.out;
  EXPECT_NE(
      list.out.find(R"("detail":{"channel":"Regional","org":"CEC","read":true,"write":false})"),
      std::string::npos)
      << list.out;
  auto orgs = Ecrn({"audit", "list", "--action", "org.create", "--after", "1", "--limit", "1"});
  ASSERT_EQ(orgs.exit_code, 0) << orgs.err;
  EXPECT_NE(orgs.out.find(R"("seq":2,)"), std::string::npos) << orgs.out;
  EXPECT_EQ(std::count(orgs.out.begin(), orgs.out.end(), '\n'), 1);
}

TEST_P(AuditVerify, AlteredFieldIsCaught) {
  Sql("UPDATE audit_log SET outcome = 'failure' WHERE seq = 3");
  ExpectBroken(3, "altered");
}

TEST_P(AuditVerify, AlteredDetailOfTheFirstEntryIsCaught) {
  Sql("UPDATE audit_log SET detail = '{}' WHERE seq = 1");
  ExpectBroken(1, "altered");
}

TEST_P(AuditVerify, DeletedMiddleEntryIsCaught) {
  Sql("DELETE FROM audit_log WHERE seq = 4");
  ExpectBroken(4, "missing");
}

TEST_P(AuditVerify, DeletedFirstEntryIsCaught) {
  Sql("DELETE FROM audit_log WHERE seq = 1");
  ExpectBroken(1, "missing");
}

// The chain alone cannot show that its end was cut off; the chain head row,
// written in the same transaction as each append, does.
TEST_P(AuditVerify, DeletedLastEntriesAreCaughtByTheChainHead) {
  Sql("DELETE FROM audit_log WHERE seq = 6");
  ExpectBroken(6, "missing");
  Sql("DELETE FROM audit_log WHERE seq = 5");
  ExpectBroken(5, "missing");
  Sql("DELETE FROM audit_log");
  ExpectBroken(1, "missing");
}

TEST_P(AuditVerify, DeletedChainHeadIsCaught) {
  Sql("DELETE FROM audit_head");
  auto v = Ecrn({"audit", "verify"});
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  EXPECT_NE(v.out.find("(head missing)"), std::string::npos) << v.out;
}

TEST_P(AuditVerify, SwappedEntriesAreCaughtAsOutOfOrder) {
  Sql("UPDATE audit_log SET seq = -5 WHERE seq = 5");
  Sql("UPDATE audit_log SET seq = 5 WHERE seq = 2");
  Sql("UPDATE audit_log SET seq = 2 WHERE seq = -5");
  ExpectBroken(2, "out of order");
  auto v = Ecrn({"audit", "verify"});
  EXPECT_NE(v.out.find("written as entry 5"), std::string::npos) << v.out;
}

TEST_P(AuditVerify, SwappedNeighboursAreCaughtAsOutOfOrder) {
  Sql("UPDATE audit_log SET seq = -3 WHERE seq = 3");
  Sql("UPDATE audit_log SET seq = 3 WHERE seq = 4");
  Sql("UPDATE audit_log SET seq = 4 WHERE seq = -3");
  ExpectBroken(3, "out of order");
  auto v = Ecrn({"audit", "verify"});
  EXPECT_NE(v.out.find("written as entry 4"), std::string::npos) << v.out;
}

// A forger who alters an entry and recomputes its hash, but not its
// successors', is caught at the successor.
TEST_P(AuditVerify, ReHashedForgeryIsCaughtAtTheSuccessor) {
  Forge(3, "channel:99");
  ExpectBroken(4, "broken link");
}

// The last entry has no successor: the chain head's copy of its hash catches it.
TEST_P(AuditVerify, ReHashedForgeryOfTheLastEntryIsCaughtByTheChainHead) {
  Forge(6, "org:99");
  ExpectBroken(6, "altered");
}

TEST_P(AuditVerify, EntryAddedBehindTheStoresBackIsCaught) {
  auto entries = Entries();
  ASSERT_EQ(entries.size(), 6u);
  AuditEntry extra = entries[5];
  extra.seq = 7;
  extra.prev_hash = entries[5].hash;
  extra.hash = AuditEntryHash(extra);
  Sql("INSERT INTO audit_log (seq, time, actor_user_id, actor_org_id, actor_label, remote_addr, "
      "action, target, subject_org_id, outcome, detail, prev_hash, hash) "
      "SELECT 7, time, actor_user_id, actor_org_id, actor_label, remote_addr, action, target, "
      "subject_org_id, outcome, detail, '" +
      extra.prev_hash + "', '" + extra.hash + "' FROM audit_log WHERE seq = 6");
  ExpectBroken(7, "unrecorded");
}

TEST_P(AuditVerify, AppendsContinueTheChainAfterVerification) {
  ASSERT_EQ(Ecrn({"channel", "add", "--name", "Third"}).exit_code, 0);
  auto v = Ecrn({"audit", "verify"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_EQ(v.out,
            "audit log intact: 7 entries\n"
            "incidents intact: 0 cases, 0 timeline entries, 0 custody entries, 0 evidence files, 0 "
            "packages\n");
}

}  // namespace ecrn::testing
