#include "ecrn/scan/extract.hpp"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace ecrn::scan {
namespace {

using Found = std::vector<std::pair<std::string, std::string>>;  // kind name, value

Found Extract(std::string_view text) {
  std::vector<Observable> out;
  ExtractObservables(text, out);
  Found found;
  for (const Observable& o : out) {
    found.emplace_back(std::string(KindName(o.kind)), std::string(o.value));
  }
  return found;
}

TEST(ScanExtract, TokensAreWholeNeverSubstrings) {
  EXPECT_EQ(Extract("resolved bx.org ok"), (Found{{"domain", "bx.org"}}));
  EXPECT_EQ(Extract("from 1.2.3.45 port"), (Found{{"ipv4", "1.2.3.45"}}));
  EXPECT_EQ(Extract("x 1.2.3.4.5 y"), Found{});
  EXPECT_EQ(Extract("sub.x.org"), (Found{{"domain", "sub.x.org"}}));
  EXPECT_EQ(Extract("a-x.org- b"), Found{});  // a label may not end in '-'
  EXPECT_EQ(Extract("1.2.3.256 01.2.3.4"), Found{});
}

TEST(ScanExtract, VersionsAndNumbersAreNotAddressesOrDomains) {
  EXPECT_EQ(Extract("nginx/1.2.3 openssl 3.0.11 pi=3.14159"), Found{});
  EXPECT_EQ(Extract("took 12.5s at 2026-11-21T10:00:00.123Z"), Found{});
  EXPECT_EQ(Extract("mac 00:1a:2b:3c:4d:5e time 13:55:36"), Found{});
  EXPECT_EQ(Extract("std::string and ::"), Found{});
}

TEST(ScanExtract, TrailingPunctuationAndCase) {
  EXPECT_EQ(
      Extract("Visit Example.ORG. Then (www.example.net), \"c.example.com\";"),
      (Found{
          {"domain", "Example.ORG"}, {"domain", "www.example.net"}, {"domain", "c.example.com"}}));
  EXPECT_EQ(Extract("fqdn www.example.org. end"), (Found{{"domain", "www.example.org"}}));
  EXPECT_EQ(Extract("wildcard *.example.org"), (Found{{"domain", "example.org"}}));
}

TEST(ScanExtract, HostAndPort) {
  EXPECT_EQ(Extract("connect example.org:443 from 192.0.2.7:51000"),
            (Found{{"domain", "example.org"}, {"ipv4", "192.0.2.7"}}));
  EXPECT_EQ(Extract("dst=[2001:db8::1]:8443"), (Found{{"ipv6", "2001:db8::1"}}));
  EXPECT_EQ(Extract("net 198.51.100.0/24"), (Found{{"ipv4", "198.51.100.0"}}));
}

TEST(ScanExtract, Ipv6Spellings) {
  EXPECT_EQ(Extract("2001:0db8:0000:0000:0000:ff00:0042:8329"),
            (Found{{"ipv6", "2001:0db8:0000:0000:0000:ff00:0042:8329"}}));
  EXPECT_EQ(Extract("2001:DB8::FF00:42:8329"), (Found{{"ipv6", "2001:DB8::FF00:42:8329"}}));
  EXPECT_EQ(Extract("lo ::1 any :: end"), (Found{{"ipv6", "::1"}}));
  EXPECT_EQ(Extract("mapped ::ffff:192.0.2.128"), (Found{{"ipv6", "::ffff:192.0.2.128"}}));
  EXPECT_EQ(Extract("link fe80::1%eth0 up"), (Found{{"ipv6", "fe80::1"}}));
  EXPECT_EQ(Extract("2001:db8::"), (Found{{"ipv6", "2001:db8::"}}));
  // Too many groups, two '::', a group of five digits: not addresses.
  EXPECT_EQ(Extract("1:2:3:4:5:6:7:8:9 1::2::3 12345::1"), Found{});
  EXPECT_TRUE(IsIpv6("1:2:3:4:5:6:7:8"));
  EXPECT_FALSE(IsIpv6("1:2:3:4:5:6:7"));
  EXPECT_FALSE(IsIpv6("1:2:3:4:5:6:7::8"));
  EXPECT_FALSE(IsIpv6(":1:2"));
  EXPECT_FALSE(IsIpv6("1:2:"));
}

TEST(ScanExtract, UrlsYieldTheUrlAndItsHost) {
  EXPECT_EQ(
      Extract("GET https://evil.example.com/path?q=1&r=2 done"),
      (Found{{"url", "https://evil.example.com/path?q=1&r=2"}, {"domain", "evil.example.com"}}));
  EXPECT_EQ(Extract("see http://user:pw@192.0.2.9:8080/x."),
            (Found{{"url", "http://user:pw@192.0.2.9:8080/x"}, {"ipv4", "192.0.2.9"}}));
  EXPECT_EQ(Extract("(http://[2001:db8::5]:80/a)"),
            (Found{{"url", "http://[2001:db8::5]:80/a"}, {"ipv6", "2001:db8::5"}}));
  EXPECT_EQ(
      Extract("wiki https://en.example.org/wiki/Foo_(bar) ok"),
      (Found{{"url", "https://en.example.org/wiki/Foo_(bar)"}, {"domain", "en.example.org"}}));
  EXPECT_EQ(Extract("url:hxxp://localhost/"), (Found{{"url", "hxxp://localhost/"}}));
  EXPECT_EQ(Extract("\"http://a.example.org\""),
            (Found{{"url", "http://a.example.org"}, {"domain", "a.example.org"}}));
  EXPECT_EQ(Extract("nothing ://x.org"), (Found{{"domain", "x.org"}}));
}

TEST(ScanExtract, EmailsYieldTheAddressAndItsDomain) {
  EXPECT_EQ(Extract("from=<alice.b+tag@mail.example.org>,"),
            (Found{{"email", "alice.b+tag@mail.example.org"}, {"domain", "mail.example.org"}}));
  EXPECT_EQ(Extract("mailto:bob@example.net"),
            (Found{{"email", "bob@example.net"}, {"domain", "example.net"}}));
  EXPECT_EQ(Extract("ssh root@192.0.2.1"), (Found{{"ipv4", "192.0.2.1"}}));
  EXPECT_EQ(Extract("@handle and user@localhost"), Found{});
}

TEST(ScanExtract, HashesByLength) {
  const std::string md5(32, 'a'), sha1 = std::string(39, '0') + "F", sha256(64, '7'),
                                  sha512(128, 'e');
  EXPECT_EQ(Extract("md5=" + md5 + " sha1:" + sha1 + " " + sha256 + " " + sha512),
            (Found{{"md5", md5}, {"sha1", sha1}, {"sha256", sha256}, {"sha512", sha512}}));
  EXPECT_EQ(
      Extract(std::string(31, 'a') + " " + std::string(33, 'a') + " " + std::string(31, 'a') + "g"),
      Found{});
}

TEST(ScanExtract, IdnAndNumericLabels) {
  EXPECT_EQ(Extract("xn--bcher-kva.example xn--80ak6aa92e.xn--p1ai"),
            (Found{{"domain", "xn--bcher-kva.example"}, {"domain", "xn--80ak6aa92e.xn--p1ai"}}));
  EXPECT_EQ(Extract("_ldap._tcp.dc.example.org 1.example.123"),
            (Found{{"domain", "_ldap._tcp.dc.example.org"}}));
  // File names pass as domain candidates (documented cost).
  EXPECT_EQ(Extract("GET /index.html"), (Found{{"domain", "index.html"}}));
}

TEST(ScanExtract, NonAsciiAndBinaryNeverCrashOrLeakPartialTokens) {
  EXPECT_EQ(Extract("caf\xc3\xa9.example.org 198.51.100.1"), (Found{{"ipv4", "198.51.100.1"}}));
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk += static_cast<char>((i * 131) & 0xff);
  std::vector<Observable> out;
  ExtractObservables(junk, out);
  for (const Observable& o : out) {
    ASSERT_GE(o.value.data(), junk.data());
    ASSERT_LE(o.value.data() + o.value.size(), junk.data() + junk.size());
  }
}

TEST(ScanExtract, TypedValues) {
  std::vector<Observable> out;
  EXPECT_TRUE(AppendTyped(Kind::kIpv4, "[2001:db8::2]", out));
  EXPECT_TRUE(AppendTyped(Kind::kDomain, "Example.org.", out));
  EXPECT_FALSE(AppendTyped(Kind::kDomain, "-", out));
  EXPECT_TRUE(AppendTyped(Kind::kUrl, "https://a.example.org/x", out));
  EXPECT_FALSE(AppendTyped(Kind::kUrl, "two words", out));
  EXPECT_TRUE(AppendTyped(Kind::kEmail, "c@example.org", out));
  EXPECT_FALSE(AppendTyped(Kind::kEmail, "not an address", out));
  EXPECT_FALSE(AppendTyped(Kind::kSha256, std::string(32, 'a'), out));
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(out[0].kind, Kind::kIpv6);
  EXPECT_EQ(out[0].value, "2001:db8::2");
  EXPECT_EQ(out[1].value, "Example.org");
  EXPECT_EQ(out[2].kind, Kind::kUrl);
  EXPECT_EQ(out[3].value, "a.example.org");
  EXPECT_EQ(out[4].kind, Kind::kEmail);
  EXPECT_EQ(out[5].value, "example.org");
  EXPECT_EQ(HostKind("192.0.2.1"), Kind::kIpv4);
  EXPECT_EQ(HostKind("host"), std::nullopt);
}

}  // namespace
}  // namespace ecrn::scan
