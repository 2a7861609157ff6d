// Tests of the STIX pattern parser: every construct of the grammar, the
// precedence it defines, literal decoding, and errors with their position.
#include "ecrn/pattern/parse.hpp"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ecrn/stix/object.hpp"
#include "testing/testing.hpp"

namespace ecrn::pattern {
namespace {

Pattern MustParse(const std::string& text) {
  auto p = ParsePattern(text);
  EXPECT_TRUE(p.ok()) << text << ": " << (p.ok() ? "" : p.error().message);
  return p.ok() ? std::move(p).value() : Pattern{};
}

// The error message of a pattern that must not parse.
std::string ErrorOf(const std::string& text) {
  auto p = ParsePattern(text);
  EXPECT_FALSE(p.ok()) << text << " parsed";
  return p.ok() ? "" : p.error().message;
}

const Comparison& OnlyComparison(const Pattern& p) {
  EXPECT_EQ(p.root.kind, ObservationExpr::Kind::kSimple);
  EXPECT_EQ(p.root.comparison.kind, ComparisonExpr::Kind::kComparison);
  return p.root.comparison.comparison;
}

TEST(ParsePattern, SimpleEquality) {
  auto p = MustParse("[ipv4-addr:value = '198.51.100.1']");
  const auto& c = OnlyComparison(p);
  EXPECT_EQ(c.path.type, "ipv4-addr");
  ASSERT_EQ(c.path.steps.size(), 1u);
  EXPECT_EQ(c.path.steps[0].key, "value");
  EXPECT_EQ(c.op, CompareOp::kEqual);
  EXPECT_FALSE(c.negated);
  ASSERT_EQ(c.values.size(), 1u);
  EXPECT_EQ(c.values[0].kind, LiteralKind::kString);
  EXPECT_EQ(c.values[0].text, "198.51.100.1");
}

TEST(ParsePattern, EveryOperator) {
  struct Case {
    std::string text;
    CompareOp op;
    bool negated;
  };
  const std::vector<Case> cases = {
      {"[x-a:n = 1]", CompareOp::kEqual, false},
      {"[x-a:n == 1]", CompareOp::kEqual, false},
      {"[x-a:n != 1]", CompareOp::kNotEqual, false},
      {"[x-a:n <> 1]", CompareOp::kNotEqual, false},
      {"[x-a:n < 1]", CompareOp::kLess, false},
      {"[x-a:n <= 1]", CompareOp::kLessEqual, false},
      {"[x-a:n > 1]", CompareOp::kGreater, false},
      {"[x-a:n >= 1]", CompareOp::kGreaterEqual, false},
      {"[x-a:n IN (1, 2)]", CompareOp::kIn, false},
      {"[x-a:n LIKE 'a%']", CompareOp::kLike, false},
      {"[x-a:n MATCHES '^a']", CompareOp::kMatches, false},
      {"[x-a:n ISSUBSET '10.0.0.0/8']", CompareOp::kIsSubset, false},
      {"[x-a:n ISSUPERSET '10.0.0.0/8']", CompareOp::kIsSuperset, false},
      {"[EXISTS x-a:n]", CompareOp::kExists, false},
      {"[NOT EXISTS x-a:n]", CompareOp::kExists, true},
      {"[x-a:n NOT = 1]", CompareOp::kEqual, true},
      {"[x-a:n NOT IN ('a')]", CompareOp::kIn, true},
      {"[x-a:n NOT LIKE 'a']", CompareOp::kLike, true},
      {"[x-a:n NOT MATCHES 'a']", CompareOp::kMatches, true},
      {"[x-a:n NOT ISSUBSET '::1']", CompareOp::kIsSubset, true},
      {"[x-a:n NOT ISSUPERSET '::1']", CompareOp::kIsSuperset, true},
      {"[x-a:n NOT < 1]", CompareOp::kLess, true},
  };
  for (const auto& c : cases) {
    auto p = MustParse(c.text);
    const auto& cmp = OnlyComparison(p);
    EXPECT_EQ(cmp.op, c.op) << c.text;
    EXPECT_EQ(cmp.negated, c.negated) << c.text;
    EXPECT_EQ(cmp.path.type, "x-a") << c.text;
  }
}

TEST(ParsePattern, EveryLiteral) {
  auto lit = [](const std::string& text) {
    auto p = MustParse("[x-a:n = " + text + "]");
    return OnlyComparison(p).values.at(0);
  };
  auto s = lit(R"('it\'s a \\ path')");
  EXPECT_EQ(s.kind, LiteralKind::kString);
  EXPECT_EQ(s.text, "it's a \\ path");
  EXPECT_EQ(lit("''").text, "");
  EXPECT_EQ(lit("'Ελλάδα'").text, "Ελλάδα");
  auto i = lit("-42");
  EXPECT_EQ(i.kind, LiteralKind::kInt);
  EXPECT_EQ(i.int_value, -42);
  EXPECT_EQ(lit("+7").int_value, 7);
  EXPECT_EQ(lit("0").int_value, 0);
  EXPECT_EQ(lit("-9223372036854775808").int_value, INT64_MIN);
  auto f = lit("-1.5");
  EXPECT_EQ(f.kind, LiteralKind::kFloat);
  EXPECT_DOUBLE_EQ(f.float_value, -1.5);
  EXPECT_DOUBLE_EQ(lit(".25").float_value, 0.25);
  EXPECT_EQ(lit("true").kind, LiteralKind::kBool);
  EXPECT_TRUE(lit("true").bool_value);
  EXPECT_FALSE(lit("false").bool_value);
  auto b = lit("b'aGVsbG8='");
  EXPECT_EQ(b.kind, LiteralKind::kBinary);
  EXPECT_EQ(b.text, "hello");
  auto h = lit("h'00fF41'");
  EXPECT_EQ(h.kind, LiteralKind::kHex);
  EXPECT_EQ(h.text, std::string("\x00\xff"
                                "A",
                                3));
  EXPECT_EQ(lit("h''").text, "");
  auto t = lit("t'2016-01-01T00:00:01.5Z'");
  EXPECT_EQ(t.kind, LiteralKind::kTimestamp);
  EXPECT_EQ(t.timestamp, 1451606401500000);
}

TEST(ParsePattern, ObjectPaths) {
  auto p = MustParse(
      "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0 AND "
      "email-message:to_refs[0].value = 'a@b.c' AND x-foo:'quoted'[-1] = 1]");
  ASSERT_EQ(p.root.comparison.kind, ComparisonExpr::Kind::kAnd);
  ASSERT_EQ(p.root.comparison.operands.size(), 3u);
  const auto& pe = p.root.comparison.operands[0].comparison.path;
  ASSERT_EQ(pe.steps.size(), 5u);
  EXPECT_EQ(pe.steps[0].key, "extensions");
  EXPECT_EQ(pe.steps[1].key, "windows-pebinary-ext");
  EXPECT_TRUE(pe.steps[1].quoted);
  EXPECT_EQ(pe.steps[2].key, "sections");
  EXPECT_EQ(pe.steps[3].kind, PathStep::Kind::kAnyIndex);
  EXPECT_EQ(pe.steps[4].key, "entropy");
  const auto& em = p.root.comparison.operands[1].comparison.path;
  ASSERT_EQ(em.steps.size(), 3u);
  EXPECT_EQ(em.steps[1].kind, PathStep::Kind::kIndex);
  EXPECT_EQ(em.steps[1].index, 0);
  const auto& q = p.root.comparison.operands[2].comparison.path;
  EXPECT_EQ(q.steps[0].key, "quoted");
  EXPECT_EQ(q.steps[1].index, -1);
}

TEST(ParsePattern, ComparisonAndBindsTighterThanOr) {
  auto p = MustParse("[a-b:x = 1 OR a-b:y = 2 AND a-b:z = 3]");
  const auto& top = p.root.comparison;
  ASSERT_EQ(top.kind, ComparisonExpr::Kind::kOr);
  ASSERT_EQ(top.operands.size(), 2u);
  EXPECT_EQ(top.operands[0].kind, ComparisonExpr::Kind::kComparison);
  EXPECT_EQ(top.operands[1].kind, ComparisonExpr::Kind::kAnd);
  auto q = MustParse("[(a-b:x = 1 OR a-b:y = 2) AND a-b:z = 3]");
  EXPECT_EQ(q.root.comparison.kind, ComparisonExpr::Kind::kAnd);
  EXPECT_EQ(q.root.comparison.operands[0].kind, ComparisonExpr::Kind::kOr);
}

TEST(ParsePattern, ObservationPrecedenceAndOverOrOverFollowedBy) {
  auto p = MustParse("[a-b:x = 1] FOLLOWEDBY [a-b:x = 2] OR [a-b:x = 3] AND [a-b:x = 4]");
  ASSERT_EQ(p.root.kind, ObservationExpr::Kind::kFollowedBy);
  ASSERT_EQ(p.root.operands.size(), 2u);
  EXPECT_EQ(p.root.operands[0].kind, ObservationExpr::Kind::kSimple);
  const auto& orr = p.root.operands[1];
  ASSERT_EQ(orr.kind, ObservationExpr::Kind::kOr);
  EXPECT_EQ(orr.operands[1].kind, ObservationExpr::Kind::kAnd);
  auto q = MustParse("([a-b:x = 1] FOLLOWEDBY [a-b:x = 2]) AND [a-b:x = 3]");
  ASSERT_EQ(q.root.kind, ObservationExpr::Kind::kAnd);
  EXPECT_EQ(q.root.operands[0].kind, ObservationExpr::Kind::kFollowedBy);
  // Chains are flattened in source order.
  auto r = MustParse("[a-b:x = 1] AND [a-b:x = 2] AND [a-b:x = 3]");
  EXPECT_EQ(r.root.operands.size(), 3u);
}

TEST(ParsePattern, Qualifiers) {
  auto p = MustParse(
      "([a-b:x = 1] AND [a-b:x = 2]) WITHIN 300 SECONDS FOLLOWEDBY [a-b:x = 3] REPEATS 5 TIMES "
      "START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z' WITHIN 1.5 SECONDS");
  ASSERT_EQ(p.root.kind, ObservationExpr::Kind::kFollowedBy);
  const auto& left = p.root.operands[0];
  ASSERT_EQ(left.qualifiers.size(), 1u);
  EXPECT_EQ(left.qualifiers[0].kind, Qualifier::Kind::kWithin);
  EXPECT_DOUBLE_EQ(left.qualifiers[0].seconds, 300);
  const auto& right = p.root.operands[1];
  ASSERT_EQ(right.qualifiers.size(), 3u);
  EXPECT_EQ(right.qualifiers[0].kind, Qualifier::Kind::kRepeats);
  EXPECT_EQ(right.qualifiers[0].times, 5);
  EXPECT_EQ(right.qualifiers[1].kind, Qualifier::Kind::kStartStop);
  EXPECT_EQ(right.qualifiers[1].start, 1464739200000000);
  EXPECT_EQ(right.qualifiers[1].stop, 1467331200000000);
  EXPECT_DOUBLE_EQ(right.qualifiers[2].seconds, 1.5);
  // A qualifier binds to the observation expression just before it.
  auto q = MustParse("[a-b:x = 1] AND [a-b:x = 2] WITHIN 5 SECONDS");
  EXPECT_TRUE(q.root.qualifiers.empty());
  EXPECT_EQ(q.root.operands[1].qualifiers.size(), 1u);
}

TEST(ParsePattern, WhiteSpaceAndComments) {
  auto p = MustParse(
      "/* leading */ [ file:name\t=\n'a' // to the end of the line\n]\xC2\xA0\xE3\x80\x80");
  EXPECT_EQ(OnlyComparison(p).values[0].text, "a");
}

TEST(ParsePattern, SetLiterals) {
  auto p = MustParse("[x-a:n IN ()]");
  EXPECT_TRUE(OnlyComparison(p).values.empty());
  auto q = MustParse("[x-a:n IN ('a', 'b', 'c')]");
  EXPECT_EQ(OnlyComparison(q).values.size(), 3u);
}

struct BadCase {
  std::string text;
  std::string message;  // the exact message, "column C: reason"
  size_t offset;
};

TEST(ParsePattern, ErrorsCarryPositionAndReason) {
  const std::vector<BadCase> cases = {
      {"", "column 1: empty pattern", 0},
      {"[file:name = 'a'", "column 17: expected ']' or AND / OR, found end of pattern", 16},
      {"file:name = 'a'",
       "column 1: expected '[' or '(' to start an observation expression, found 'file'", 0},
      {"[file:name = 'a] ", "column 14: unterminated string literal", 13},
      {"[file:name LIKE 5]", "column 17: LIKE needs a string literal, found '5'", 16},
      {"[file:name MATCHES h'00']", "column 20: MATCHES needs a string literal, found 'h'00''", 19},
      {"[file:name = ('a')]", "column 14: a set literal needs IN, not '='", 13},
      {"[file:name IN 'a']", "column 15: IN needs a set literal like ('a', 'b'), found ''a''", 14},
      {"[file:size > true]", "column 14: '>' cannot order booleans", 13},
      {"[file:name = 'a\\n']",
       "column 16: invalid escape in string literal: only \\' and \\\\ are allowed", 15},
      {"[file:created = t'2016-02-30T00:00:00Z']",
       "column 17: invalid timestamp literal: invalid timestamp '2016-02-30T00:00:00Z': day out "
       "of range",
       16},
      {"[file:x = h'abc']", "column 11: hex literal needs an even number of digits", 10},
      {"[file:x = b'aGVsbG8']",
       "column 11: binary literal must be padded base64 (groups of 4 characters)", 10},
      {"[file:x = 007]", "column 11: integer literal with a leading zero", 10},
      {"[file:x = 99999999999999999999]", "column 11: integer literal out of range (64-bit)", 10},
      {"[file:my-prop = 1]", "column 7: a property name with '-' must be quoted ('my-prop')", 6},
      {"[file:hashes.SHA-256 = 'a']",
       "column 14: a path component with '-' must be quoted ('SHA-256')", 13},
      {"[file:name = 'a'] WITHIN -5 SECONDS",
       "column 26: WITHIN needs a positive number of seconds", 25},
      {"[file:name = 'a'] REPEATS 1.5 TIMES",
       "column 27: REPEATS needs a positive integer, found '1.5'", 26},
      {"[file:name = 'a'] START '2016' STOP t'2016-01-01T00:00:00Z'",
       "column 25: START needs a timestamp literal t'...', found ''2016''", 24},
      {"[file:name = 'a'] WITHIN 5",
       "column 27: expected SECONDS after the WITHIN duration, "
       "found end of pattern",
       26},
      {"[file:name = 'a'] [file:name = 'b']",
       "column 19: expected AND, OR, FOLLOWEDBY or a qualifier, found '['", 18},
      {"[NOT file:name = 'a']",
       "column 6: NOT before an object path is only allowed as NOT EXISTS; write the NOT after "
       "the path (path NOT = ...)",
       5},
      {"[file:name EXISTS]",
       "column 12: EXISTS comes before the object path (EXISTS "
       "type:property)",
       11},
      {"[file:name and 'a']",
       "column 12: expected a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, "
       "ISSUBSET, ISSUPERSET) after the object path, found 'and'",
       11},
      {"[file:name = \"a\"]", "column 14: unexpected '\"': string literals use single quotes", 13},
      {"/* never closed [file:name = 'a']", "column 1: unterminated comment", 0},
      // Columns count code points, offsets bytes.
      {"[file:name = 'Ελλάδα'] ^", "column 24: unexpected character '^'", 29},
      {"[file:name = '\xff']", "column 15: the pattern is not valid UTF-8", 14},
  };
  for (const auto& c : cases) {
    auto p = ParsePattern(c.text);
    ASSERT_FALSE(p.ok()) << c.text;
    EXPECT_EQ(p.error().message, c.message) << c.text;
    EXPECT_EQ(p.error().detail, "offset " + std::to_string(c.offset)) << c.text;
    EXPECT_EQ(p.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(ParsePattern, DeepNestingIsAnErrorNotACrash) {
  std::string deep(5000, '(');
  EXPECT_NE(ErrorOf(deep + "[a-b:x = 1]" + std::string(5000, ')')).find("nested too deeply"),
            std::string::npos);
  std::string brackets = "[" + std::string(5000, '(') + "a-b:x = 1" + std::string(5000, ')') + "]";
  EXPECT_NE(ErrorOf(brackets).find("nested too deeply"), std::string::npos);
}

// Every indicator pattern in the STIX example bundles parses.
TEST(ParsePattern, FixtureCorpus) {
  namespace fs = std::filesystem;
  size_t patterns = 0;
  for (const auto& entry : fs::recursive_directory_iterator(ecrn::testing::SharedDir() /
                                                            "fixtures" / "stix-examples")) {
    if (entry.path().extension() != ".json") continue;
    auto doc = stix::ParseDocument(ecrn::testing::ReadFile(entry.path()));
    ASSERT_TRUE(doc.ok()) << entry.path();
    for (const auto& o : doc->objects) {
      if (o.type() != "indicator" || o.Str("pattern_type") != "stix") continue;
      ++patterns;
      auto p = ParsePattern(o.Str("pattern"));
      EXPECT_TRUE(p.ok()) << entry.path() << " " << o.id() << ": "
                          << (p.ok() ? "" : p.error().message);
    }
  }
  EXPECT_GE(patterns, 40u);
}

}  // namespace
}  // namespace ecrn::pattern
