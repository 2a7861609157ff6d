// `ecrn evidence verify PACKAGE [--key HEX] [--json]` end to end on the real
// binary: exit 0 for a package as built, 1 naming the first problem of a
// tampered one or a package signed with another key, 2 for a file that
// cannot be read or a malformed key.
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecrn/evidence/package.hpp"
#include "testing/evidence_sample.hpp"
#include "testing/testing.hpp"

namespace ecrn::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

RunResult Verify(std::vector<std::string> args) {
  std::vector<std::string> argv = {EcrnBin(), "evidence", "verify"};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv);
}

class EvidenceVerifyCli : public ::testing::Test {
 protected:
  void SetUp() override {
    sample_ = MakeSamplePackage();
    key_hex_ = evidence::SigningKey::FromSeedHex(kSampleSeedHex)->PublicKeyHex();
    auto built = evidence::BuildPackageFile(
        sample_->input, evidence::SigningKey::FromSeedHex(kSampleSeedHex).value(), Package());
    ASSERT_TRUE(built.ok()) << built.error().ToString();
    content_digest_ = built->content_digest;
  }
  std::string Package() const { return dir_.File("package.zip"); }

  TempDir dir_;
  std::unique_ptr<SamplePackage> sample_;
  std::string key_hex_;
  std::string content_digest_;
};

TEST_F(EvidenceVerifyCli, ValidPackage) {
  auto r = Verify({Package()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, StartsWith("package valid: " + Package() + "\n"));
  EXPECT_THAT(r.out, HasSubstr("content digest  " + content_digest_));
  EXPECT_THAT(r.out,
              HasSubstr("custody log     3 entries, head " + sample_->input.custody.back().hash));
  EXPECT_THAT(r.out, HasSubstr("signed by       Ed25519 key " + key_hex_));
  EXPECT_THAT(r.out, HasSubstr("NOT pinned"));

  r = Verify({Package(), "--key", key_hex_});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("key             pinned"));

  r = Verify({Package(), "--json", "--key", key_hex_});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto json = boost::json::parse(r.out).as_object();
  EXPECT_EQ(json.at("valid"), true);
  EXPECT_EQ(json.at("key_pinned"), true);
  EXPECT_EQ(json.at("files").as_array().size(), 5u);
  EXPECT_EQ(json.at("content_digest"), content_digest_.c_str());
}

TEST_F(EvidenceVerifyCli, TamperedPackageNamesTheFile) {
  const std::string tampered =
      Changed(ReadFile(Package()), "evidence/2-ეკრანი.png", [](std::string& b) { b[100] ^= 1; });
  WriteFile(dir_.File("tampered.zip"), tampered);
  auto r = Verify({dir_.File("tampered.zip")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, StartsWith("package NOT valid: evidence/2-ეკრანი.png: SHA-256 is "));
  EXPECT_THAT(r.out, HasSubstr("but the manifest says " + sample_->input.evidence[1].sha256));

  r = Verify({dir_.File("tampered.zip"), "--json"});
  EXPECT_EQ(r.exit_code, 1);
  const auto json = boost::json::parse(r.out).as_object();
  EXPECT_EQ(json.at("valid"), false);
  EXPECT_EQ(json.at("problem_file"), "evidence/2-ეკრანი.png");
}

TEST_F(EvidenceVerifyCli, OtherKeyAndUnreadableInput) {
  auto r = Verify({Package(), "--key", std::string(64, '1')});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("signature.json: the package is signed with key " + key_hex_ +
                               ", not the pinned key " + std::string(64, '1')));

  WriteFile(dir_.File("notes.txt"), "not a zip");
  r = Verify({dir_.File("notes.txt")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, StartsWith("package NOT valid: package: not a readable zip archive"));

  r = Verify({dir_.File("missing.zip")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, StartsWith("ecrn: cannot read "));

  r = Verify({Package(), "--key", "xyz"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("64 hex digits"));

  r = Verify({});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace ecrn::testing
