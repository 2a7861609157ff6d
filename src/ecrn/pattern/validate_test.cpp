// Tests of the semantic checks: each rule rejects with its position and
// reason, and valid patterns (including every fixture pattern) pass.
#include "ecrn/pattern/validate.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ecrn::pattern {
namespace {

TEST(ValidatePattern, AcceptsWellFormedPatterns) {
  for (const char* text : {
           "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
           "[ipv6-addr:value ISSUPERSET '2001:db8::1']",
           "[file:hashes.'SHA-256' = 'aa' AND file:size IN (1, 2.5)]",
           "[email-message:subject MATCHES '^(?i)urgent\\\\s+vote']",
           "[x-custom-type:some_prop[0].'nested-key' = 1]",
           "[file:name = 'a'] REPEATS 2 TIMES WITHIN 0.5 SECONDS",
           "[file:name = 'a'] START t'2020-01-01T00:00:00Z' STOP t'2020-01-01T00:00:00.001Z'",
       }) {
    auto r = ParseAndValidatePattern(text);
    EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  }
}

TEST(ValidatePattern, RejectsWithPositionAndReason) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"[File:name = 'a']",
       "column 2: 'File' is not a STIX object type name (3-250 characters: a-z, 0-9 and '-')"},
      {"[ab:name = 'a']",
       "column 2: 'ab' is not a STIX object type name (3-250 characters: a-z, 0-9 and '-')"},
      {"[file:'na me' = 'a']",
       "column 7: 'na me' is not a STIX property name (1-250 characters: letters, digits and "
       "'_')"},
      {"[file:hashes.'SHA 256' = 'a']",
       "column 14: 'SHA 256' is not a STIX property name or dictionary key (1-250 characters: "
       "letters, digits, '_' and '-')"},
      {"[file:x[-1] = 'a']", "column 9: a list index must not be negative"},
      {"[file:name = 'a'] REPEATS 0 TIMES", "column 27: REPEATS needs a positive integer"},
      {"[file:name = 'a'] WITHIN 0 SECONDS",
       "column 26: WITHIN needs a positive number of seconds"},
      {"[file:name = 'a'] WITHIN 0.0 SECONDS",
       "column 26: WITHIN needs a positive number of seconds"},
      {"[file:name = 'a'] START t'2020-01-02T00:00:00Z' STOP t'2020-01-01T00:00:00Z'",
       "column 25: START must be earlier than STOP"},
      {"[file:name = 'a'] START t'2020-01-01T00:00:00Z' STOP t'2020-01-01T00:00:00Z'",
       "column 25: START must be earlier than STOP"},
      {"[file:name MATCHES 'a(b']",
       "column 20: MATCHES: regular expression does not compile at offset 3: missing closing "
       "parenthesis"},
      {"[ipv4-addr:value ISSUBSET 'example.com']",
       "column 27: ISSUBSET needs an IPv4 or IPv6 address or CIDR network, not 'example.com'"},
      {"[ipv4-addr:value ISSUPERSET '10.0.0.0/33']",
       "column 29: ISSUPERSET needs an IPv4 or IPv6 address or CIDR network, not '10.0.0.0/33'"},
      {"[file:size IN (1, 'two')]",
       "column 19: every value of a set must have one type: string in a set of number values"},
      // The first problem in source order is the one reported.
      {"[file:name = 'a' AND ab:x = 1] AND [file:x[-1] = 2]",
       "column 22: 'ab' is not a STIX object type name (3-250 characters: a-z, 0-9 and '-')"},
  };
  for (const auto& c : cases) {
    auto r = ParseAndValidatePattern(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().message, c.message) << c.text;
  }
}

}  // namespace
}  // namespace ecrn::pattern
