#include "ecrn/scan/normalise.hpp"

#include <gtest/gtest.h>

namespace ecrn::scan {
namespace {

std::optional<std::string> Key(Kind kind, std::string_view value) {
  KeyBuffer buffer;
  if (!ObservedKey(kind, value, buffer)) return std::nullopt;
  return std::string(buffer.view());
}

std::string Text(Kind kind, std::string_view value) {
  auto key = Key(kind, value);
  return key ? KeyText(kind, *key) : "<invalid>";
}

TEST(ScanNormalise, DomainsIgnoreCaseAndOneTrailingDot) {
  EXPECT_EQ(Text(Kind::kDomain, "Example.ORG."), "example.org");
  EXPECT_EQ(Key(Kind::kDomain, "example.org"), Key(Kind::kDomain, "EXAMPLE.org"));
  EXPECT_NE(Key(Kind::kDomain, "bx.org"), Key(Kind::kDomain, "x.org"));
}

TEST(ScanNormalise, Ipv6SpellingsShareOneKey) {
  const auto a = Key(Kind::kIpv6, "2001:db8::1");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->size(), 17u);
  EXPECT_EQ(Key(Kind::kIpv6, "2001:0DB8:0000:0000:0000:0000:0000:0001"), a);
  EXPECT_EQ(Key(Kind::kIpv6, "2001:db8:0::0:1"), a);
  EXPECT_NE(Key(Kind::kIpv6, "2001:db8::2"), a);
  EXPECT_EQ(Text(Kind::kIpv6, "2001:DB8:0::1"), "2001:db8::1");
  EXPECT_FALSE(Key(Kind::kIpv6, "2001:db8::1/64"));
  EXPECT_FALSE(Key(Kind::kIpv6, "fe80::1%eth0"));
}

TEST(ScanNormalise, Ipv4IsStrictDottedQuad) {
  EXPECT_EQ(Text(Kind::kIpv4, "192.0.2.1"), "192.0.2.1");
  EXPECT_FALSE(Key(Kind::kIpv4, "192.0.2.01"));
  EXPECT_FALSE(Key(Kind::kIpv4, "192.0.2"));
  EXPECT_FALSE(Key(Kind::kIpv4, "192.0.2.256"));
  EXPECT_FALSE(Key(Kind::kIpv4, "192.0.2.1.5"));
  EXPECT_FALSE(Key(Kind::kIpv4, "10.0.0.0/8"));
}

TEST(ScanNormalise, HashesAreDigestBytesOfTheRightLength) {
  const std::string lower(64, 'a');
  const std::string upper(64, 'A');
  EXPECT_EQ(Key(Kind::kSha256, lower), Key(Kind::kSha256, upper));
  EXPECT_EQ(Key(Kind::kSha256, lower)->size(), 32u);
  EXPECT_EQ(Text(Kind::kSha256, upper), lower);
  EXPECT_FALSE(Key(Kind::kSha256, std::string(63, 'a')));
  EXPECT_FALSE(Key(Kind::kMd5, std::string(31, 'a') + "g"));
  EXPECT_TRUE(Key(Kind::kMd5, std::string(32, '0')));
}

TEST(ScanNormalise, UrlsLowerOnlySchemeAndHost) {
  EXPECT_EQ(Text(Kind::kUrl, "HTTPS://User@Example.ORG:8443/A/B?C=D#E"),
            "https://User@example.org:8443/A/B?C=D#E");
  EXPECT_NE(Key(Kind::kUrl, "https://x.org/A"), Key(Kind::kUrl, "https://x.org/a"));
  EXPECT_EQ(Text(Kind::kUrl, "not a url AT ALL"), "not a url AT ALL");
}

TEST(ScanNormalise, EmailsLowerCaseAndNonAsciiIsNfc) {
  EXPECT_EQ(Text(Kind::kEmail, "Alice@Example.ORG"), "alice@example.org");
  // "é" decomposed (e + U+0301) and precomposed are one value.
  EXPECT_EQ(Key(Kind::kDomain, "caf\x65\xcc\x81.org"), Key(Kind::kDomain, "caf\xc3\xa9.org"));
  EXPECT_FALSE(Key(Kind::kDomain, "bad\xff.org"));
}

TEST(ScanNormalise, LiteralNetworksAreMaskedAndKeepTheirPrefix) {
  const auto net = LiteralKey(Kind::kIpv4, "10.1.2.3/8");
  ASSERT_TRUE(net.has_value());
  EXPECT_EQ(KeyPrefix(*net), 8);
  EXPECT_EQ(KeyText(Kind::kIpv4, *net), "10.0.0.0/8");
  EXPECT_EQ(KeyText(Kind::kIpv4, *LiteralKey(Kind::kIpv4, "10.1.2.3/32")), "10.1.2.3");
  EXPECT_EQ(KeyText(Kind::kIpv6, *LiteralKey(Kind::kIpv6, "2001:DB8::/32")), "2001:db8::/32");
  EXPECT_FALSE(LiteralKey(Kind::kIpv4, "2001:db8::1"));
  EXPECT_FALSE(LiteralKey(Kind::kIpv6, "10.0.0.1"));
  EXPECT_FALSE(LiteralKey(Kind::kIpv4, "10.0.0.0/33"));
}

TEST(ScanNormalise, LongValuesWork) {
  const std::string url = "https://x.org/" + std::string(3000, 'a');
  EXPECT_EQ(Text(Kind::kUrl, url), url);
  EXPECT_NE(HashBytes("abc"), HashBytes("abd"));
}

}  // namespace
}  // namespace ecrn::scan
