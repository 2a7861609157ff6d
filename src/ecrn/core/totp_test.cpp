// TOTP and Base32: the RFC 6238 Appendix B (SHA-1) and RFC 4226 Appendix D
// test vectors, the RFC 4648 Base32 vectors, the provisioning URI, and the
// acceptance window and replay rule of VerifyTotp.
#include "ecrn/core/totp.hpp"

#include <string>

#include <gtest/gtest.h>

namespace ecrn {
namespace {

const std::string kRfcSecret = "12345678901234567890";  // RFC 4226 / 6238 SHA-1 key

Micros Seconds(int64_t s) { return s * 1'000'000; }

TEST(Totp, Rfc6238AppendixBSha1) {
  struct Vector {
    int64_t time;
    const char* code;
  };
  const Vector vectors[] = {{59, "94287082"},         {1111111109, "07081804"},
                            {1111111111, "14050471"}, {1234567890, "89005924"},
                            {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& v : vectors) {
    EXPECT_EQ(TotpCode(kRfcSecret, TotpStep(Seconds(v.time)), 8), v.code) << v.time;
  }
}

TEST(Totp, Rfc4226AppendixDHotp) {
  const char* codes[] = {"755224", "287082", "359152", "969429", "338314",
                         "254676", "287922", "162583", "399871", "520489"};
  for (int counter = 0; counter < 10; ++counter) {
    EXPECT_EQ(TotpCode(kRfcSecret, counter), codes[counter]) << counter;
  }
}

TEST(Totp, StepIsTheFloorOfThirtySecondPeriods) {
  EXPECT_EQ(TotpStep(0), 0);
  EXPECT_EQ(TotpStep(Seconds(29) + 999'999), 0);
  EXPECT_EQ(TotpStep(Seconds(30)), 1);
  EXPECT_EQ(TotpStep(Seconds(59)), 1);
  EXPECT_EQ(TotpStep(-1), -1);
}

TEST(Base32, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                         {"f", "MY"},
                                                         {"fo", "MZXQ"},
                                                         {"foo", "MZXW6"},
                                                         {"foob", "MZXW6YQ"},
                                                         {"fooba", "MZXW6YTB"},
                                                         {"foobar", "MZXW6YTBOI"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base32Encode(plain), encoded);
    auto decoded = Base32Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded << ": " << decoded.error().ToString();
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base32, DecodeIgnoresCaseAndSpaces) {
  auto d = Base32Decode("mzxw 6ytb oi");
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  EXPECT_EQ(*d, "foobar");
}

TEST(Base32, DecodeRejectsPaddingBadCharactersAndLengths) {
  for (const char* bad : {"MY======", "MZXW6===", "MZ1W", "MZ-W", "M", "MZX", "MZXW6Y",
                          "MZ" /* fine */ "Z" /* 3 symbols */}) {
    auto d = Base32Decode(bad);
    EXPECT_FALSE(d.ok()) << bad;
    if (!d.ok()) {
      EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument);
    }
  }
  // "MZ" encodes "f"; "MB" has the same first byte but stray trailing bits.
  EXPECT_FALSE(Base32Decode("MB").ok());
}

TEST(Base32, RandomSecretsRoundTrip) {
  for (int i = 0; i < 20; ++i) {
    const std::string secret = GenerateTotpSecret();
    ASSERT_EQ(secret.size(), kTotpSecretBytes);
    const std::string encoded = Base32Encode(secret);
    EXPECT_EQ(encoded.size(), 32u);
    auto decoded = Base32Decode(encoded);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, secret);
  }
  EXPECT_NE(GenerateTotpSecret(), GenerateTotpSecret());
}

TEST(Totp, ProvisioningUri) {
  EXPECT_EQ(TotpUri("ana", "foobar"),
            "otpauth://totp/ECRN:ana?secret=MZXW6YTBOI&issuer=ECRN&algorithm=SHA1&digits=6"
            "&period=30");
  EXPECT_EQ(TotpUri("ana maria@cec:md/x", "f"),
            "otpauth://totp/ECRN:ana%20maria%40cec%3Amd%2Fx?secret=MY&issuer=ECRN"
            "&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(TotpUri("Ion\xc8\x9b", "f").substr(0, 29), "otpauth://totp/ECRN:Ion%C8%9B");
}

class VerifyTotpTest : public ::testing::Test {
 protected:
  const Micros now_ = Seconds(1'700'000'015);  // inside a step, not at its edge
  const int64_t step_ = TotpStep(now_);
  std::string Code(int64_t step) const { return TotpCode(kRfcSecret, step); }
};

TEST_F(VerifyTotpTest, AcceptsThePreviousCurrentAndNextStep) {
  for (int64_t delta : {-1, 0, 1}) {
    auto r = VerifyTotp(kRfcSecret, Code(step_ + delta), now_, std::nullopt);
    ASSERT_TRUE(r.ok()) << delta << ": " << r.error().ToString();
    EXPECT_EQ(*r, step_ + delta);
  }
}

TEST_F(VerifyTotpTest, RejectsStepsOutsideTheWindow) {
  for (int64_t delta : {-3, -2, 2, 3}) {
    const std::string code = Code(step_ + delta);
    // A code outside the window could by chance equal one inside it.
    bool collides = false;
    for (int64_t d : {-1, 0, 1}) collides |= Code(step_ + d) == code;
    if (collides) continue;
    auto r = VerifyTotp(kRfcSecret, code, now_, std::nullopt);
    ASSERT_FALSE(r.ok()) << delta;
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  }
}

TEST_F(VerifyTotpTest, ACodeCannotBeReplayed) {
  auto first = VerifyTotp(kRfcSecret, Code(step_), now_, std::nullopt);
  ASSERT_TRUE(first.ok());
  auto again = VerifyTotp(kRfcSecret, Code(step_), now_, *first);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kUnauthenticated);
  // Nor may an older step be used after a newer one.
  EXPECT_FALSE(VerifyTotp(kRfcSecret, Code(step_ - 1), now_, step_).ok());
  // The next step's code is still good.
  auto next = VerifyTotp(kRfcSecret, Code(step_ + 1), now_, *first);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, step_ + 1);
}

TEST_F(VerifyTotpTest, WrongSecretIsRejected) {
  EXPECT_FALSE(VerifyTotp("another secret 12345", Code(step_), now_, std::nullopt).ok());
}

TEST_F(VerifyTotpTest, MalformedCodesAreInvalid) {
  const std::string good = Code(step_);
  for (const std::string& bad :
       {std::string(""), good.substr(0, 5), good + "0", std::string("12a456"),
        std::string(" ") + good.substr(1), std::string("-12345"), std::string("１２３４５６")}) {
    auto r = VerifyTotp(kRfcSecret, bad, now_, std::nullopt);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
  }
  auto no_secret = VerifyTotp("", good, now_, std::nullopt);
  ASSERT_FALSE(no_secret.ok());
  EXPECT_EQ(no_secret.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(VerifyTotpTest, EightDigitCodes) {
  auto r = VerifyTotp(kRfcSecret, TotpCode(kRfcSecret, step_, 8), now_, std::nullopt, 8);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(*r, step_);
  EXPECT_FALSE(VerifyTotp(kRfcSecret, Code(step_), now_, std::nullopt, 8).ok());
}

}  // namespace
}  // namespace ecrn
