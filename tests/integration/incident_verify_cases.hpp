// `ecrn audit verify` over incidents through the real binary, after
// tampering with the incident tables directly in the database: evidence
// bytes, custody and timeline entries, package zips. Written once and run on
// SQLite (audit_verify_test.cpp) and PostgreSQL (audit_verify_pgtest.cpp).
// Each tampering must be caught, naming the case, chain and entry or the file.
// Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ecrn/core/audit_chain.hpp"
#include "ecrn/core/secrets.hpp"
#include "ecrn/store/store.hpp"
#include "integration/audit_verify_cases.hpp"
#include "testing/testing.hpp"

namespace ecrn::testing {

// Fixture: one case (incident--…) of organisation CEC with one evidence file
// and one package for the police. Timeline: 1 create, 2 evidence added,
// 3 package created. Custody: 1 acquisition, 2 read, 3 export.
class IncidentVerify : public ::testing::TestWithParam<AuditBackend> {
 protected:
  static constexpr Micros kT0 = 1'700'000'000'000'000;
  static constexpr char kStixId[] = "incident--6b0d3c1a-5e2f-4b7a-9c8d-1e2f3a4b5c6d";
  static constexpr char kEvidenceUuid[] = "0d9c6a52-5c4b-4f0b-9d8e-1c2b3a4d5e6f";

  void SetUp() override {
    db_ = GetParam().fresh_db(dir_);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"org", "add", "--name", "CEC", "--kind", "election-commission", "--country", "MD"},
             {"org", "add", "--name", "Police", "--kind", "law-enforcement", "--country", "MD"}}) {
      auto r = Ecrn(args);
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    auto opened = store::OpenStore(db_);
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    store::IncidentStore& inc = (*opened)->Incidents();
    store::IncidentRow row;
    row.stix_id = kStixId;
    row.owner_org = 1;
    row.reporter_user = 0;
    row.title = "Results site defaced";
    row.status = "reported";
    row.severity = "high";
    row.category = "defacement";
    row.tlp = "amber";
    row.created = row.updated = kT0;
    row.json = "{}";
    row.participants = {{2, "police", kT0}};
    auto created = inc.CreateIncident(row, Entry("incident.create", ""));
    ASSERT_TRUE(created.ok()) << created.error().ToString();
    incident_id_ = created->id;

    store::EvidenceMeta meta;
    meta.incident_id = incident_id_;
    meta.uuid = kEvidenceUuid;
    meta.file_name = "report.txt";
    meta.media_type = "text/plain";
    meta.size = static_cast<int64_t>(Evidence().size());
    meta.sha256 = Sha256Hex(Evidence());
    meta.acquired = kT0 + 1;
    AuditRecord acquire = Entry("evidence.acquire", kEvidenceUuid);
    acquire.detail = R"({"evidence":")" + std::string(kEvidenceUuid) + R"(","sha256":")" +
                     meta.sha256 + R"(","size":)" + std::to_string(meta.size) +
                     R"(,"file_name":"report.txt"})";
    auto added = inc.AddEvidence(meta, Evidence(), acquire, Entry("evidence.add", kEvidenceUuid));
    ASSERT_TRUE(added.ok()) << added.error().ToString();
    ASSERT_TRUE(inc.AppendIncidentLog(incident_id_, store::IncidentLog::kCustody,
                                      Entry("evidence.read", kEvidenceUuid))
                    .ok());
    store::PackageRow package;
    package.incident_id = incident_id_;
    package.recipient_org = 2;
    package.created = kT0 + 2;
    package.manifest_json = "{}";
    auto packaged = inc.AddPackage(package, Zip(), std::vector{Entry("evidence.export", "")},
                                   Entry("package.create", ""));
    ASSERT_TRUE(packaged.ok()) << packaged.error().ToString();
    package_uuid_ = packaged->uuid;
  }

  static AuditRecord Entry(const std::string& action, const std::string& target) {
    AuditRecord r;
    r.time = kT0;
    r.actor_label = "cli:officer";
    r.action = action;
    r.target = target;
    r.outcome = "success";
    return r;
  }

  // Byte strings with NULs inside (the array's size, less its terminator).
  template <size_t N>
  static std::string Binary(const char (&bytes)[N]) {
    return std::string(bytes, N - 1);
  }
  static std::string Evidence() { return Binary("screenshot\0of the defaced page\n"); }
  static std::string Zip() { return Binary("PK\x03\x04 crime report package\0end"); }
  static std::string Forged() { return Binary("an innocent picture\0\0\0 of cats!!"); }

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

  // `data` as a SQL literal of the backend's byte type.
  std::string Bytes(const std::string& data) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned char c : data) {
      hex.push_back(kHex[c >> 4]);
      hex.push_back(kHex[c & 15]);
    }
    return GetParam().name == "sqlite" ? "X'" + hex + "'" : "decode('" + hex + "', 'hex')";
  }

  // Runs verify, expects exit 1 and each of `parts` in its output.
  std::string ExpectBroken(const std::vector<std::string>& parts) {
    auto v = Ecrn({"audit", "verify"});
    EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
    EXPECT_NE(v.out.find("audit log intact"), std::string::npos) << v.out;
    EXPECT_NE(v.out.find("incidents BROKEN"), std::string::npos) << v.out;
    for (const auto& part : parts) EXPECT_NE(v.out.find(part), std::string::npos) << v.out;
    return v.out;
  }

  // The stored custody entries, read through the store.
  std::vector<AuditEntry> Custody() {
    auto s = store::OpenStore(db_);
    EXPECT_TRUE(s.ok());
    if (!s.ok()) return {};
    auto all = (*s)->Incidents().ListIncidentLog(incident_id_, store::IncidentLog::kCustody,
                                                 std::nullopt, 100);
    EXPECT_TRUE(all.ok());
    return all.ok() ? *all : std::vector<AuditEntry>{};
  }

  std::string Where(const std::string& log, int seq) {
    return " WHERE incident_id = " + std::to_string(incident_id_) + " AND log = '" + log +
           "' AND seq = " + std::to_string(seq);
  }

  TempDir dir_;
  std::string db_;
  int64_t incident_id_ = 0;
  std::string package_uuid_;
};

TEST_P(IncidentVerify, IntactCaseVerifies) {
  auto v = Ecrn({"audit", "verify"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("incidents intact: 1 cases, 3 timeline entries, 3 custody entries, 1 "
                       "evidence files, 1 packages\n"),
            std::string::npos)
      << v.out;
}

TEST_P(IncidentVerify, OneByteOfAnEvidenceFileIsCaught) {
  std::string data = Evidence();
  data[3] ^= 0x20;
  Sql("UPDATE evidence_data SET data = " + Bytes(data));
  ExpectBroken({std::string("evidence ") + kEvidenceUuid + " (report.txt) of incident " + kStixId +
                    ": content SHA-256 " + Sha256Hex(data) +
                    " does not match the acquisition hash " + Sha256Hex(Evidence()) +
                    " (custody entry 1)",
                "1 problem\n"});
}

// The bytes and the metadata's hash changed together: the acquisition entry
// in the custody chain still holds the hash taken at acquisition.
TEST_P(IncidentVerify, EvidenceReplacedWithItsMetadataIsCaughtByTheAcquisitionEntry) {
  const std::string forged = Forged();
  Sql("UPDATE evidence_data SET data = " + Bytes(forged));
  Sql("UPDATE evidence SET sha256 = '" + Sha256Hex(forged) + "'");
  ExpectBroken({"content SHA-256 " + Sha256Hex(forged) + " does not match the acquisition hash " +
                    Sha256Hex(Evidence()),
                "stored SHA-256 " + Sha256Hex(forged) + " does not match the acquisition hash"});
}

// ... and a forger who also rewrites the acquisition entry and its hash
// breaks the custody chain at the next entry.
TEST_P(IncidentVerify, RewrittenAcquisitionEntryBreaksTheCustodyChain) {
  const std::string forged = Forged();
  Sql("UPDATE evidence_data SET data = " + Bytes(forged));
  Sql("UPDATE evidence SET sha256 = '" + Sha256Hex(forged) + "'");
  auto custody = Custody();
  ASSERT_EQ(custody.size(), 3u);
  AuditEntry acquisition = custody[0];
  const std::string old_sha = Sha256Hex(Evidence());
  acquisition.detail.replace(acquisition.detail.find(old_sha), old_sha.size(), Sha256Hex(forged));
  acquisition.hash = AuditEntryHash(acquisition);
  Sql("UPDATE incident_log SET detail = '" + acquisition.detail + "', hash = '" + acquisition.hash +
      "'" + Where("custody", 1));
  auto out = ExpectBroken(
      {std::string("incident ") + kStixId + " custody entry 2 does not follow entry 1"});
  EXPECT_EQ(out.find("content SHA-256"), std::string::npos) << "the bytes match the forgery";
}

TEST_P(IncidentVerify, OneByteOfACustodyEntryIsCaught) {
  Sql("UPDATE incident_log SET actor_label = 'cli:officeR'" + Where("custody", 2));
  ExpectBroken({std::string("incident ") + kStixId +
                " custody entry 2 was altered: its hash does not match its content"});
}

TEST_P(IncidentVerify, OneByteOfATimelineEntryIsCaught) {
  Sql("UPDATE incident_log SET outcome = 'successful'" + Where("timeline", 2));
  ExpectBroken({std::string("incident ") + kStixId +
                " timeline entry 2 was altered: its hash does not match its content"});
}

TEST_P(IncidentVerify, DeletedCustodyEntriesAreCaught) {
  Sql("DELETE FROM incident_log" + Where("custody", 2));
  ExpectBroken({std::string("incident ") + kStixId + " custody entry 2 is missing (deleted)"});
  Sql("DELETE FROM incident_log" + Where("custody", 3));
  ExpectBroken({std::string("incident ") + kStixId +
                " custody entry 2 is missing: the chain head records 3 entries"});
  Sql("DELETE FROM incident_log" + Where("custody", 1));
  ExpectBroken({"custody entry 1 is missing",
                std::string("evidence ") + kEvidenceUuid + " (report.txt) of incident " + kStixId +
                    ": no acquisition entry (evidence.acquire) in the custody log"});
}

TEST_P(IncidentVerify, OneByteOfAPackageZipIsCaught) {
  std::string zip = Zip();
  zip[10] ^= 1;
  Sql("UPDATE package_data SET zip = " + Bytes(zip));
  ExpectBroken({"package " + package_uuid_ + " of incident " + kStixId + ": zip SHA-256 " +
                Sha256Hex(zip) + " does not match its stored SHA-256 " + Sha256Hex(Zip())});
}

TEST_P(IncidentVerify, MissingEvidenceBytesAreCaught) {
  Sql("DELETE FROM evidence_data");
  ExpectBroken({std::string("evidence ") + kEvidenceUuid + " (report.txt) of incident " + kStixId +
                ": its content is missing from the database"});
}

}  // namespace ecrn::testing
