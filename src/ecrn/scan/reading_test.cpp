#include "ecrn/scan/reading.hpp"

#include <gtest/gtest.h>

#include "ecrn/pattern/validate.hpp"
#include "ecrn/scan/normalise.hpp"

namespace ecrn::scan {
namespace {

// Terms as "kind=text" strings, for comparing.
std::vector<std::string> Show(const std::optional<std::vector<LookupTerm>>& terms) {
  std::vector<std::string> out;
  if (!terms) return {"<none>"};
  for (const auto& t : *terms)
    out.push_back(std::string(KindName(t.kind)) + "=" + KeyText(t.kind, t.key));
  return out;
}

std::optional<std::vector<LookupTerm>> ByParser(std::string_view text) {
  auto p = pattern::ParseAndValidatePattern(text);
  if (!p) return std::nullopt;
  return LookupTermsOf(*p);
}

TEST(ScanReading, FastPathAgreesWithTheParserOnSimpleShapes) {
  const char* patterns[] = {
      "[domain-name:value = 'Example.ORG.']",
      "[ipv4-addr:value = '10.1.2.3/8']",
      "[ipv6-addr:value = '2001:DB8::1']",
      "[file:hashes.'SHA-256' = '"
      "ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789"
      "']",
      "[url:value = 'HTTP://X.org/A']",
      "[email-addr:value = 'A@B.org']",
      "[file:hashes.MD5 IN ('00000000000000000000000000000000', "
      "'ffffffffffffffffffffffffffffffff')]",
      "[domain-name:value = 'a.org' OR domain-name:value = 'b.org' OR ipv4-addr:value = '1.2.3.4']",
      "[domain-name:value = 'a.org'] OR [url:value='http://b.org/']",
      "[domain-name:value IN('a.org','b.org')]",
      "  [ipv4-addr:value = 'not an address']  ",
  };
  for (const char* p : patterns) {
    const auto fast = RecogniseSimplePattern(p);
    ASSERT_TRUE(fast.has_value()) << p;
    EXPECT_EQ(Show(fast), Show(ByParser(p))) << p;
  }
  EXPECT_EQ(Show(RecogniseSimplePattern("[domain-name:value = 'Example.ORG.']")),
            std::vector<std::string>{"domain=example.org"});
  EXPECT_EQ(Show(RecogniseSimplePattern("[ipv4-addr:value = '10.1.2.3/8']")),
            std::vector<std::string>{"ipv4=10.0.0.0/8"});
  EXPECT_TRUE(RecogniseSimplePattern("[ipv4-addr:value = 'not an address']")->empty());
}

TEST(ScanReading, FastPathDeclinesEverythingElse) {
  const char* patterns[] = {
      "[domain-name:value = 'a.org' AND domain-name:value = 'b.org']",
      "[domain-name:value != 'a.org']",
      "[domain-name:value LIKE 'a%']",
      "[domain-name:value = 'it\\'s.org']",
      "[domain-name:value = 'a.org'] FOLLOWEDBY [domain-name:value = 'b.org']",
      "[domain-name:value = 'a.org'] WITHIN 5 SECONDS",
      "[domain-name:value ='a.org' ORdomain-name:value = 'b.org']",
      "[domain-name:valueIN ('a.org')]",
      "[domain-name:value = 'a.org'",
      "[process:name = 'a']",
      "[domain-name:value = 'caf\xc3\xa9.org']",
      "[ domain-name:value = 'a.org' ] extra",
  };
  for (const char* p : patterns) EXPECT_FALSE(RecogniseSimplePattern(p).has_value()) << p;
}

TEST(ScanReading, ParserFindsLookupsTheFastPathLeaves) {
  EXPECT_EQ(Show(ByParser("([domain-name:value = 'a.org'])")),
            std::vector<std::string>{"domain=a.org"});
  EXPECT_EQ(Show(ByParser("[ipv4-addr:value ISSUBSET '192.0.2.0/24']")),
            std::vector<std::string>{"ipv4=192.0.2.0/24"});
  EXPECT_EQ(Show(ByParser("[file:hashes.'MD5' = '00000000000000000000000000000000']")),
            std::vector<std::string>{"md5=00000000000000000000000000000000"});
  EXPECT_EQ(Show(ByParser("[domain-name:value NOT = 'a.org']")),
            std::vector<std::string>{"<none>"});
  EXPECT_EQ(Show(ByParser("[domain-name:value ISSUBSET '10.0.0.0/8']")),
            std::vector<std::string>{"<none>"});
  EXPECT_EQ(Show(ByParser("[domain-name:value = 'a.org'] REPEATS 2 TIMES")),
            std::vector<std::string>{"<none>"});
}

TEST(ScanReading, RewritingNormalisesLiteralsAndReadsNetworks) {
  auto p = ReadPattern("[ipv4-addr:value = '10.9.9.9/8' AND domain-name:value != 'A.ORG.']");
  ASSERT_TRUE(p.ok()) << p.error().message;
  const auto& ops = p->root.comparison.operands;
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].comparison.op, pattern::CompareOp::kIsSubset);
  EXPECT_EQ(ops[0].comparison.values[0].text, "10.0.0.0/8");
  EXPECT_EQ(ops[1].comparison.op, pattern::CompareOp::kNotEqual);
  EXPECT_EQ(ops[1].comparison.values[0].text, "a.org");

  auto in = ReadPattern("[ipv6-addr:value NOT IN ('2001:DB8::1', '2001:db8::/32')]");
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->root.comparison.kind, pattern::ComparisonExpr::Kind::kAnd);
  ASSERT_EQ(in->root.comparison.operands.size(), 2u);
  EXPECT_EQ(in->root.comparison.operands[0].comparison.values[0].text, "2001:db8::1");
  EXPECT_TRUE(in->root.comparison.operands[1].comparison.negated);
  EXPECT_EQ(in->root.comparison.operands[1].comparison.op, pattern::CompareOp::kIsSubset);

  EXPECT_FALSE(ReadPattern("[domain-name:value = ]").ok());
}

TEST(ScanReading, PatternOfTermsReadsBackAsTheSameTerms) {
  const std::vector<LookupTerm> terms = {
      {Kind::kDomain, "it's.org"},
      {Kind::kIpv4, *LiteralKey(Kind::kIpv4, "10.0.0.0/8")},
      {Kind::kSha1, *LiteralKey(Kind::kSha1, std::string(40, 'b'))},
  };
  const std::string text = PatternOfTerms(terms);
  EXPECT_EQ(Show(ByParser(text)), Show(terms)) << text;
}

}  // namespace
}  // namespace ecrn::scan
