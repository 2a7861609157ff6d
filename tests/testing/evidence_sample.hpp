// A sample crime-report package input for tests (evidence module tests and
// the `ecrn evidence verify` integration test): a case with Georgian,
// Cyrillic and Armenian text, two evidence files, and custody and timeline
// chains hashed like the store hashes them. Header-only; not thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "ecrn/core/audit_chain.hpp"
#include "ecrn/core/secrets.hpp"
#include "ecrn/evidence/package.hpp"
#include "ecrn/evidence/zip_archive.hpp"

namespace ecrn::testing {

// A fixed Ed25519 seed (tests only).
inline constexpr const char* kSampleSeedHex =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

// Records chained as the store chains them: seq 1.., prev_hash, hash.
inline std::vector<AuditEntry> ChainOf(const std::vector<AuditRecord>& records) {
  std::vector<AuditEntry> out;
  std::string prev(kAuditGenesisHash);
  for (size_t i = 0; i < records.size(); ++i) {
    AuditEntry e;
    static_cast<AuditRecord&>(e) = records[i];
    e.seq = static_cast<int64_t>(i + 1);
    e.prev_hash = prev;
    e.hash = AuditEntryHash(e);
    prev = e.hash;
    out.push_back(std::move(e));
  }
  return out;
}

inline AuditRecord SampleRecord(Micros time, std::string actor, std::string action,
                                std::string target, std::string detail) {
  AuditRecord r;
  r.time = time;
  r.actor_user_id = 7;
  r.actor_org_id = 3;
  r.actor_label = std::move(actor);
  r.action = std::move(action);
  r.target = std::move(target);
  r.subject_org_id = 3;
  r.outcome = "success";
  r.detail = std::move(detail);
  return r;
}

// The input and the bytes its evidence items point into (kept here, so the
// object is not copyable or movable).
struct SamplePackage {
  SamplePackage() = default;
  SamplePackage(const SamplePackage&) = delete;
  SamplePackage& operator=(const SamplePackage&) = delete;
  evidence::PackageInput input;
  std::string log_bytes;
  std::string image_bytes;
};

inline constexpr Micros kSampleTime = 1767225600000000;  // 2026-01-01T00:00:00Z

inline std::unique_ptr<SamplePackage> MakeSamplePackage() {
  auto p = std::make_unique<SamplePackage>();
  for (int i = 0; i < 400; ++i) {
    p->log_bytes += "2026-01-01T00:00:" + std::to_string(i % 60) +
                    "Z GET /results 503 from 198.51.100." + std::to_string(i % 250) + "\n";
  }
  for (int i = 0; i < 3000; ++i) p->image_bytes.push_back(static_cast<char>((i * 131 + 7) % 256));
  const std::string log_sha = Sha256Hex(p->log_bytes);
  const std::string image_sha = Sha256Hex(p->image_bytes);

  evidence::PackageInput& in = p->input;
  in.hub = "ECRN Test Hub";
  in.package_uuid = "5b0f3c1e-8a4d-4f7e-9a51-0c2d7e6f1a23";
  in.created = kSampleTime + 3600000000;
  in.sender_org = "ცენტრალური საარჩევნო კომისია";  // Georgian: Central Election Commission
  in.recipient_org = "Кіберполіція України";       // Ukrainian (Cyrillic): Cyber Police
  evidence::IncidentSummary& s = in.incident;
  s.stix_id = "incident--0b6c5a3e-4d1f-4c8b-9e2a-7f3d1c5b8a90";
  s.title = "DDoS on the results site / საიტის შეტევა";
  s.description =
      "The results publication site was unreachable for 40 minutes. Сайт результатів був "
      "недоступний. Արդյունքների կայքը անհասանելի էր:";
  s.category = "availability-ddos";
  s.severity = "high";
  s.status = "investigating";
  s.tlp = "amber";
  s.detected = kSampleTime;
  s.started = kSampleTime - 600000000;
  s.election = "Parliamentary 2026";
  s.phase = "results";
  s.extras["affected systems"] = "results.example.org";
  s.extras["impact"] = "availability, public trust / հանրային վստահություն";

  evidence::EvidenceItem log;
  log.evidence_id = "1";
  log.file_name = "access.log";
  log.media_type = "text/plain";
  log.description = "Web server access log during the outage";
  log.acquired = kSampleTime + 60000000;
  log.acquired_by = "officer (Central Election Commission)";
  log.sha256 = log_sha;
  log.size = static_cast<int64_t>(p->log_bytes.size());
  log.data = p->log_bytes;
  evidence::EvidenceItem image = log;
  image.evidence_id = "2";
  image.file_name = "ეკრანი.png";
  image.media_type = "image/png";
  image.description = "Screenshot of the error page";
  image.sha256 = image_sha;
  image.size = static_cast<int64_t>(p->image_bytes.size());
  image.data = p->image_bytes;
  in.evidence = {log, image};

  in.custody = ChainOf({
      SampleRecord(log.acquired, "officer", "evidence.acquire", "evidence:1",
                   R"({"sha256":")" + log_sha + R"(","size":)" + std::to_string(log.size) + "}"),
      SampleRecord(
          log.acquired + 1, "officer", "evidence.acquire", "evidence:2",
          R"({"sha256":")" + image_sha + R"(","size":)" + std::to_string(image.size) + "}"),
      SampleRecord(log.acquired + 500, "analyst", "evidence.download", "evidence:1",
                   R"({"why":"triage"})"),
  });
  in.timeline = ChainOf({
      SampleRecord(kSampleTime, "officer", "incident.create", s.stix_id, "{}"),
      SampleRecord(kSampleTime + 10, "analyst", "incident.comment", s.stix_id,
                   R"({"text":"Провайдер підтвердив атаку"})"),
      SampleRecord(kSampleTime + 20, "officer", "evidence.add", "evidence:1", "{}"),
  });
  return p;
}

// A package's files in zip order: (name, bytes).
using PackageFiles = std::vector<std::pair<std::string, std::string>>;

inline PackageFiles Unzip(std::string_view zip) {
  auto reader = evidence::ZipReader::OpenBytes(zip).value();
  PackageFiles out;
  const std::vector<evidence::ZipEntry> entries = reader->Entries(100).value();
  for (const evidence::ZipEntry& e : entries) {
    out.emplace_back(e.name, reader->ReadAll(e, int64_t{1} << 30).value());
  }
  return out;
}

inline std::string Zip(const PackageFiles& files) {
  auto writer = evidence::ZipWriter::ToMemory().value();
  for (const auto& [name, bytes] : files) EXPECT_TRUE(writer->AddBytes(name, bytes).ok());
  return writer->CloseToBytes().value();
}

inline std::string& FileIn(PackageFiles& files, std::string_view name) {
  for (auto& [n, bytes] : files) {
    if (n == name) return bytes;
  }
  ADD_FAILURE() << name << " is not in the package";
  static std::string none;
  return none;
}

// The package with the file `name` changed by `change`, zipped again.
inline std::string Changed(std::string_view zip, std::string_view name,
                           const std::function<void(std::string&)>& change) {
  PackageFiles files = Unzip(zip);
  change(FileIn(files, name));
  return Zip(files);
}

}  // namespace ecrn::testing
