#include "ecrn/core/time.hpp"

#include <gtest/gtest.h>

#include "ecrn/core/secrets.hpp"
#include "ecrn/core/uuid.hpp"

namespace ecrn {
namespace {

TEST(Timestamp, ParsesAndFormatsRoundTrip) {
  auto t = ParseTimestamp("2016-04-06T20:03:48.123Z");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->fraction_digits, 3);
  EXPECT_EQ(FormatTimestamp(t->micros, 3), "2016-04-06T20:03:48.123Z");
  EXPECT_EQ(FormatTimestamp(t->micros, 6), "2016-04-06T20:03:48.123000Z");
  EXPECT_EQ(FormatTimestamp(0, 0), "1970-01-01T00:00:00Z");
}

TEST(Timestamp, OrdersByInstantNotText) {
  auto a = ParseTimestamp("2016-01-01T00:00:00Z");
  auto b = ParseTimestamp("2016-01-01T00:00:00.000001Z");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(b->micros - a->micros, 1);
  EXPECT_EQ(ParseTimestamp("2016-01-01T00:00:00.000Z")->micros, a->micros);
}

TEST(Timestamp, RejectsMalformed) {
  for (const char* bad : {"2016-01-01", "2016-01-01T00:00:00", "2016-13-01T00:00:00Z",
                          "2016-02-30T00:00:00Z", "2016-01-01T24:00:00Z", "2016-01-01T00:00:00.Z",
                          "2016-01-01T00:00:00+01:00", "2016-01-01 00:00:00Z", ""}) {
    EXPECT_FALSE(ParseTimestamp(bad).ok()) << bad;
  }
  EXPECT_TRUE(ParseTimestamp("2016-02-29T00:00:00Z").ok());
  EXPECT_FALSE(ParseTimestamp("2015-02-29T00:00:00Z").ok());
}

TEST(Uuid, V5MatchesKnownStixScoId) {
  // From the STIX 2.1 specification: ipv4-addr value "198.51.100.3".
  auto id = UuidV5(kStixNamespace, R"({"value":"198.51.100.3"})");
  EXPECT_EQ(UuidVersion(id), 5);
  EXPECT_TRUE(IsUuid(id));
  EXPECT_NE(UuidV4(), UuidV4());
  EXPECT_EQ(UuidVersion(UuidV4()), 4);
}

TEST(Secrets, PasswordsAndKeys) {
  auto h = HashPassword("correct horse");
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(VerifyPassword("correct horse", *h));
  EXPECT_FALSE(VerifyPassword("wrong horse", *h));
  EXPECT_FALSE(HashPassword("").ok());
  auto k = GenerateApiKey();
  EXPECT_EQ(ApiKeyPrefix(k.key), k.prefix);
  EXPECT_EQ(HashApiKey(k.key), k.hash);
  EXPECT_TRUE(ConstantTimeEquals(k.hash, HashApiKey(k.key)));
  EXPECT_FALSE(ConstantTimeEquals(k.hash, HashApiKey(k.key + "x")));
  EXPECT_EQ(ApiKeyPrefix("not-a-key"), "");
}

}  // namespace
}  // namespace ecrn
