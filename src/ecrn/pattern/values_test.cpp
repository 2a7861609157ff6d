// Tests of the value helpers: CIDR parsing and containment (IPv4, IPv6),
// PCRE2 search, NFC, LIKE.
#include "ecrn/pattern/values.hpp"

#include <gtest/gtest.h>

namespace ecrn::pattern {
namespace {

bool Contains(const char* outer, const char* inner) {
  auto o = ParseIpNet(outer);
  auto i = ParseIpNet(inner);
  EXPECT_TRUE(o && i) << outer << " " << inner;
  return o && i && NetContains(*o, *i);
}

TEST(IpNet, ParsesAddressesAndNetworks) {
  EXPECT_EQ(ParseIpNet("10.0.0.1")->prefix, 32);
  EXPECT_EQ(ParseIpNet("10.0.0.0/8")->prefix, 8);
  EXPECT_TRUE(ParseIpNet("2001:db8::/32")->v6);
  EXPECT_EQ(ParseIpNet("::1")->prefix, 128);
  for (const char* bad : {"", "10.0.0", "10.0.0.256", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/08",
                          "::1/129", "example.com", "1.2.3.4/-1", "2001:db8::g"}) {
    EXPECT_FALSE(ParseIpNet(bad)) << bad;
  }
}

TEST(IpNet, Containment) {
  EXPECT_TRUE(Contains("10.0.0.0/8", "10.1.2.3"));
  EXPECT_TRUE(Contains("10.0.0.0/8", "10.128.0.0/9"));
  EXPECT_FALSE(Contains("10.0.0.0/9", "10.128.0.1"));
  EXPECT_FALSE(Contains("10.0.0.0/16", "10.0.0.0/8"));
  EXPECT_TRUE(Contains("198.51.100.0/23", "198.51.101.255"));
  EXPECT_FALSE(Contains("198.51.100.0/23", "198.51.102.0"));
  EXPECT_TRUE(Contains("0.0.0.0/0", "255.255.255.255"));
  EXPECT_TRUE(Contains("2001:db8::/32", "2001:db8:ffff::1"));
  EXPECT_FALSE(Contains("2001:db8::/33", "2001:db8:8000::1"));
  EXPECT_FALSE(Contains("::/0", "10.0.0.1"));  // families never mix
  EXPECT_TRUE(Contains("10.0.0.1", "10.0.0.1"));
}

TEST(Regex, SearchIsUnanchoredAndUnicodeAware) {
  auto re = Regex::Compile("^Παρα.\\w+$");
  ASSERT_TRUE(re.ok());
  EXPECT_TRUE(re->Search("Παραδειγμα"));
  EXPECT_FALSE(re->Search("xΠαραδειγμα"));
  auto sub = Regex::Compile("vote");
  ASSERT_TRUE(sub.ok());
  EXPECT_TRUE(sub->Search("evoter"));
  EXPECT_FALSE(sub->Search("\xff vote"));  // invalid UTF-8 never matches
  EXPECT_FALSE(Regex::Compile("[a").ok());
  // A catastrophic expression stops at the match limit instead of hanging.
  auto slow = Regex::Compile("^(a+)+$");
  ASSERT_TRUE(slow.ok());
  EXPECT_FALSE(slow->Search(std::string(40, 'a') + "b"));
}

TEST(Nfc, ComposesDecomposedText) {
  EXPECT_EQ(NormalizeNfc("e\xCC\x81"), "\xC3\xA9");  // e + combining acute -> é
  EXPECT_EQ(NormalizeNfc("\xC3\xA9"), "\xC3\xA9");
  EXPECT_EQ(NormalizeNfc("plain"), "plain");
}

TEST(Like, PercentAndUnderscore) {
  EXPECT_TRUE(LikeMatch("example.com", "%.com"));
  EXPECT_TRUE(LikeMatch("example.com", "ex%"));
  EXPECT_TRUE(LikeMatch("example.com", "%amp%"));
  EXPECT_TRUE(LikeMatch("example.com", "example.co_"));
  EXPECT_FALSE(LikeMatch("example.com", "example.c_"));
  EXPECT_TRUE(LikeMatch("", "%"));
  EXPECT_FALSE(LikeMatch("", "_"));
  EXPECT_TRUE(LikeMatch("Ελλάδα", "Ελλ_δα"));  // '_' is one code point, not one byte
  EXPECT_FALSE(LikeMatch("Example.com", "example%"));
  EXPECT_TRUE(LikeMatch("a%b", "a%b"));
  EXPECT_FALSE(LikeMatch("abc", "abd%"));
}

TEST(Bytes, HexAndLatin1) {
  EXPECT_EQ(*DecodeHex("00fF"), std::string("\x00\xff", 2));
  EXPECT_FALSE(DecodeHex("abc"));
  EXPECT_FALSE(DecodeHex("zz"));
  EXPECT_EQ(Latin1ToUtf8("A\xe9"), "A\xC3\xA9");
}

}  // namespace
}  // namespace ecrn::pattern
