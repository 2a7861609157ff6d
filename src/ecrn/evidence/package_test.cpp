// Crime-report packages: build and verify round trips, the tamper tests of
// issue 5 (one byte changed in an evidence file, a custody entry, the
// timeline, the manifest, the signature, the PDF, and inside the raw zip),
// re-signed forgeries, reading limits, and what building refuses.
#include "ecrn/evidence/package.hpp"

#include <functional>
#include <utility>

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecrn/core/secrets.hpp"
#include "ecrn/evidence/chain_json.hpp"
#include "ecrn/evidence/manifest.hpp"
#include "ecrn/evidence/zip_archive.hpp"
#include "testing/evidence_sample.hpp"
#include "testing/testing.hpp"

namespace ecrn::evidence {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Files = testing::PackageFiles;
using testing::Changed;
using testing::FileIn;
using testing::Unzip;
using testing::Zip;

SigningKey SampleKey() { return SigningKey::FromSeedHex(testing::kSampleSeedHex).value(); }

std::string Build(const PackageInput& in, const SigningKey& key = SampleKey()) {
  std::string zip;
  auto built = BuildPackageBytes(in, key, &zip);
  EXPECT_TRUE(built.ok()) << built.error().ToString();
  return zip;
}

// Changes the one byte at the first occurrence of `needle` + offset.
std::function<void(std::string&)> FlipIn(std::string needle, size_t offset = 0) {
  return [needle, offset](std::string& s) {
    const size_t at = s.find(needle);
    ASSERT_NE(at, std::string::npos) << needle;
    char& c = s[at + offset];
    c = c == 'a' ? 'b' : (c == '0' ? '1' : (c == 'w' ? 'v' : 'a'));
  };
}

VerifyReport Verify(std::string_view zip, std::optional<std::string_view> key = {},
                    const ReadLimits& limits = {}) {
  auto r = VerifyPackageBytes(zip, key, limits);
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return r.ok() ? *r : VerifyReport{};
}

TEST(Package, BuildsAndVerifies) {
  auto sample = testing::MakeSamplePackage();
  std::string zip;
  auto built = BuildPackageBytes(sample->input, SampleKey(), &zip);
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  EXPECT_EQ(built->sha256, Sha256Hex(zip));
  EXPECT_EQ(built->size, static_cast<int64_t>(zip.size()));
  EXPECT_GE(built->report_pages, 1);

  const VerifyReport r = Verify(zip);
  EXPECT_TRUE(r.valid) << r.problem;
  EXPECT_FALSE(r.key_pinned);
  EXPECT_EQ(r.public_key_hex, SampleKey().PublicKeyHex());
  EXPECT_EQ(r.manifest_sha256, built->manifest_sha256);
  EXPECT_EQ(r.content_digest, built->content_digest);
  EXPECT_EQ(r.package_uuid, sample->input.package_uuid);
  EXPECT_EQ(r.sender_org, sample->input.sender_org);
  EXPECT_EQ(r.incident_id, sample->input.incident.stix_id);
  EXPECT_EQ(r.custody_entries, 3);
  EXPECT_EQ(r.custody_head, sample->input.custody.back().hash);
  EXPECT_EQ(r.timeline_entries, 3);
  ASSERT_EQ(r.files.size(), 5u);
  EXPECT_EQ(r.files[0].path, "report.pdf");
  EXPECT_EQ(r.files[3].path, "evidence/1-access.log");
  EXPECT_EQ(r.files[3].sha256, sample->input.evidence[0].sha256);
  EXPECT_EQ(r.files[4].path, "evidence/2-ეკრანი.png");

  // The zip holds exactly the listed files plus manifest and signature.
  Files files = Unzip(zip);
  ASSERT_EQ(files.size(), 7u);
  EXPECT_EQ(files[0].first, "manifest.json");
  EXPECT_EQ(files[0].second, built->manifest_json);
  EXPECT_EQ(FileIn(files, "evidence/1-access.log"), sample->log_bytes);
  EXPECT_THAT(FileIn(files, "report.pdf"), StartsWith("%PDF-"));
}

TEST(Package, PinnedKey) {
  auto sample = testing::MakeSamplePackage();
  const std::string zip = Build(sample->input);
  const std::string hub_key = SampleKey().PublicKeyHex();
  const VerifyReport pinned = Verify(zip, hub_key);
  EXPECT_TRUE(pinned.valid) << pinned.problem;
  EXPECT_TRUE(pinned.key_pinned);

  // A package signed with another key is consistent on its own but not the hub's.
  const SigningKey other = SigningKey::FromSeedHex(GenerateSeedHex()).value();
  const std::string forged = Build(sample->input, other);
  EXPECT_TRUE(Verify(forged).valid);
  const VerifyReport r = Verify(forged, hub_key);
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.problem_file, "signature.json");
  EXPECT_EQ(r.problem, "signature.json: the package is signed with key " + other.PublicKeyHex() +
                           ", not the pinned key " + hub_key);

  auto bad = VerifyPackageBytes(zip, std::string_view("abc"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST(Package, BuildsToFileStreamingEvidenceFromFiles) {
  auto sample = testing::MakeSamplePackage();
  testing::TempDir dir;
  // 3 MiB of evidence read from a file rather than memory.
  std::string big;
  for (int i = 0; big.size() < (size_t{3} << 20); ++i) big += "line " + std::to_string(i) + "\n";
  testing::WriteFile(dir.File("big.txt"), big);
  EvidenceItem item = sample->input.evidence[0];
  item.evidence_id = "3";
  item.file_name = "big.txt";
  item.data = {};
  item.path = dir.File("big.txt");
  item.sha256 = Sha256Hex(big);
  item.size = static_cast<int64_t>(big.size());
  sample->input.evidence.push_back(item);
  auto custody = sample->input.custody;
  std::vector<AuditRecord> records(custody.begin(), custody.end());
  records.push_back(testing::SampleRecord(testing::kSampleTime, "officer", "evidence.acquire",
                                          "evidence:3", R"({"sha256":")" + item.sha256 + "\"}"));
  sample->input.custody = testing::ChainOf(records);

  const std::string out = dir.File("package.zip");
  auto built = BuildPackageFile(sample->input, SampleKey(), out);
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  EXPECT_EQ(built->sha256, Sha256Hex(testing::ReadFile(out)));
  auto r = VerifyPackageFile(out, SampleKey().PublicKeyHex());
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_TRUE(r->valid) << r->problem;
  ASSERT_EQ(r->files.size(), 6u);
  EXPECT_EQ(r->files[5].size, item.size);

  // The file changed after acquisition: building refuses, naming it.
  testing::WriteFile(dir.File("big.txt"), big + "x");
  auto refused = BuildPackageFile(sample->input, SampleKey(), dir.File("p2.zip"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(refused.error().message, HasSubstr("evidence 3 (big.txt): has more than the"));

  auto missing = VerifyPackageFile(dir.File("nope.zip"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

// --- tamper tests: one byte changed, the verifier names what changed --------

class Tamper : public ::testing::Test {
 protected:
  void SetUp() override {
    sample_ = testing::MakeSamplePackage();
    zip_ = Build(sample_->input);
    ASSERT_TRUE(Verify(zip_).valid);
  }
  std::unique_ptr<testing::SamplePackage> sample_;
  std::string zip_;
};

TEST_F(Tamper, EvidenceFile) {
  const VerifyReport r = Verify(Changed(zip_, "evidence/1-access.log", FlipIn("GET", 1)));
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.problem_file, "evidence/1-access.log");
  EXPECT_THAT(r.problem, StartsWith("evidence/1-access.log: SHA-256 is "));
  EXPECT_THAT(r.problem, HasSubstr(" but the manifest says " + sample_->input.evidence[0].sha256));
}

TEST_F(Tamper, CustodyEntry) {
  const VerifyReport r = Verify(Changed(zip_, "custody.json", FlipIn("evidence.download", 13)));
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.problem_file, "custody.json");
  EXPECT_THAT(r.problem, StartsWith("custody.json entry 3: hash does not match its contents"));
}

TEST_F(Tamper, Timeline) {
  const VerifyReport r = Verify(Changed(zip_, "timeline.json", FlipIn("incident.comment", 9)));
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.problem_file, "timeline.json");
  EXPECT_THAT(r.problem, StartsWith("timeline.json entry 2: hash does not match its contents"));
}

TEST_F(Tamper, Manifest) {
  const VerifyReport r = Verify(Changed(zip_, "manifest.json", FlipIn("Test Hub", 5)));
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.problem_file, "manifest.json");
  EXPECT_THAT(r.problem,
              StartsWith("manifest.json: signature does not verify with the package key"));
}

TEST_F(Tamper, Signature) {
  const VerifyReport r = Verify(Changed(zip_, "signature.json", FlipIn("\"signature\":\"", 20)));
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.problem_file, "signature.json");
  EXPECT_THAT(r.problem,
              StartsWith("signature.json: the signature does not verify over manifest.json"));
}

TEST_F(Tamper, Report) {
  const VerifyReport r = Verify(Changed(zip_, "report.pdf", [](std::string& pdf) {
    pdf[pdf.size() / 2] = static_cast<char>(pdf[pdf.size() / 2] ^ 0x01);
  }));
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.problem_file, "report.pdf");
  EXPECT_THAT(r.problem, StartsWith("report.pdf: SHA-256 is "));
}

TEST_F(Tamper, RawCompressedEntry) {
  // One byte inside the deflated data of an evidence file, in the zip itself.
  const std::string name = "evidence/1-access.log";
  const size_t at = zip_.find(name);  // its local file header comes first
  ASSERT_NE(at, std::string::npos);
  const auto u16 = [&](size_t p) {
    return static_cast<size_t>(static_cast<unsigned char>(zip_[p])) |
           static_cast<size_t>(static_cast<unsigned char>(zip_[p + 1])) << 8;
  };
  const size_t header = at - 30;
  ASSERT_EQ(zip_.substr(header, 4), std::string("PK\x03\x04", 4));
  const size_t compressed = u16(header + 18) | u16(header + 20) << 16;
  ASSERT_GT(compressed, 16u);
  const size_t data = at + name.size() + u16(header + 28);
  std::string raw = zip_;
  raw[data + compressed / 2] = static_cast<char>(raw[data + compressed / 2] ^ 0x10);
  const VerifyReport r = Verify(raw);
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.problem_file, name);
  EXPECT_THAT(r.problem, StartsWith(name + ": cannot be read from the zip ("));
}

TEST_F(Tamper, UnlistedMissingAndUnsafeFiles) {
  Files files = Unzip(zip_);
  files.emplace_back("extra.txt", "hello");
  VerifyReport r = Verify(Zip(files));
  EXPECT_EQ(r.problem, "extra.txt: in the package but not listed in manifest.json");

  files = Unzip(zip_);
  files.pop_back();
  r = Verify(Zip(files));
  EXPECT_EQ(r.problem,
            "evidence/2-ეკრანი.png: listed in manifest.json but missing from the package");

  files = Unzip(zip_);
  files.emplace_back("../../etc/passwd", "root");
  r = Verify(Zip(files));
  EXPECT_FALSE(r.valid);
  EXPECT_THAT(r.problem, StartsWith("../../etc/passwd: unsafe file name in the package"));

  // Two entries named custody.json (libzip will not write that: patch the name).
  files = Unzip(zip_);
  files.emplace_back("custody.jsoX", FileIn(files, "custody.json"));
  std::string twice = Zip(files);
  for (size_t at; (at = twice.find("custody.jsoX")) != std::string::npos;) twice[at + 11] = 'n';
  r = Verify(twice);
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.problem, "package: not a readable zip archive: two entries have the same name");
}

TEST_F(Tamper, NotAZip) {
  const VerifyReport r = Verify("this is not a zip file at all");
  EXPECT_FALSE(r.valid);
  EXPECT_THAT(r.problem, StartsWith("package: not a readable zip archive"));
  EXPECT_FALSE(Verify(zip_.substr(0, zip_.size() / 2)).valid);
}

// --- forgeries re-signed with the hub's key or another ------------------------

// The package after `change`, with the manifest made to agree with the changed
// files (sizes, hashes, acquisition hashes, chain heads, content digest) and
// signed again with `key`: what an insider holding the key could produce.
std::string Resigned(std::string_view zip, const SigningKey& key,
                     const std::function<void(Files&)>& change) {
  namespace json = boost::json;
  Files files = Unzip(zip);
  change(files);
  json::object manifest = json::parse(FileIn(files, "manifest.json")).as_object();
  std::vector<DigestLine> lines;
  for (json::value& v : manifest["files"].as_array()) {
    json::object& f = v.as_object();
    const std::string& bytes = FileIn(files, std::string(f["path"].as_string()));
    f["sha256"] = Sha256Hex(bytes);
    f["size"] = static_cast<int64_t>(bytes.size());
    if (f.contains("acquisition_sha256")) f["acquisition_sha256"] = f["sha256"];
    if (f["role"] != "report") {
      lines.push_back({std::string(f["path"].as_string()), std::string(f["sha256"].as_string()),
                       f["size"].as_int64()});
    }
  }
  manifest["content_digest"] = ContentDigest(lines);
  for (const char* log : {"custody", "timeline"}) {
    auto chain = ParseChainDocument(FileIn(files, std::string(log) + ".json")).value();
    manifest[log] = json::object{{"entries", static_cast<int64_t>(chain.entries.size())},
                                 {"head", chain.entries.back().hash}};
  }
  manifest["signing_key"].as_object()["public_key"] = key.PublicKeyHex();
  const std::string text = json::serialize(manifest);
  FileIn(files, "manifest.json") = text;
  FileIn(files, "signature.json") = json::serialize(json::object{
      {"algorithm", "Ed25519"},
      {"public_key", key.PublicKeyHex()},
      {"signed_file", "manifest.json"},
      {"manifest_sha256", Sha256Hex(text)},
      {"signature", HexEncode(key.Sign(text))},
  });
  return Zip(files);
}

TEST_F(Tamper, EvidenceSwappedAndResignedDisagreesWithCustody) {
  const std::string forged = Resigned(zip_, SampleKey(), [](Files& files) {
    FileIn(files, "evidence/1-access.log") += "one more line\n";
  });
  const VerifyReport r = Verify(forged, SampleKey().PublicKeyHex());
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.problem_file, "custody.json");
  EXPECT_THAT(r.problem,
              StartsWith("custody.json entry 1: evidence 1 was acquired with SHA-256 " +
                         sample_->input.evidence[0].sha256 + " but evidence/1-access.log has "));
}

TEST_F(Tamper, ChainRewrittenConsistentlyNeedsThePinnedKey) {
  // Drop custody entry 3 and re-hash nothing: a gap is named.
  VerifyReport r = Verify(Resigned(zip_, SampleKey(), [&](Files& files) {
    auto chain = ParseChainDocument(FileIn(files, "custody.json")).value();
    chain.entries.erase(chain.entries.begin() + 1);
    FileIn(files, "custody.json") = ChainDocument(chain.incident_id, "custody", chain.entries);
  }));
  EXPECT_EQ(r.problem, "custody.json entry 2: missing or out of order (found seq 3 in its place)");

  // A whole new chain signed with another key: consistent, but not the hub's.
  const SigningKey other = SigningKey::FromSeedHex(GenerateSeedHex()).value();
  const std::string forged = Resigned(zip_, other, [&](Files& files) {
    auto records = std::vector<AuditRecord>(sample_->input.custody.begin(),
                                            sample_->input.custody.begin() + 2);
    FileIn(files, "custody.json") =
        ChainDocument(sample_->input.incident.stix_id, "custody", testing::ChainOf(records));
  });
  EXPECT_TRUE(Verify(forged).valid);
  r = Verify(forged, SampleKey().PublicKeyHex());
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.problem_file, "signature.json");
}

// --- limits -----------------------------------------------------------------------

TEST(PackageLimits, EntriesAndUncompressedSize) {
  auto sample = testing::MakeSamplePackage();
  const std::string zip = Build(sample->input);
  ReadLimits few;
  few.max_entries = 3;
  EXPECT_EQ(Verify(zip, {}, few).problem,
            "package: the zip has 7 entries, more than the limit of 3");

  // A zip bomb: 32 MiB of zeros deflate to a few dozen KiB.
  Files files = Unzip(zip);
  files.emplace_back("evidence/9-zeros.bin", std::string(size_t{32} << 20, '\0'));
  const std::string bomb = Zip(files);
  EXPECT_LT(bomb.size(), size_t{1} << 20);
  ReadLimits small;
  small.max_total_bytes = int64_t{8} << 20;
  EXPECT_EQ(Verify(bomb, {}, small).problem,
            "package: the files hold more than the limit of 8388608 bytes uncompressed");

  ReadLimits json_cap;
  json_cap.max_json_bytes = 100;
  const VerifyReport r = Verify(zip, {}, json_cap);
  EXPECT_EQ(r.problem_file, "manifest.json");
  EXPECT_THAT(r.problem, HasSubstr("holds more than the limit of 100 bytes"));
}

// --- what building refuses ---------------------------------------------------------

TEST(PackageBuild, RefusesInconsistentInput) {
  const auto refused = [](const PackageInput& in) {
    std::string zip;
    auto r = BuildPackageBytes(in, SampleKey(), &zip);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.error().message;
  };
  {
    auto s = testing::MakeSamplePackage();
    s->log_bytes[0] = 'X';  // the bytes no longer match the acquisition hash
    EXPECT_THAT(refused(s->input), HasSubstr("evidence 1 (access.log): SHA-256 is "));
  }
  {
    auto s = testing::MakeSamplePackage();
    s->input.custody[1].detail = "{}";
    EXPECT_EQ(refused(s->input), "custody log entry 2: hash does not match its contents");
  }
  {
    auto s = testing::MakeSamplePackage();
    s->input.custody.erase(s->input.custody.begin(), s->input.custody.begin() + 2);
    EXPECT_THAT(refused(s->input), StartsWith("custody log entry 1: missing or out of order"));
  }
  {
    auto s = testing::MakeSamplePackage();
    s->input.custody = testing::ChainOf({});
    EXPECT_EQ(refused(s->input), "evidence 1 has no acquisition entry in the custody log");
  }
  {
    auto s = testing::MakeSamplePackage();
    s->input.evidence[1].evidence_id = "1";
    EXPECT_EQ(refused(s->input), "evidence 1 is listed twice");
  }
  {
    auto s = testing::MakeSamplePackage();
    s->input.incident.title = "bad \xff byte";
    EXPECT_EQ(refused(s->input), "package input incident.title is not valid UTF-8 (or holds NUL)");
  }
}

TEST(PackageNames, EvidencePathsAreSafe) {
  EXPECT_EQ(EvidencePath("3", "log.txt"), "evidence/3-log.txt");
  EXPECT_EQ(EvidencePath("3", "../../etc/passwd"), "evidence/3-_.._etc_passwd");
  EXPECT_EQ(EvidencePath("../x", "C:\\a\\b"), "evidence/.._x-C__a_b");
  EXPECT_EQ(EvidencePath("4", ""), "evidence/4-file");
  EXPECT_EQ(EvidencePath("5", "a\nb\xff"), "evidence/5-a_b\uFFFD");
  EXPECT_EQ(EvidencePath("6", std::string(300, 'x')).size(),
            std::string("evidence/6-").size() + 120);
  for (const char* nasty :
       {"..", "/abs", "a/../../b", "\\\\server\\share", "", ".", "con:", "\xc0\xaf", "a\0b"}) {
    EXPECT_TRUE(SafeZipName(EvidencePath("1", nasty))) << nasty;
  }
  EXPECT_TRUE(SafeZipName("evidence/1-ეკრანი.png"));
  for (std::string_view bad :
       {"/etc/passwd", "../x", "a/./b", "a//b", "a/", "a\\b", "c:x", "a\x01", "\xff", ""}) {
    EXPECT_FALSE(SafeZipName(bad)) << bad;
  }
}

TEST(PackageSigning, KeysAndSignatures) {
  const SigningKey key = SampleKey();
  // RFC 8032 test 1: this seed's public key.
  EXPECT_EQ(key.PublicKeyHex(), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const std::string sig = key.Sign("");
  EXPECT_EQ(HexEncode(sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39"
            "701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  const std::string pub = HexDecode(key.PublicKeyHex()).value();
  EXPECT_TRUE(VerifySignature(pub, "", sig));
  EXPECT_FALSE(VerifySignature(pub, "x", sig));
  EXPECT_FALSE(VerifySignature(pub.substr(1), "", sig));
  EXPECT_FALSE(SigningKey::FromSeedHex("00").ok());
  EXPECT_FALSE(SigningKey::FromSeedHex(std::string(64, 'g')).ok());
  EXPECT_EQ(GenerateSeedHex().size(), 64u);
  EXPECT_NE(GenerateSeedHex(), GenerateSeedHex());
  EXPECT_FALSE(HexDecode("abc").has_value());
}

}  // namespace
}  // namespace ecrn::evidence
