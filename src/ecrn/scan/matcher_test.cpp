#include "ecrn/scan/matcher.hpp"

#include <algorithm>
#include <cstdio>

#include <gtest/gtest.h>

namespace ecrn::scan {
namespace {

std::shared_ptr<const IndicatorSet> Set(const std::vector<std::string>& patterns) {
  std::string json =
      R"({"type":"bundle","id":"bundle--11111111-1111-4111-8111-111111111111","objects":[)";
  for (size_t i = 0; i < patterns.size(); ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "indicator--%08zx-0000-4000-8000-000000000000", i);
    std::string escaped;
    for (char c : patterns[i]) {
      if (c == '"' || c == '\\') escaped += '\\';
      escaped += c;
    }
    json += std::string(i ? "," : "") + R"({"type":"indicator","id":")" + id +
            R"(","modified":"2024-01-01T00:00:00Z","name":"i)" + std::to_string(i) +
            R"(","pattern_type":"stix","pattern":")" + escaped + "\"}";
  }
  json += "]}";
  LoadOptions options;
  options.keep_pattern_text = true;
  auto set = LoadIndicatorJson(json, options);
  EXPECT_TRUE(set.ok());
  EXPECT_EQ(set->size(), patterns.size())
      << (set->stats().rejected.empty() ? "" : set->stats().rejected[0].reason);
  return std::make_shared<const IndicatorSet>(std::move(*set));
}

Record Rec(std::vector<Observable> observables, std::optional<Micros> ts = std::nullopt) {
  Record r;
  r.source = "test.log";
  r.line_no = 1;
  r.timestamp = ts;
  r.observables = std::move(observables);
  return r;
}

// Sorted "indicator:value" of the hits.
template <typename M>
std::vector<std::string> Hits(const M& m, const Record& r, Micros time = 0) {
  std::vector<Hit> hits;
  m.Match(r, hits, time);
  std::vector<std::string> out;
  for (const Hit& h : hits)
    out.push_back(std::to_string(h.indicator) + ":" + std::string(h.observable.value));
  std::sort(out.begin(), out.end());
  return out;
}

using V = std::vector<std::string>;

// Compiled and reference must say the same; returns the compiled answer.
struct Both {
  Both(const std::vector<std::string>& patterns, MatcherOptions options = {})
      : set(Set(patterns)),
        compiled(Matcher::Build(set, options)),
        reference(ReferenceMatcher::Build(set, options)) {}
  V operator()(const Record& r, Micros time = 0) const {
    const V c = Hits(compiled, r, time);
    EXPECT_EQ(c, Hits(reference, r, time)) << "compiled and reference disagree";
    return c;
  }
  std::shared_ptr<const IndicatorSet> set;
  Matcher compiled;
  ReferenceMatcher reference;
};

TEST(ScanMatcher, DomainsMatchExactlyWhateverTheCaseNeverSubstrings) {
  Both m({"[domain-name:value = 'x.org']", "[domain-name:value = 'Mixed.Example.']"});
  EXPECT_EQ(m.compiled.stats().lookups, 2u);
  EXPECT_EQ(m(Rec({{Kind::kDomain, "x.org"}})), V{"0:x.org"});
  EXPECT_EQ(m(Rec({{Kind::kDomain, "X.ORG."}})), V{"0:X.ORG."});
  EXPECT_EQ(m(Rec({{Kind::kDomain, "bx.org"}})), V{});
  EXPECT_EQ(m(Rec({{Kind::kDomain, "x.org.uk"}})), V{});
  EXPECT_EQ(m(Rec({{Kind::kDomain, "sub.x.org"}})), V{});
  EXPECT_EQ(m(Rec({{Kind::kDomain, "mixed.example"}})), V{"1:mixed.example"});
  // A value of another kind never matches a domain indicator.
  EXPECT_EQ(m(Rec({{Kind::kUrl, "x.org"}, {Kind::kEmail, "x.org"}})), V{});
}

TEST(ScanMatcher, SubdomainsOnlyWhenAsked) {
  const std::vector<std::string> patterns = {"[domain-name:value = 'x.org']"};
  Both plain(patterns);
  MatcherOptions options;
  options.subdomains = true;
  Both sub(patterns, options);
  const Record r = Rec({{Kind::kDomain, "a.b.X.org"}});
  EXPECT_EQ(plain(r), V{});
  EXPECT_EQ(sub(r), V{"0:a.b.X.org"});
  EXPECT_EQ(sub(Rec({{Kind::kDomain, "bx.org"}})), V{});
  EXPECT_EQ(sub(Rec({{Kind::kDomain, "x.org.evil.com"}})), V{});
}

TEST(ScanMatcher, Ipv4AddressesAndNetworks) {
  Both m({"[ipv4-addr:value = '192.0.2.1']", "[ipv4-addr:value = '10.0.0.0/8']",
          "[ipv4-addr:value ISSUBSET '10.20.0.0/16']", "[ipv4-addr:value IN ('0.0.0.0/0')]"});
  EXPECT_EQ(m.compiled.stats().fallback, 0u);
  EXPECT_EQ(m(Rec({{Kind::kIpv4, "192.0.2.1"}})), (V{"0:192.0.2.1", "3:192.0.2.1"}));
  EXPECT_EQ(m(Rec({{Kind::kIpv4, "10.20.3.4"}})), (V{"1:10.20.3.4", "2:10.20.3.4", "3:10.20.3.4"}));
  EXPECT_EQ(m(Rec({{Kind::kIpv4, "11.0.0.1"}})), (V{"3:11.0.0.1"}));
  EXPECT_EQ(m(Rec({{Kind::kIpv4, "192.0.2.01"}})), V{});  // not an address
}

TEST(ScanMatcher, Ipv6AnySpellingAndNetworks) {
  Both m({"[ipv6-addr:value = '2001:DB8:0:0::1']", "[ipv6-addr:value = '2001:db8:ff::/48']"});
  EXPECT_EQ(m(Rec({{Kind::kIpv6, "2001:db8::1"}})), V{"0:2001:db8::1"});
  EXPECT_EQ(m(Rec({{Kind::kIpv6, "2001:0db8:0000:0000:0000:0000:0000:0001"}})),
            V{"0:2001:0db8:0000:0000:0000:0000:0000:0001"});
  EXPECT_EQ(m(Rec({{Kind::kIpv6, "2001:db8:ff:1::9"}})), V{"1:2001:db8:ff:1::9"});
  EXPECT_EQ(m(Rec({{Kind::kIpv6, "2001:db8:fe::1"}})), V{});
  EXPECT_EQ(m(Rec({{Kind::kIpv4, "0.0.0.1"}})), V{});
}

TEST(ScanMatcher, HashesIgnoreCaseAndAlgorithmsStayApart) {
  const std::string sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  std::string upper = sha;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Both m({"[file:hashes.'SHA-256' = '" + upper + "']",
          "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']"});
  EXPECT_EQ(m(Rec({{Kind::kSha256, sha}})), V{"0:" + sha});
  EXPECT_EQ(m(Rec({{Kind::kMd5, "D41D8CD98F00B204E9800998ECF8427E"}})),
            V{"1:D41D8CD98F00B204E9800998ECF8427E"});
  EXPECT_EQ(m(Rec({{Kind::kSha1, sha.substr(0, 40)}, {Kind::kMd5, sha.substr(0, 32)}})), V{});
}

TEST(ScanMatcher, UrlsAsWrittenApartFromSchemeAndHost) {
  Both m({"[url:value = 'https://Evil.example/Login?a=1']",
          "[email-addr:value = 'Boss@Corp.example']"});
  EXPECT_EQ(m(Rec({{Kind::kUrl, "HTTPS://evil.EXAMPLE/Login?a=1"}})),
            V{"0:HTTPS://evil.EXAMPLE/Login?a=1"});
  EXPECT_EQ(m(Rec({{Kind::kUrl, "https://evil.example/login?a=1"}})), V{});
  EXPECT_EQ(m(Rec({{Kind::kUrl, "https://evil.example/Login?a=1&b=2"}})), V{});
  EXPECT_EQ(m(Rec({{Kind::kEmail, "boss@corp.example"}})), V{"1:boss@corp.example"});
}

TEST(ScanMatcher, OneHitPerIndicatorPerRecordOnTheFirstMatchingObservable) {
  Both m(
      {"[domain-name:value = 'a.org' OR domain-name:value = 'b.org'] OR [ipv4-addr:value = "
       "'192.0.2.1']"});
  EXPECT_EQ(m(Rec({{Kind::kDomain, "c.org"},
                   {Kind::kDomain, "b.org"},
                   {Kind::kDomain, "a.org"},
                   {Kind::kIpv4, "192.0.2.1"}})),
            V{"0:b.org"});
}

TEST(ScanMatcher, OtherPatternsFallBackToTheEvaluatorPerRecord) {
  Both m({
      "[domain-name:value = 'a.org' AND domain-name:value LIKE '%.org']",        // 0: one object
      "[domain-name:value MATCHES '^ev[a-z]+\\\\.example$']",                    // 1
      "[domain-name:value = 'a.org'] AND [ipv4-addr:value = '192.0.2.1']",       // 2: two
                                                                                 // observations
      "[domain-name:value = 'a.org'] FOLLOWEDBY [domain-name:value = 'b.org']",  // 3
      "[domain-name:value = 'a.org'] REPEATS 2 TIMES",                           // 4
      "[domain-name:value = 'a.org'] WITHIN 1 SECONDS",                          // 5
      "[ipv4-addr:value = '192.0.2.1'] START t'2024-01-01T00:00:00Z' STOP "
      "t'2024-01-02T00:00:00Z'",            // 6
      "[process:name = 'evil.exe']",        // 7: never from a log
      "[domain-name:value != 'A.ORG']",     // 8
      "[ipv4-addr:value != '10.0.0.0/8']",  // 9
  });
  const MatcherStats& st = m.compiled.stats();
  EXPECT_EQ(st.lookups, 0u);
  EXPECT_EQ(st.fallback, 9u);
  EXPECT_EQ(st.never, 1u);
  EXPECT_EQ(m(Rec({{Kind::kDomain, "A.org"}})), (V{"0:A.org", "5:A.org"}));
  EXPECT_EQ(m(Rec({{Kind::kDomain, "evil.example"}})), (V{"1:evil.example", "8:evil.example"}));
  EXPECT_EQ(
      m(Rec({{Kind::kDomain, "a.org"}, {Kind::kDomain, "b.org"}, {Kind::kIpv4, "192.0.2.1"}})),
      (V{"0:a.org", "5:a.org", "8:b.org", "9:192.0.2.1"}));
  const Micros jan1 = ParseTimestamp("2024-01-01T12:00:00Z")->micros;
  const Micros jan3 = ParseTimestamp("2024-01-03T12:00:00Z")->micros;
  EXPECT_EQ(m(Rec({{Kind::kIpv4, "192.0.2.1"}}, jan1)), (V{"6:192.0.2.1", "9:192.0.2.1"}));
  EXPECT_EQ(m(Rec({{Kind::kIpv4, "192.0.2.1"}}, jan3)), (V{"9:192.0.2.1"}));
  EXPECT_EQ(m(Rec({{Kind::kIpv4, "192.0.2.1"}}), jan1), (V{"6:192.0.2.1", "9:192.0.2.1"}));
  EXPECT_EQ(m(Rec({{Kind::kIpv4, "10.1.1.1"}}, jan1)), V{});
}

TEST(ScanMatcher, GeneralPatternsOverSeveralTypesReportANamedObservable) {
  Both m({"[domain-name:value = 'a.org' AND ipv4-addr:value = '192.0.2.1']",
          "[url:value = 'http://a.org/' OR ipv4-addr:value = '192.0.2.1' OR domain-name:value LIKE "
          "'a%']"});
  // Both SCO types in one record: one observation holds both objects, so
  // pattern 0 matches, but no observable does on its own: the first the
  // pattern names is reported. Pattern 1's first observable that matches
  // on its own is the address.
  EXPECT_EQ(
      m(Rec({{Kind::kEmail, "x@y.org"}, {Kind::kIpv4, "192.0.2.1"}, {Kind::kDomain, "a.org"}})),
      (V{"0:192.0.2.1", "1:192.0.2.1"}));
  EXPECT_EQ(m(Rec({{Kind::kIpv4, "192.0.2.1"}})), V{"1:192.0.2.1"});
}

TEST(ScanMatcher, LiteralsNoValueCanEqualNeverMatch) {
  Both m({"[ipv4-addr:value = 'not an address']", "[domain-name:value = 'a.org']"});
  EXPECT_EQ(m.compiled.stats().fallback, 1u);
  EXPECT_EQ(m.compiled.stats().lookups, 1u);
  EXPECT_EQ(m(Rec({{Kind::kIpv4, "1.2.3.4"}, {Kind::kDomain, "a.org"}})), V{"1:a.org"});
  EXPECT_EQ(m.compiled.indicators().Name(1), "i1");
  EXPECT_EQ(m.compiled.indicators().Id(1), "indicator--00000001-0000-4000-8000-000000000000");
}

TEST(ScanMatcher, AppendsWithoutTouchingEarlierHits) {
  Both m({"[domain-name:value = 'a.org']"});
  std::vector<Hit> hits = {{0, {Kind::kDomain, "earlier"}}};
  m.compiled.Match(Rec({{Kind::kDomain, "a.org"}}), hits);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].observable.value, "earlier");
  EXPECT_EQ(hits[1].observable.value, "a.org");
  EXPECT_GT(m.compiled.MemoryBytes(), 0u);
}

}  // namespace
}  // namespace ecrn::scan
